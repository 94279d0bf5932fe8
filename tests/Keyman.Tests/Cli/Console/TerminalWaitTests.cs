using Keyman.Cli.Console;
using Keyman.Core.Ui;
using Microsoft.Extensions.Time.Testing;

namespace Keyman.Tests.Cli.Console;

/// <summary>The live wait line on a terminal's stderr, and nothing at all when stderr is not a terminal.</summary>
public sealed class TerminalWaitTests
{
    private const string Erase = "\r\u001b[K";

    [Fact]
    public void OnATerminalTheLineCountsSecondsInPlaceAndIsErasedAtTheEnd()
    {
        var stderr = new StringWriter();
        var time = new FakeTimeProvider();
        IInteraction ui = new ConsoleInteraction(TextReader.Null, stderr, inputIsTerminal: true) { WaitLine = stderr, Time = time };

        using (ui.Wait("Waiting for Duo Push"))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(
            $"{Erase}Waiting for Duo Push… 0 s (Ctrl-C to cancel){Erase}Waiting for Duo Push… 1 s (Ctrl-C to cancel){Erase}Waiting for Duo Push… 2 s (Ctrl-C to cancel){Erase}",
            stderr.ToString());
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.EndsWith("2 s (Ctrl-C to cancel)" + Erase, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ALogLineLiftsTheWaitLineAndPutsItBackBelow()
    {
        var stderr = new StringWriter();
        var time = new FakeTimeProvider();
        var log = new ConsoleLog(stderr, color: false, debug: false, time);
        IInteraction ui = new ConsoleInteraction(TextReader.Null, stderr, inputIsTerminal: true) { WaitLine = stderr, Time = time };

        using (ui.Wait("Waiting for Okta Verify push"))
        {
            log.Warning("Okta Verify: tap 42 on your device");
        }

        var text = stderr.ToString();
        var line = text.IndexOf("(WARNING) Okta Verify: tap 42", StringComparison.Ordinal);
        Assert.EndsWith(Erase, text[..(line - "00:00:00 ".Length)], StringComparison.Ordinal);
        Assert.Contains("tap 42 on your device" + Environment.NewLine + Erase + "Waiting for Okta Verify push… 0 s", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithStderrNotATerminalAWaitWritesNothing()
    {
        var stderr = new StringWriter();
        IInteraction ui = new ConsoleInteraction(TextReader.Null, stderr, inputIsTerminal: false);

        using (var wait = ui.Wait("Waiting for Duo Push"))
        {
            Assert.Same(WaitIndicator.None, wait);
        }

        Assert.Equal(string.Empty, stderr.ToString());
    }
}
