using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Delivery;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman env</c>: log in, print the credentials as exports for a shell (or JSON).</summary>
internal sealed class EnvCommand : LoginFlowCommand
{
    private readonly Option<string> _format = new("--format") { Description = "bash (default), zsh, fish, powershell or json" };
    private readonly Option<bool> _json = CommonOptions.Json("The credentials as JSON (the same as --format json)");

    public EnvCommand(CliHost host)
        : base(new Command("env", "Log in, then print the AWS credentials as environment variable exports (eval \"$(keyman env)\")"), host, allOptions: false)
    {
        _format.AcceptOnlyFromAmong("bash", "zsh", "fish", "powershell", "json");
        Command.Options.Remove(Options.RefreshBefore); // env hands the credentials over once: nothing to refresh
        Command.Options.Add(_format);
        Command.Options.Add(_json);
        Command.Validators.Add(result =>
        {
            if (result.GetValue(_json) && result.GetValue(_format) is { } format && format != "json")
            {
                result.AddError($"--json and --format {format} ask for two formats; give one");
            }
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var format = CredentialVariables.ParseFormat(parse.GetValue(_json) ? "json" : parse.GetValue(_format));
        var result = await LoginAsync(parse, context, cancellationToken);
        context.Output.Write(CredentialVariables.Format(CredentialVariables.For(result.Credentials, result.Region), format, CredentialVariables.Overriding));
        return ExitCodes.Success;
    }
}
