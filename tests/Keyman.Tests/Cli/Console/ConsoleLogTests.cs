using Keyman.Cli.Console;

namespace Keyman.Tests.Cli.Console;

public sealed class ConsoleLogTests
{
    [Fact]
    public void AServerMessageCannotDriveTheTerminal()
    {
        var error = new StringWriter();
        var log = ConsoleLog.ForStandardError(CliTestHost.Capture(error, errorIsTerminal: true), debug: false);

        // e.g. an STS error message carrying an OSC 52 clipboard write and a clear-screen.
        log.Error("STS said: \u001b]52;c;cm0gLXJmIH4=\u0007 denied\u001b[2J");

        var line = error.ToString();
        Assert.DoesNotContain('\u0007', line);
        Assert.DoesNotContain("\u001b]52", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", line, StringComparison.Ordinal);
        Assert.Contains("STS said: \u241b]52;c;cm0gLXJmIH4=\u2407 denied\u241b[2J", line, StringComparison.Ordinal);
    }

    [Fact]
    public void ColourOnlyOnATerminalWithoutNoColor()
    {
        var piped = new StringWriter();
        ConsoleLog.ForStandardError(CliTestHost.Capture(piped), debug: false).Info("hello");
        var terminal = new StringWriter();
        ConsoleLog.ForStandardError(CliTestHost.Capture(terminal, errorIsTerminal: true), debug: false).Info("hello");
        var noColor = new StringWriter();
        ConsoleLog.ForStandardError(CliTestHost.Capture(noColor, errorIsTerminal: true, env: new() { ["NO_COLOR"] = "1" }), debug: false).Info("hello");

        Assert.Matches(@"^\d\d:\d\d:\d\d \(INFO\) hello\n?$", piped.ToString().ReplaceLineEndings("\n"));
        Assert.Contains("\u001b[32m(INFO)\u001b[0m hello", terminal.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', noColor.ToString());
    }
}
