using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Scenario;

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
        var run = await InATerminalAsync(world, "-d push", Answer.With(Answer.PasswordPrompt, World.Password));

        AssertLiveLineErasedAtTheEnd(run, "Waiting for Duo Push");
        Assert.Contains("\r\u001b[KWaiting for Duo Push… 1 s (Ctrl-C to cancel)", run.StdOut);
    }

    [Theory]
    [InlineData("default", "jane@example.com", "42")] // Okta Classic: /api/v1/authn's push poll
    [InlineData("oie", "push@example.com", "73")]     // Identity Engine: the IDX challenge-poll
    public async Task OnATerminalAnOktaVerifyPushShowsALiveLineAndTheNumberToTapAboveIt(string scenario, string user, string number)
    {
        await using var world = await World.StartAsync(ScenarioDocument.LoadBuiltIn(scenario));
        world.WithConfig($"username: {user}", $"appid: {(scenario == "oie" ? "0oa1oieDevAbCdEfG/272" : "0oa1dev2AbCdEfGh/272")}");

        var run = await InATerminalAsync(world, "--factor push", Answer.With(Answer.PasswordPrompt, World.Password));

        AssertLiveLineErasedAtTheEnd(run, "Waiting for Okta Verify push");
        // The number is a line of its own; the wait line is drawn again below it, not mixed into it.
        var tap = run.StdOut.IndexOf($"tap {number} on your device", StringComparison.Ordinal);
        Assert.True(tap > 0, run.StdOut);
        Assert.Contains("\r\u001b[KWaiting for Okta Verify push… ", run.StdOut[tap..]);
        var line = run.StdOut[(run.StdOut.LastIndexOf('\n', tap) + 1)..tap];
        var wait = line.LastIndexOf("Ctrl-C", StringComparison.Ordinal);
        Assert.True(wait < 0 || line.IndexOf("\r\u001b[K", wait, StringComparison.Ordinal) > wait, "the wait line is erased before the number's line: " + line);
    }

    [Fact]
    public async Task CtrlCOnTheTerminalDuringAPushWaitEndsKeymanAtOnce()
    {
        // A push nobody answers (it would wait 60 s): the user presses Ctrl-C, as the wait line says.
        await using var world = await World.StartAsync();
        world.WithConfig("username: pushmanual@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var waited = System.Diagnostics.Stopwatch.StartNew();

        var run = await InATerminalAsync(world, "--factor push",
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With(@"Waiting for Okta Verify push… \d+ s \(Ctrl-C to cancel\)", "\u0003"));

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"took {waited.Elapsed}");
        Assert.Contains("Cancelled.", run.StdOut);
        Assert.DoesNotContain("All done!", run.StdOut);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    /// <summary>Runs the binary with <paramref name="flags"/> under script(1), whose pty is the terminal; its screen is StdOut.</summary>
    internal static Task<RunResult> InATerminalAsync(World world, string flags, params Answer[] answers) =>
        KeymanProcess.RunFileAsync("script", ["-qec", $"'{KeymanProcess.Binary}' {flags}", "/dev/null"], world.Env, TimeSpan.FromSeconds(60), answers);

    /// <summary>
    /// The run succeeded; the screen shows "<paramref name="what"/>… 0 s (Ctrl-C to cancel)" redrawn in place (no line
    /// ends in it) and erased after the last redraw, before the login's last line.
    /// </summary>
    internal static void AssertLiveLineErasedAtTheEnd(RunResult run, string what)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var screen = run.StdOut;
        Assert.Contains($"\r\u001b[K{what}… 0 s (Ctrl-C to cancel)", screen);
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
