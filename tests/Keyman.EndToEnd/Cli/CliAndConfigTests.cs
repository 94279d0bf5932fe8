using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>The command line and the config file as a user meets them: help, version, bad input, setup.</summary>
public sealed class CliAndConfigTests
{
    [Fact]
    public async Task HelpShowsTheOriginalsFlags()
    {
        await using var world = await World.StartAsync();
        var run = await world.RunAsync("--help");
        Assert.Equal(0, run.ExitCode);
        var lines = run.StdOut.Split('\n');
        foreach (var (shortFlag, longFlag) in new[]
        {
            ("-o", "--org"), ("-u", "--username"), ("-a", "--appid"), ("-V", "--version"), ("-D", "--debug"), ("-r", "--reup"),
            ("-d", "--duo_factor"), ("-n", "--name"), ("-c", "--config"), ("-w", "--writepath"), ("-p", "--oktapreview"),
            ("-P", "--password_cache"), ("-R", "--password_reset"), ("-C", "--command"), ("-s", "--screen"), ("-re", "--region"),
            ("-du", "--duration"), ("-co", "--console"), ("-U", "--update"), ("-ac", "--account"), ("-ro", "--role"),
        })
        {
            Assert.Contains(lines, l => l.TrimStart().StartsWith(shortFlag + ", ", StringComparison.Ordinal) && l.Contains(longFlag, StringComparison.Ordinal));
        }

        Assert.Contains("--factor", run.StdOut);
        Assert.Contains("config", run.StdOut);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-V")]
    public async Task VersionPrintsTheVersion(string flag)
    {
        await using var world = await World.StartAsync();
        var run = await world.RunAsync(flag);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\s*$", run.StdOut);
    }

    [Theory]
    [InlineData(new[] { "--duration", "100" }, "outside 900 to 43200")]
    [InlineData(new[] { "--duration", "soon" }, "soon")]
    [InlineData(new[] { "--no-such-flag" }, "--no-such-flag")]
    public async Task BadFlagsAreUsageErrors(string[] args, string words)
    {
        await using var world = await World.StartAsync();
        var run = await world.RunAsync(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(words, run.StdErr);
        Assert.Contains("keyman --help", run.StdErr);
    }

    [Theory]
    [InlineData("org: $OKTA_ORG\nusername: jane@example.com\n", "'org' is still the placeholder '$OKTA_ORG'")]
    [InlineData("org: acme\nusername: [jane\nregion: x\n", "the YAML is malformed")]
    [InlineData("org: http://acme.okta.com\n", "https")]
    [InlineData("org: acme\nduration: 60\n", "'duration' is 60")]
    [InlineData("username: jane\n", "No Okta org")]
    public async Task BadConfigIsOneLineNamingTheProblemAndExit10(string yaml, string words)
    {
        await using var world = await World.StartAsync();
        File.WriteAllText(world.ConfigPath, yaml);
        var run = await world.RunAsync();
        Assert.True(run.ExitCode == 10, run.ToString());
        var error = Assert.Single(run.StdErr.Split('\n'), l => l.Contains("(ERROR)", StringComparison.Ordinal));
        Assert.Contains(words, error);
        Assert.Contains("Fix:", error);
    }

    [Fact]
    public async Task UnknownKeyIsAWarningAndUnavailableOptionsSaySo()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "usrname: x", "password_cache: true", "duo_factor: push");
        world.Env["KEYMAN_SECRET_STORE"] = "file"; // no passphrase: no store, and Keyman must say so
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("unknown key 'usrname' is ignored. Did you mean 'username'?", run.StdErr);
        Assert.Contains("(WARNING) The secret store is not available", run.StdErr);
        Assert.DoesNotContain("Duo is not supported", run.StdErr); // duo_factor works now (tests/Keyman.EndToEnd/Login/DuoTests.cs)
    }

    [Fact]
    public async Task FlagsOverrideTheFileAndWritepathSavesThem()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: someone-else@example.com", "appid: 0oa0wrong/1");
        var saved = Path.Combine(world.Home, "saved.yml");
        var run = await world.RunAsync(["-u", "nomfa@example.com", "-a", "0oa1dev2AbCdEfGh/272", "-re", "eu-west-1", "-w", saved], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("eu-west-1", world.Profile("default")!["region"]);
        var yaml = File.ReadAllText(saved);
        Assert.Contains("username: nomfa@example.com", yaml);
        Assert.Contains("region: eu-west-1", yaml);
        Assert.Contains($"org: {world.Url}", yaml);
    }

    [Fact]
    public async Task ConfigCommandAsksAndWritesAFileKeymanThenUses()
    {
        await using var world = await World.StartAsync();
        var setup = await world.RunAsync(["config"],
            Answer.With(@"Okta org[^\n]*: $", "$OKTA_ORG"),
            Answer.With(@"(?s)placeholder.*Okta org[^\n]*: $", world.Url),
            Answer.With(@"Username[^\n]*: $", "nomfa@example.com"),
            Answer.With(@"App ID[^\n]*: $", "0oa1dev2AbCdEfGh/272"),
            Answer.With(@"Account name[^\n]*: $", "Dev"),
            Answer.With(@"App ID[^\n]*: $", ""),
            Answer.With(@"Role[^\n]*: $", ""),
            Answer.With(@"region[^\n]*: $", ""));
        Assert.True(setup.ExitCode == 0, setup.ToString());
        Assert.Contains($"Config file written to {world.ConfigPath}", setup.StdErr);

        var login = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Using account: Dev / 0oa1dev2AbCdEfGh/272", login.StdErr);
    }

    [Fact]
    public async Task ConfigCommandRunAgainOffersTheCurrentValuesAndKeepsEveryOtherKey()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "factor: OKTA push", "password_cache: true", "duration: 7200");
        var setup = await world.RunAsync(["config"],
            Answer.With(@"Okta org[^\n]*\[https://127\.0\.0\.1:\d+\]: $", ""),
            Answer.With(@"Username[^\n]*\[nomfa@example\.com\]: $", ""),
            Answer.With(@"App ID[^\n]*: $", ""),
            Answer.With(@"Role[^\n]*: $", "Developer"),
            Answer.With(@"region[^\n]*: $", ""));
        Assert.True(setup.ExitCode == 0, setup.ToString());
        var yaml = File.ReadAllText(world.ConfigPath);
        foreach (var line in new[] { $"org: {world.Url}", "username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "factor: OKTA push", "password_cache: true", "duration: 7200", "role: Developer" })
        {
            Assert.Contains(line, yaml);
        }
    }

    [Fact]
    public async Task UpdateFlagExplainsInsteadOfSelfUpdating()
    {
        await using var world = await World.StartAsync();
        var run = await world.RunAsync("-U");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("does not update itself", run.StdErr);
    }

    [Fact]
    public async Task InATerminalThePasswordIsNotEchoed()
    {
        // script(1) gives Keyman a real pseudo-terminal, so the hidden-input path runs as it does for a user.
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var command = $"'{KeymanProcess.Binary}'";
        var run = await KeymanProcess.RunFileAsync("script", ["-qec", command, "/dev/null"], world.Env, TimeSpan.FromSeconds(60),
            Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("All done!", run.StdOut); // script(1) puts the terminal's output on its stdout
        Assert.DoesNotContain(World.Password, run.StdOut + run.StdErr);
    }
}
