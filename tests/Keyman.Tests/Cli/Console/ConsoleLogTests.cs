using Keyman.Cli.Console;
using Keyman.Core.Ui;

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

    [Fact]
    public void QuietKeepsErrorsAndWhatTheUserMustActOnOnly()
    {
        var error = new StringWriter();
        ILog log = ConsoleLog.ForStandardError(CliTestHost.Capture(error), debug: false, quiet: true);

        log.Info("Getting SAML Assertion");
        log.Warning("Okta rejected the cached password");
        log.MustShow("Okta Verify push sent to Jane's iPhone; approve it there");
        log.MustShowWarning("Okta Verify: tap 42 on your device");
        log.Error("Okta Verify push was rejected");

        var lines = error.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.EndsWith("(INFO) Okta Verify push sent to Jane's iPhone; approve it there", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("(WARNING) Okta Verify: tap 42 on your device", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("(ERROR) Okta Verify push was rejected", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutQuietMustShowLinesAreOrdinaryLines()
    {
        var error = new StringWriter();
        ILog log = ConsoleLog.ForStandardError(CliTestHost.Capture(error), debug: false);

        log.Info("one");
        log.MustShowWarning("two");

        Assert.Matches(@"^\d\d:\d\d:\d\d \(INFO\) one\n\d\d:\d\d:\d\d \(WARNING\) two\n$", error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void QuietCredentialProcessStillShowsTheNumberOnTheTerminal()
    {
        var error = new StringWriter();
        var terminal = new StringWriter();
        ILog log = ConsoleLog.ForCredentialProcess(CliTestHost.Capture(error, env: new() { ["NO_COLOR"] = "1" }), debug: false, terminal, quiet: true);

        log.Info("Using cached credentials");
        log.MustShowWarning("Okta Verify: tap 42 on your device");

        Assert.DoesNotContain("cached", terminal.ToString(), StringComparison.Ordinal);
        Assert.Contains("(WARNING) Okta Verify: tap 42 on your device", terminal.ToString(), StringComparison.Ordinal);
        Assert.Contains("(WARNING) Okta Verify: tap 42 on your device", error.ToString(), StringComparison.Ordinal);
    }
}
