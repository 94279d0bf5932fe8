using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// The live wait line for pushes and calls: on a terminal (script(1) gives one) a single line redrawn in place with the
/// seconds so far and "Ctrl-C to cancel", erased at the end; with stderr not a terminal, the log lines as before.
/// </summary>
public sealed class WaitIndicatorTests
{
    [Fact]
    public async Task OnATerminalADuoPushShowsALiveLineThatIsErasedAtTheEnd()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: duo@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await KeymanProcess.RunFileAsync("script", ["-qec", $"'{KeymanProcess.Binary}' -d push", "/dev/null"], world.Env, TimeSpan.FromSeconds(60),
            Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        var screen = run.StdOut;
        Assert.Contains("\r\u001b[KWaiting for Duo Push… 0 s (Ctrl-C to cancel)", screen);
        Assert.Contains("\r\u001b[KWaiting for Duo Push… 1 s (Ctrl-C to cancel)", screen);
        var last = screen.LastIndexOf("(Ctrl-C to cancel)", StringComparison.Ordinal);
        var erased = screen.IndexOf("\r\u001b[K", last, StringComparison.Ordinal);
        Assert.True(erased > last, "the wait line is erased after the last redraw:\n" + screen);
        Assert.Contains("All done!", screen[erased..]);
        Assert.DoesNotContain("\n", screen[last..erased]);
    }

    [Theory]
    [InlineData("duo@example.com", "-d", "push", "Duo Push sent to")]
    [InlineData("jane@example.com", "--factor", "push", "Okta Verify push sent to")]
    public async Task WithStderrNotATerminalTheLogIsAsBefore(string user, string flag, string value, string line)
    {
        await using var world = await World.StartAsync();
        world.WithConfig($"username: {user}", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync([flag, value], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(line, run.StdErr);
        Assert.DoesNotContain("Waiting for", run.StdErr);
        Assert.DoesNotContain("Ctrl-C to cancel", run.StdErr);
        Assert.DoesNotContain("\r", run.StdErr);
    }
}
