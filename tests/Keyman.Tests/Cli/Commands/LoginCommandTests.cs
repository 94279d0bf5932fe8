namespace Keyman.Tests.Cli.Commands;

public sealed class LoginCommandTests
{
    [Fact]
    public async Task LoginAgainstTheSandboxWritesTheProfile()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["--name", "work"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        var profile = cli.Profile("work");
        Assert.NotNull(profile);
        Assert.StartsWith("ASIA", profile["aws_access_key_id"], StringComparison.Ordinal);
        Assert.Contains($"Okta password for nomfa@example.com at {new Uri(cli.Url).Authority}: ", cli.Error, StringComparison.Ordinal);
        Assert.Contains("All done!", cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task ProfileIsTheSameAsNameForTheLogin()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["--profile", "work"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        Assert.NotNull(cli.Profile("work"));
        Assert.Null(cli.Profile("default"));
    }

    [Fact]
    public async Task QuietLoginShowsThePasswordPromptAndNothingElse()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["-q"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        Assert.NotNull(cli.Profile("default"));
        Assert.Equal($"Okta password for nomfa@example.com at {new Uri(cli.Url).Authority}: \n", cli.Error);
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task QuietLoginStillShowsTheNumberToTap()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: jane@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["--quiet", "--factor", "push"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        var lines = cli.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Okta password for jane@example.com", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.EndsWith("(INFO) Okta Verify push sent to Jane's iPhone; approve it there", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("(WARNING) Okta Verify: tap 42 on your device", StringComparison.Ordinal));
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain("All done!", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuietLoginStillShowsTheError()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["-q"], "wrong-password\n");

        Assert.NotEqual(0, code);
        Assert.Single(cli.ErrorLines);
        Assert.Contains("Fix:", cli.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScreenPrintsTheKeysOnStandardOutput()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["--screen"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        var lines = cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches("^AWS_ACCESS_KEY_ID = ASIA[A-Z0-9]{16}$", lines[0]);
        Assert.StartsWith("AWS_SECRET_ACCESS_KEY = ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("AWS_SESSION_TOKEN = ", lines[2], StringComparison.Ordinal);
        Assert.Contains("(INFO) AWS Credentials:", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadConfigIsOneLineAndExitCode10()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        cli.WithConfig("org: [unclosed");

        var code = await cli.RunAsync();

        Assert.Equal(10, code);
        Assert.Single(cli.ErrorLines);
        Assert.Contains("Fix:", cli.ErrorLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task DebugFromTheConfigFileShowsDebugLines()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        cli.WithConfig("debug: true", "org: acme");

        await cli.RunAsync(["--update"]);

        Assert.Contains("(DEBUG) Config file: ", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateExplainsInsteadOfUpdating()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        var code = await cli.RunAsync("-U");

        Assert.Equal(0, code);
        Assert.Contains("Keyman does not update itself", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(DEBUG)", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritepathSavesTheFlagsIntoTheConfigFile()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        var target = Path.Combine(cli.Home, "saved.yml");

        // The file is written before the login, which then stops at the plain-http org without any request.
        var code = await cli.RunAsync("-o", "http://acme.example", "-u", "someone", "-w", target);

        Assert.Equal(10, code);
        var yaml = File.ReadAllText(target);
        Assert.Contains("org: http://acme.example", yaml, StringComparison.Ordinal);
        Assert.Contains("username: someone", yaml, StringComparison.Ordinal);
        Assert.Contains($"Config file written to {target}", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleOpenPrintsTheUrlAndHandsItToTheBrowser()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["--console", "--open"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        var url = Assert.Single(cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Action=login", url, StringComparison.Ordinal);
        Assert.Contains("SigninToken=", url, StringComparison.Ordinal);
        Assert.Equal(url, Assert.Single(cli.Browser.Opened).AbsoluteUri);
    }

    [Fact]
    public async Task CommandRunsWithTheCredentialsAndItsExitCodeIsKeymans()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["-C", "sh -c 'case $AWS_ACCESS_KEY_ID in ASIA*) exit 7;; esac; exit 1'"], CliTestHost.Password + "\n");

        Assert.Equal(7, code);
        Assert.DoesNotContain("All done!", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordIsOneErrorLineWithItsExitCode()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync([], "wrong\nwrong\nwrong\n");

        Assert.Equal(11, code);
        Assert.Single(cli.ErrorLines);
        Assert.Null(cli.Profile("default"));
    }

    [Fact]
    public async Task APipedTotpCodeIsNotEchoed()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: jane@example.com", $"appid: {CliTestHost.DevApp}");
        using var http = new HttpClient();
        var totp = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"{cli.Url}/_sandbox/totp?user=jane@example.com&factor=GOOGLE"));
        var code = totp.RootElement.GetProperty("code").GetString()!;

        var exit = await cli.RunAsync(["--factor", "GOOGLE token:software:totp"], $"{CliTestHost.Password}\n{code}\n");

        Assert.True(exit == 0, cli.ToString());
        Assert.Contains("MFA Passcode:", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(code, cli.Error, StringComparison.Ordinal);
    }
}
