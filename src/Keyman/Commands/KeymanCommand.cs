using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;

namespace Keyman.Cli.Commands;

/// <summary>
/// A Keyman command: it declares its options on <see cref="Command"/> and implements <see cref="ExecuteAsync"/>. This
/// base builds the log, the prompts and the <see cref="KeymanContext"/> once, and turns every failure into the
/// one-line error and its exit code (<see cref="ErrorReport"/>), so no command has its own try/catch.
/// </summary>
internal abstract class KeymanCommand
{
    protected KeymanCommand(Command command, CliHost host)
    {
        Command = command;
        Host = host;
        command.SetAction(InvokeAsync);
    }

    /// <summary>The System.CommandLine command this class runs (the root command for the login).</summary>
    public Command Command { get; }

    protected CliHost Host { get; }

    /// <summary>The command's --debug flag, if it has one.</summary>
    protected virtual Option<bool>? Debug => null;

    /// <summary>The command's -q/--quiet flag, if it has one: errors and the lines the user must act on only.</summary>
    protected virtual Option<bool>? Quiet => null;

    /// <summary>True for commands that log in: they get the secret store (password, session, credentials cache).</summary>
    protected virtual bool UsesSecretStore => false;

    /// <summary>True for credential-process: prompts on the terminal device, its stdin and stdout belong to the SDK.</summary>
    protected virtual bool PromptsOnTerminalDevice => false;

    protected abstract Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken);

    private async Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var debug = Debug is { } option && parse.GetValue(option);
        var quiet = Quiet is { } quietOption && parse.GetValue(quietOption);
        ConsoleInteraction interaction;
        ConsoleLog log;
        if (PromptsOnTerminalDevice)
        {
            interaction = Host.TerminalDevice();
            log = ConsoleLog.ForCredentialProcess(Host, debug, interaction.Terminal, quiet);
        }
        else
        {
            interaction = ConsoleInteraction.ForConsole(Host);
            log = ConsoleLog.ForStandardError(Host, debug, quiet);
        }

        try
        {
            var context = new KeymanContext
            {
                Environment = Host.Environment,
                Log = log,
                Interaction = interaction,
                Output = new Core.Ui.UserOutput(Host.Out, Host.OutputIsTerminal),
                Browser = Host.Browser,
                Time = Host.Time,
                Version = KeymanCli.Version,
                Secrets = UsesSecretStore ? Host.OpenSecrets(Host.Environment, log, interaction) : null,
            };
            return await ExecuteAsync(parse, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The log's level now (a config file's "debug: true" turns it on after the flags were read).
            return ErrorReport.Fail(Host, e, log.DebugEnabled);
        }
    }
}
