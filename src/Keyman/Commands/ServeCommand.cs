using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Delivery;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman serve</c>: log in, then run the local credential endpoint alone until Ctrl-C or SIGTERM, printing the two
/// variables that point an AWS SDK at it as export lines.
/// </summary>
internal sealed class ServeCommand : LoginFlowCommand
{
    public ServeCommand(CliHost host)
        : base(new Command("serve", "Log in, then serve the AWS credentials on 127.0.0.1 (renewed through the Okta session) until Ctrl-C; prints AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN to export"), host, allOptions: false)
    {
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var config = LoadConfig(parse, context);
        using var stop = StopOnTerminate(cancellationToken);
        await using var endpoint = await CredentialEndpoint.StartAsync(context, config, stop.Token);
        context.Output.Write(CredentialVariables.Format(endpoint.Server.Variables, ExportFormat.Bash));
        context.Log.Info("Export the two variables above in the shell that runs your AWS tool (and unset AWS_PROFILE there); Ctrl-C stops the endpoint");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        context.Log.Info("Credential endpoint stopped");
        return ExitCodes.Success;
    }
}
