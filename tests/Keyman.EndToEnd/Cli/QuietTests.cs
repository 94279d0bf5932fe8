using System.Text.RegularExpressions;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>
/// -q/--quiet: errors only, plus what the user must act on (the password prompt, the Okta Verify number, the push to
/// approve). Run as a user would: in a terminal (script(1) gives one) and with stderr piped.
/// </summary>
public sealed class QuietTests
{
    private const string DevApp = "appid: 0oa1dev2AbCdEfGh/272";

    [Fact]
    public async Task QuietLoginInATerminalShowsThePasswordPromptAndNothingElse()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", DevApp);

        var run = await KeymanProcess.RunFileAsync("script", ["-qec", $"'{KeymanProcess.Binary}' -q", "/dev/null"], world.Env, TimeSpan.FromSeconds(60),
            Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        // The screen without the terminal modes .NET's console sets (keypad mode: ESC [?1h ESC =) and carriage returns.
        var screen = Regex.Replace(run.StdOut, @"\e\[[?0-9;]*[A-Za-z]|\e[=>]|\r", string.Empty);
        var lines = screen.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith(Answer.PasswordPromptText + "nomfa@example.com", lines[0]);
        Assert.DoesNotContain(World.Password, run.StdOut);
        Assert.True(File.Exists(world.CredentialsPath), "the quiet login still writes the profile");
    }

    [Fact]
    public async Task QuietLoginStillShowsTheNumberToTapAndThePushToApprove()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: jane@example.com", DevApp);

        var run = await world.RunAsync(["--quiet", "--factor", "push"], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(WARNING) Okta Verify: tap 42 on your device", run.StdErr);
        Assert.Contains("(INFO) Okta Verify push sent to Jane's iPhone; approve it there", run.StdErr);
        Assert.DoesNotContain("All done", run.StdErr);
        Assert.DoesNotContain("Wrote profile", run.StdErr);
        Assert.Equal(3, run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the prompt and the two lines
    }

    [Fact]
    public async Task QuietEnvPrintsTheExportsAndOnlyThePromptOnStderr()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", DevApp);

        var run = await world.RunAsync(["env", "-q", "--json"], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("\"AWS_ACCESS_KEY_ID\"", run.StdOut);
        Assert.StartsWith(Answer.PasswordPromptText, run.StdErr);
        Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task QuietExecLeavesTheChildsOutputAlone()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", DevApp);

        var run = await world.RunAsync(["exec", "-q", "--", "sh", "-c", "echo out; echo err >&2"], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("out\n", run.StdOut);
        Assert.DoesNotContain("Running:", run.StdErr);
        Assert.EndsWith("err\n", run.StdErr);
        Assert.Equal(2, run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // the prompt and the child's line
    }

    [Fact]
    public async Task QuietStillShowsTheError()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", DevApp);

        var run = await world.RunAsync(["-q"], Answer.With(Answer.PasswordPrompt, "not-the-password"));

        Assert.NotEqual(0, run.ExitCode);
        var errors = run.StdErr.Split('\n').Where(l => l.Contains("(ERROR)", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);
        Assert.Contains("Fix:", errors[0]);
    }

    [Fact]
    public async Task QuietCredentialProcessWithoutATerminalStillSaysWhy()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", DevApp);

        // No terminal to prompt on (setsid: no controlling terminal): the one error line is all it prints.
        var run = await KeymanProcess.RunFileAsync("setsid", ["-w", KeymanProcess.Binary, "credential-process", "-q", "--profile", "dev"], world.Env, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal(string.Empty, run.StdOut);
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("(ERROR)", lines[0]);
        Assert.Contains("Fix:", lines[0]);
    }
}
