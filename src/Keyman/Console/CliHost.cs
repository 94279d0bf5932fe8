using Keyman.Core;
using Keyman.Core.Delivery;
using Keyman.Core.Secrets;
using Keyman.Core.Ui;

namespace Keyman.Cli.Console;

/// <summary>
/// The process a command runs in: its streams (and whether each is a terminal), environment, secret store, browser
/// and path. <see cref="ForProcess"/> is the real one; tests build their own and run commands in-process.
/// </summary>
internal sealed class CliHost
{
    private readonly Lazy<TextReader> _input;

    /// <param name="input">Made on first use: touching the console's input can set up the terminal.</param>
    public CliHost(Func<TextReader> input) => _input = new Lazy<TextReader>(input);

    public required IEnvironment Environment { get; init; }

    public TextReader In => _input.Value;

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public bool InputIsTerminal { get; init; }

    public bool OutputIsTerminal { get; init; }

    public bool ErrorIsTerminal { get; init; }

    /// <summary>Prompts for credential-process: the terminal device, as its stdin and stdout belong to the calling SDK.</summary>
    public required Func<ConsoleInteraction> TerminalDevice { get; init; }

    public Func<IEnvironment, ILog, IInteraction, ISecretStore?> OpenSecrets { get; init; } = SecretStoreFactory.Open;

    public IBrowserOpener Browser { get; init; } = BrowserOpener.System;

    /// <summary>Where the keyman binary is, for the credential_process line setup-profile writes.</summary>
    public string? ProcessPath { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static CliHost ForProcess()
    {
        var error = System.Console.Error;
        return new CliHost(() => System.Console.In)
        {
            Environment = ProcessEnvironment.Instance,
            Out = System.Console.Out,
            Error = error,
            InputIsTerminal = !System.Console.IsInputRedirected,
            OutputIsTerminal = !System.Console.IsOutputRedirected,
            ErrorIsTerminal = !System.Console.IsErrorRedirected,
            TerminalDevice = () => ConsoleInteraction.ForTerminalDevice(error),
            ProcessPath = System.Environment.ProcessPath,
        };
    }

    /// <summary>Colour on a terminal, unless NO_COLOR is set or TERM=dumb.</summary>
    public bool Color(bool terminal) => terminal && Environment.Get("NO_COLOR") is null && Environment.Get("TERM") != "dumb";
}
