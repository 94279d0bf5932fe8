using Keyman.Cli;

return await KeymanCli.RunAsync(args);
