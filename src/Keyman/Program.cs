using Keyman.Cli;
using Keyman.Core.Http;

// Before any TLS: the system trust store is read lazily by Keyman instead of whole by .NET (most of a login's own time).
SystemTrustStore.TakeOverFromRuntime();
return await KeymanCli.RunAsync(args);
