using Keyman.Core.Ui;

namespace Keyman.Cli.Console;

/// <summary>
/// Status lines on stderr in aws_okta_keyman's shape, "HH:MM:SS (LEVEL) message", coloured only on a terminal
/// (and never when NO_COLOR is set). Quiet (<c>-q</c>) keeps errors and the lines the user must act on
/// (<see cref="ILog.MustShow"/>: the number to tap, the URL and code to open) and drops info and warnings.
/// </summary>
internal sealed class ConsoleLog(TextWriter error, bool color, bool debug, TimeProvider time) : ILog
{
    private readonly Lock _gate = new();

    public static ConsoleLog ForStandardError(CliHost host, bool debug, bool quiet = false) =>
        new(host.Error, host.Color(host.ErrorIsTerminal), debug, host.Time) { Quiet = quiet };

    /// <summary>
    /// For credential-process: its caller pipes stderr and drops it on success, so the lines a user must read
    /// (a security question, the Okta Verify number) also go to the terminal. Debug lines stay on stderr only.
    /// </summary>
    public static ConsoleLog ForCredentialProcess(CliHost host, bool debug, TextWriter? terminal, bool quiet = false) =>
        new(host.Error, host.Color(host.ErrorIsTerminal), debug, host.Time)
        {
            Quiet = quiet,
            // When stderr is the terminal already, once is enough.
            Terminal = host.ErrorIsTerminal ? null : terminal,
            TerminalColor = host.Color(terminal: true),
        };

    public bool DebugEnabled { get; set; } = debug;

    /// <summary>Errors and must-show lines only (debug lines still show when asked for with -D).</summary>
    public bool Quiet { get; init; }

    /// <summary>A second writer for Info, Warning and Error lines: the terminal when stderr goes elsewhere.</summary>
    public TextWriter? Terminal { get; init; }

    private bool TerminalColor { get; init; }

    public void Debug(string message)
    {
        if (DebugEnabled)
        {
            Write("DEBUG", "\u001b[36m", message);
        }
    }

    public void Info(string message)
    {
        if (!Quiet)
        {
            MustShow(message);
        }
    }

    public void Warning(string message)
    {
        if (!Quiet)
        {
            MustShowWarning(message);
        }
    }

    public void MustShow(string message) => Write("INFO", "\u001b[32m", message, toTerminal: true);

    public void MustShowWarning(string message) => Write("WARNING", "\u001b[33m", message, toTerminal: true);

    public void Error(string message) => Write("ERROR", "\u001b[31m", message, toTerminal: true);

    private void Write(string level, string ansi, string message, bool toTerminal = false)
    {
        // A message may quote a server (an STS error, a security question): its control sequences are shown, not obeyed.
        message = TerminalText.Defuse(message);
        var clock = time.GetLocalNow().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var plain = $"{clock} ({level}) {message}";
        lock (_gate)
        {
            TerminalWait.Lift(error);
            error.WriteLine(color ? $"{clock} {ansi}({level})\u001b[0m {message}" : plain);
            error.Flush();
            TerminalWait.Restore(error);
            if (toTerminal && Terminal is { } terminal)
            {
                try
                {
                    terminal.WriteLine(TerminalColor ? $"{clock} {ansi}({level})\u001b[0m {message}" : plain);
                    terminal.Flush();
                }
                catch (IOException)
                {
                    // The terminal went away (hung up); stderr still has the line.
                }
            }
        }
    }
}
