using System.CommandLine;

var root = new RootCommand("Keyman: Okta to AWS credentials");
return await root.Parse(args).InvokeAsync();
