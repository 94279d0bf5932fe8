using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Delivery;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman exec -- CMD…</c>: log in, run the command (no shell) with the credentials in its environment, exit with its
/// code. With <c>--server</c> the command gets a local credential endpoint instead of static keys, renewed before expiry.
/// </summary>
internal sealed class ExecCommand : LoginFlowCommand
{
    private readonly Argument<string[]> _command = new("command") { Description = "The command and its arguments, after --", Arity = ArgumentArity.OneOrMore };

    private readonly Option<bool> _server = new("--server")
    {
        Description = "Give the command a credential endpoint on 127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI + token) instead of static keys; "
            + "its AWS SDK fetches credentials that Keyman renews through the Okta session, so long runs never see an expired key",
    };

    public ExecCommand(CliHost host)
        : base(new Command("exec", "Log in, then run a command (no shell) with the AWS credentials in its environment; exits with its exit code"), host, allOptions: false)
    {
        Command.Options.Add(_server);
        Command.Arguments.Add(_command);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var command = parse.GetValue(_command)!;
        if (!parse.GetValue(_server))
        {
            var result = await LoginAsync(parse, context, cancellationToken);
            return await RunChildAsync(command, result, context);
        }

        await using var endpoint = await CredentialEndpoint.StartAsync(context, LoadConfig(parse, context), cancellationToken);
        return await RunChildAsync(command, endpoint.Variables, CredentialVariables.ClearedForEndpoint, context);
    }
}
