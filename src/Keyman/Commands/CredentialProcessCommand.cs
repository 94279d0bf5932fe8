using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Delivery;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman credential-process --profile NAME</c>: Version 1 JSON for the AWS SDKs, cached in the keychain.</summary>
internal sealed class CredentialProcessCommand : LoginFlowCommand
{
    private readonly Option<string> _profile = CommonOptions.Profile("The AWS profile this answers for: the cache key (and lock) of its credentials");

    private readonly Option<string> _format = new("--format")
    {
        Description = "process: Version 1 JSON for credential_process (default); claude-export: {\"Credentials\":{…}} for Claude Code's awsCredentialExport",
    };

    public CredentialProcessCommand(CliHost host)
        : base(new Command("credential-process", "For credential_process in ~/.aws/config: print Version 1 JSON credentials, cached in the keychain; prompts only on the terminal"), host, allOptions: false)
    {
        _profile.Required = true;
        Command.Options.Add(_profile);
        _format.AcceptOnlyFromAmong("process", "claude-export");
        Command.Options.Add(_format);
    }

    protected override bool PromptsOnTerminalDevice => true;

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var config = LoadConfig(parse, context);
        var format = CredentialProcessCache.ParseFormat(parse.GetValue(_format));
        var process = new CredentialProcess(context) { SignInNeedsTerminal = format == CredentialOutputFormat.ClaudeExport };
        var json = await process.GetJsonAsync(parse.GetValue(_profile)!, config, format, cancellationToken);
        context.Output.WriteLine(json);
        return ExitCodes.Success;
    }
}
