using Keyman.Core.Ui;

namespace Keyman.Cli.Console;

/// <summary>
/// Status lines on stderr in aws_okta_keyman's shape, "HH:MM:SS (LEVEL) message", coloured only on a terminal
/// (and never when NO_COLOR is set).
/// </summary>
internal sealed class ConsoleLog(TextWriter error, bool color, bool debug, TimeProvider time) : ILog
{
    private readonly Lock _gate = new();

    public static ConsoleLog ForStandardError(bool debug) =>
        new(System.Console.Error, UseColor(), debug, TimeProvider.System);

    public bool DebugEnabled { get; set; } = debug;

    public void Debug(string message)
    {
        if (DebugEnabled)
        {
            Write("DEBUG", "\u001b[36m", message);
        }
    }

    public void Info(string message) => Write("INFO", "\u001b[32m", message);

    public void Warning(string message) => Write("WARNING", "\u001b[33m", message);

    public void Error(string message) => Write("ERROR", "\u001b[31m", message);

    private void Write(string level, string ansi, string message)
    {
        var clock = time.GetLocalNow().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var line = color ? $"{clock} {ansi}({level})\u001b[0m {message}" : $"{clock} ({level}) {message}";
        lock (_gate)
        {
            error.WriteLine(line);
            error.Flush();
        }
    }

    private static bool UseColor() =>
        !System.Console.IsErrorRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") != "dumb";
}
