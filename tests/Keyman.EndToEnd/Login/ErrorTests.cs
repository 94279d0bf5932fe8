using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>Each way Okta or STS says no ends in one line naming the problem and the fix, and a documented exit code.</summary>
public sealed class ErrorTests
{
    private static void AssertOneLineFailure(RunResult run, int exitCode, string words)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        var error = Assert.Single(run.StdErr.Split('\n'), l => l.Contains("(ERROR)", StringComparison.Ordinal));
        Assert.Contains(words, error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Fix:", error);
        Assert.DoesNotContain("   at ", run.StdErr); // no stack trace
        Assert.DoesNotContain(World.Password, run.StdErr);
    }

    [Theory]
    [InlineData("jane@example.com", "wrong-password", 11, "rejected the username or password")]
    [InlineData("nobody@example.com", World.Password, 11, "rejected the username or password")]
    [InlineData("locked@example.com", World.Password, 12, "locked")]
    [InlineData("expired@example.com", World.Password, 13, "expired")]
    [InlineData("enroll@example.com", World.Password, 15, "enrol")]
    [InlineData("webauthn@example.com", World.Password, 15, "WebAuthn")]
    public async Task OktaRefusesTheLogin(string user, string password, int exitCode, string words)
    {
        await using var world = await World.StartAsync();
        world.WithConfig($"username: {user}", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, password));
        AssertOneLineFailure(run, exitCode, words);
        Assert.DoesNotContain(password, run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task DebugNeverPrintsALineOfAMalformedAwsFile()
    {
        const string secret = "FAKEsecretKEY0123456789abcdefghijklmnopqr";
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        Directory.CreateDirectory(Path.GetDirectoryName(world.CredentialsPath)!);
        // A pasted key without "aws_secret_access_key =": the SDK's parser quotes the raw line in its message.
        File.WriteAllText(world.CredentialsPath, $"[default]\naws_access_key_id = AKIAFAKE00000000\n{secret}\n");

        // Told before the password, with the credentials file's code; the line is named, never quoted.
        var run = await world.RunAsync(["-D"]);
        Assert.True(run.ExitCode == 23, run.ToString());
        Assert.Contains("cannot be parsed: line 3", run.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Answer.PasswordPromptText, run.StdErr);
        Assert.DoesNotContain(secret, run.StdErr);
        Assert.DoesNotContain(secret, run.StdOut);
    }

    [Fact]
    public async Task RateLimitIsWaitedOutAsOktaSays()
    {
        await using var world = await World.StartAsync(null, "okta429=1");
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("rate limit", run.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedThenSucceed()
    {
        await using var world = await World.StartAsync(null, "okta5xx=1", "sts5xx=1");
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task OktaDownForGoodIsANetworkError()
    {
        await using var world = await World.StartAsync(null, "okta5xx");
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertOneLineFailure(run, 3, "Okta");
    }

    [Fact]
    public async Task NothingListeningIsANetworkError()
    {
        await using var world = await World.StartAsync();
        File.WriteAllText(world.ConfigPath, "org: http://127.0.0.1:9\nusername: nomfa@example.com\n");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertOneLineFailure(run, 3, "Cannot reach Okta");
    }

    [Fact]
    public async Task MalformedAppPageIsASamlError()
    {
        await using var world = await World.StartAsync(null, "malformedAppPage");
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.Equal(20, run.ExitCode);
        Assert.Contains("Fix:", run.StdErr);
    }

    [Fact]
    public async Task UnknownAppIdSaysSo()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa0doesNotExist/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertOneLineFailure(run, 6, "0oa0doesNotExist");
    }

    [Fact]
    public async Task AssertionWithoutAnAwsRoleIsExplained()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa4noRoleAttrQr/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertOneLineFailure(run, 20, "no AWS role");
    }

    [Fact]
    public async Task RefusedDurationIsRetriedWith3600()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa3roleFirstAbC/272", "role: ReadOnly", "duration: 7200");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(WARNING) Error assuming session with duration 7200. Retrying with 3600.", run.StdErr);
        // STS takes an assertion again after refusing a call: the retry sends the same one, with no second trip to Okta.
        Assert.Single(run.StdErr.Split('\n'), l => l.Contains("Getting SAML Assertion", StringComparison.Ordinal));
        var sts = (await world.RequestsAsync("sts")).Where(e => e.GetProperty("action").GetString() == "AssumeRoleWithSAML").Select(e => e.GetProperty("status").GetInt32());
        Assert.Equal([400, 200], sts);
        var expires = DateTimeOffset.Parse(world.Profile("default")!["x_security_token_expires"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
    }

    [Fact]
    public async Task LongerDurationIsHonouredWhereTheRoleAllowsIt()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync(["--duration", "14400"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        var expires = DateTimeOffset.Parse(world.Profile("default")!["x_security_token_expires"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(235), TimeSpan.FromMinutes(241));
    }

    [Fact]
    public async Task StdinClosedAtThePasswordPromptIsAUsageError()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync();
        AssertOneLineFailure(run, 2, "standard input ended");
    }
}

/// <summary>Failures that depend on time passing at Okta, and what --debug may show.</summary>
public sealed class SessionAndDebugTests
{
    [Fact]
    public async Task TransactionExpiringWhileThePushWaitsSaysToRunAgain()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: pushmanual@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        // While Keyman polls the push that nobody approves, Okta's transaction (5 minutes) runs out.
        using var http = world.NewHttpClient();
        for (var i = 0; i < 100 && !(await http.GetStringAsync($"{world.Url}/_sandbox/requests")).Contains("/verify", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        using var advance = await http.PostAsync($"{world.Url}/_sandbox/clock", new StringContent("{\"advanceSeconds\":600}", System.Text.Encoding.UTF8, "application/json"));
        advance.EnsureSuccessStatusCode();
        var result = await run;

        Assert.True(result.ExitCode == 16, result.ToString());
        Assert.Contains("tap 17", result.StdErr); // the number challenge was shown while it waited
        Assert.Contains("expired", result.StdErr);
        Assert.Contains("Fix:", result.StdErr);
    }

    [Fact]
    public async Task DebugOutputRedactsEverySecret()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: jane@example.com", "appid: 0oa1dev2AbCdEfGh/272", "factor: GOOGLE token:software:totp");
        string? code = null;
        var run = await world.RunAsync(["--debug"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed("MFA Passcode: $", () => code = world.Totp("jane@example.com")));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(DEBUG)", run.StdErr);

        var profile = world.Profile("default")!;
        var log = await world.RequestLogAsync();
        Assert.True(log.GetArrayLength() > 0);
        foreach (var secret in new[] { World.Password, profile["aws_secret_access_key"], profile["aws_session_token"] })
        {
            Assert.DoesNotContain(secret, run.StdErr + run.StdOut);
        }

        // The passcode is read hidden like the password, so it shows nowhere.
        Assert.DoesNotContain(code!, run.StdErr + run.StdOut, StringComparison.Ordinal);
    }
}
