using Keyman.Core;

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
    public async Task WithDebugLinesThePasswordPromptStartsItsOwnLine()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["-q", "-D"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        var prompt = $"Okta password for nomfa@example.com at {new Uri(cli.Url).Authority}: ";
        var lines = cli.Error.Split('\n');
        Assert.Contains(lines, l => l.StartsWith(prompt, StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.Contains(prompt, StringComparison.Ordinal)), l => Assert.StartsWith(prompt, l, StringComparison.Ordinal));
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

    private const string MultiAccountApp = "0oa2multiAcctXyZ/137";

    private static readonly string[] MultiAccountProfiles = ["sandbox-dev-Developer", "sandbox-dev-ReadOnly", "sandbox-prod-account-team-Admin", "sandbox-prod-account-Deployer"];

    [Fact]
    public async Task AllProfilesWritesAProfileForEveryRoleOfTheAppNamedByAliasAndRole()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {MultiAccountApp}");

        var code = await cli.RunAsync(["--all-profiles"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        Assert.Equal(string.Empty, cli.Out);
        foreach (var name in MultiAccountProfiles)
        {
            Assert.StartsWith("ASIA", cli.Profile(name)?["aws_access_key_id"], StringComparison.Ordinal);
        }

        Assert.Null(cli.Profile("default"));
        Assert.Equal(4, MultiAccountProfiles.Select(n => cli.Profile(n)!["aws_access_key_id"]).Distinct().Count());
        Assert.Contains("Profile \"sandbox-prod-account-team-Admin\": arn:aws:iam::222222222222:role/team/Admin, expires ", cli.Error, StringComparison.Ordinal);
        Assert.Single(cli.Error.Split('\n'), l => l.Contains("Getting SAML Assertion", StringComparison.Ordinal));
        Assert.Contains("All done!", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllProfilesNamesFollowTheTemplateAndTheRoleFilter()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {MultiAccountApp}");

        var code = await cli.RunAsync(["--all-profiles", "--profile-template", "okta.{account_id}.{role}", "--account", "sandbox-prod-account"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        Assert.NotNull(cli.Profile("okta.222222222222.team-Admin"));
        Assert.NotNull(cli.Profile("okta.222222222222.Deployer"));
        Assert.Null(cli.Profile("okta.111111111111.Developer"));
    }

    [Theory]
    [InlineData("{account}", "lacks {role}")]
    [InlineData("{acct}-{role}", "names {acct}")]
    public async Task AWrongProfileTemplateIsAUsageErrorBeforeAnyPasswordIsAsked(string template, string problem)
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {MultiAccountApp}");

        var code = await cli.RunAsync(["--all-profiles", "--profile-template", template]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(problem, cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Okta password", cli.Error, StringComparison.Ordinal);
        // The fix states the rule, not just "see --help".
        var line = Assert.Single(cli.ErrorLines);
        Assert.Contains("{account}, {account_id} and {role} ({role} is required)", line, StringComparison.Ordinal);
        Assert.Contains("letters, digits and - _ .", line, StringComparison.Ordinal);
        Assert.DoesNotContain("--help", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProfileTemplateWithoutAllProfilesIsAUsageError()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {MultiAccountApp}");

        var code = await cli.RunAsync(["--profile-template", "{account}-{role}"]);

        Assert.Equal(ExitCodes.Usage, code);
        var line = Assert.Single(cli.ErrorLines);
        Assert.Contains("--all-profiles", line, StringComparison.Ordinal);
        Assert.Contains("-n/--profile", line, StringComparison.Ordinal);
        Assert.DoesNotContain("--name", line, StringComparison.Ordinal);
    }

    /// <summary>The multi-account app, where STS refuses the ReadOnly role (its trust policy leaves the SAML provider out).</summary>
    private static async Task<CliTestHost> WithReadOnlyRefusedAsync()
    {
        var scenario = Keyman.Sandbox.Scenario.ScenarioDocument.LoadDefault();
        scenario.FindRole("arn:aws:iam::111111111111:role/ReadOnly")!.TrustsSaml = false;
        return (await CliTestHost.WithSandboxAsync(new Keyman.Sandbox.Hosting.SandboxOptions { Scenario = scenario }))
            .WithConfig("username: nomfa@example.com", $"appid: {MultiAccountApp}");
    }

    [Fact]
    public async Task ARoleStsRefusesIsListedWithItsReasonTheOthersAreWrittenAndTheExitCodeIs24()
    {
        await using var cli = await WithReadOnlyRefusedAsync();

        var code = await cli.RunAsync(["--all-profiles"], CliTestHost.Password + "\n");

        Assert.Equal(ExitCodes.SomeProfilesRefused, code);
        Assert.Null(cli.Profile("sandbox-dev-ReadOnly"));
        Assert.NotNull(cli.Profile("sandbox-dev-Developer"));
        Assert.NotNull(cli.Profile("sandbox-prod-account-team-Admin"));
        Assert.NotNull(cli.Profile("sandbox-prod-account-Deployer"));
        Assert.Contains("(WARNING) Not written: sandbox-dev-ReadOnly (arn:aws:iam::111111111111:role/ReadOnly): AWS refused role arn:aws:iam::111111111111:role/ReadOnly",
            cli.Error, StringComparison.Ordinal);
        var error = Assert.Single(cli.ErrorLines);
        Assert.Contains("1 of 4 profiles were not written: sandbox-dev-ReadOnly", error, StringComparison.Ordinal);
        Assert.Contains("Fix: Use the profiles that were written", error, StringComparison.Ordinal);
        Assert.Contains("DevOps", error, StringComparison.Ordinal);
        Assert.Contains("--account/--role", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllProfilesWithoutAnAppGoesThroughEveryAppOktaShowsAndSkipsOneWithoutRoles()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com");

        var code = await cli.RunAsync(["--all-profiles"], CliTestHost.Password + "\n");

        // The roles of AWS Dev, Multi-Account and Role-First, each once, the Developer of the one-role app named by the
        // alias another app's page showed; AWS Without Roles holds no role: skipped with a line, not a failure.
        Assert.True(code == 0, cli.ToString());
        foreach (var name in MultiAccountProfiles)
        {
            Assert.NotNull(cli.Profile(name));
        }

        Assert.Equal(4, File.ReadAllLines(cli.CredentialsPath).Count(l => l.StartsWith('[')));
        Assert.Contains("(WARNING) App 0oa4noRoleAttrQr/272 has no AWS roles; skipped", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Not written", cli.Error, StringComparison.Ordinal);
        Assert.Empty(cli.ErrorLines);
    }

    [Fact]
    public async Task QuietAllProfilesStillShowsWhyEachProfileWasNotWritten()
    {
        await using var cli = await WithReadOnlyRefusedAsync();

        var code = await cli.RunAsync(["--all-profiles", "-q"], CliTestHost.Password + "\n");

        Assert.Equal(ExitCodes.SomeProfilesRefused, code);
        Assert.Contains("(WARNING) Not written: sandbox-dev-ReadOnly (arn:aws:iam::111111111111:role/ReadOnly): AWS refused role", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(INFO)", cli.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--screen", "--screen")]
    [InlineData("--console", "--console")]
    [InlineData("--reup", "--reup")]
    [InlineData("--command=true", "--command")]
    [InlineData("--profile mine", "--profile-template")]
    [InlineData("-n mine", "--profile-template")]
    public async Task AllProfilesRefusesAFlagItCannotHonourBeforeAnyPasswordIsAsked(string flag, string named)
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {MultiAccountApp}");

        var code = await cli.RunAsync(["--all-profiles", .. flag.Split(' ')], CliTestHost.Password + "\n");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(named, Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("Okta password", cli.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.CredentialsPath));
    }
}
