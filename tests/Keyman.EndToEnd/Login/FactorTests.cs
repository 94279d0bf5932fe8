using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>Every MFA factor a terminal can drive, as jane (who has them all) logs in to the one-role Dev app.</summary>
public sealed class FactorTests
{
    private const string Jane = "jane@example.com";

    private static async Task<World> JaneAsync()
    {
        var world = await World.StartAsync();
        world.WithConfig("username: jane@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        return world;
    }

    private static void AssertLoggedIn(World world, RunResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(INFO) All done!", run.StdErr);
        Assert.StartsWith("ASIA", world.Profile("default")!["aws_access_key_id"]);
    }

    [Theory]
    [InlineData("GOOGLE token:software:totp", "GOOGLE")]
    [InlineData("OKTA token:software:totp", "OKTA")]
    public async Task TotpFromGoogleOrOktaVerify(string factor, string provider)
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", factor],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed("MFA Passcode: $", () => world.Totp(Jane, provider)));
        AssertLoggedIn(world, run);
        Assert.Contains($"Enter your {provider} code here", run.StdErr);
    }

    [Fact]
    public async Task FactorPreselectedInTheConfigFile()
    {
        await using var world = await JaneAsync();
        world.WithConfig("username: jane@example.com", "appid: 0oa1dev2AbCdEfGh/272", "factor: GOOGLE token:software:totp");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password), Answer.Computed("MFA Passcode: $", () => world.Totp(Jane)));
        AssertLoggedIn(world, run);
        Assert.DoesNotContain("Select an MFA factor", run.StdErr);
    }

    [Fact]
    public async Task MenuListsTheSupportedFactorsAndTakesTheChoice()
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed(@"(?s)Select an MFA factor.*Selection: $", () => "99"),
            Answer.Pick(@"(?s)not one of the listed numbers.*Selection: $", "Google Authenticator"),
            Answer.Computed("MFA Passcode: $", () => world.Totp(Jane)));
        AssertLoggedIn(world, run);
        foreach (var label in new[] { "Google Authenticator (TOTP)", "Okta Verify push", "SMS to", "Voice call to", "Email to", "Security question", "YubiKey OTP", "RSA SecurID" })
        {
            Assert.Contains(label, run.StdErr);
        }
    }

    [Fact]
    public async Task PushShowsTheNumberChallengeAndSucceedsWhenApproved()
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", "OKTA push"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("42", run.StdErr[run.StdErr.IndexOf("push", StringComparison.OrdinalIgnoreCase)..]);
    }

    [Fact]
    public async Task WrongCodeAsksAgainThenTheRightOneWorks()
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", "GOOGLE token:software:totp"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With("MFA Passcode: $", "000000"),
            Answer.Computed("Invalid passcode[^\n]*\n(?s).*MFA Passcode: $", () => world.Totp(Jane)));
        AssertLoggedIn(world, run);
    }

    [Fact]
    public async Task WrongCodesRunOutWithExitCode14()
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", "GOOGLE token:software:totp"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With("MFA Passcode: $", "000000"),
            Answer.With("MFA Passcode: $", "111111"),
            Answer.With("MFA Passcode: $", "222222"));
        Assert.Equal(14, run.ExitCode);
        Assert.Contains("(ERROR)", run.StdErr);
        Assert.Contains("Fix:", run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Theory]
    [InlineData("sms", "SMS")]
    [InlineData("call", "call")]
    [InlineData("email", "mail")]
    public async Task CodeSentBySmsCallOrEmail(string factor, string word)
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", factor],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed(@"code \(or 'resend'\): $", () => world.LastSentCode(Jane)));
        AssertLoggedIn(world, run);
        Assert.Contains(word, run.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ResendAsksOktaForANewCode()
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", "sms"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With(@"code \(or 'resend'\): $", "resend"),
            Answer.Computed(@"new code[^\n]*\n(?s).*code \(or 'resend'\): $", () => world.LastSentCode(Jane)));
        AssertLoggedIn(world, run);
        Assert.Equal(2, world.OutboxCount(Jane));
    }

    [Fact]
    public async Task SecurityQuestion()
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", "question"], Answer.With(Answer.PasswordPrompt, World.Password), Answer.With("Answer: $", "mayonnaise"));
        AssertLoggedIn(world, run);
        Assert.DoesNotContain("mayonnaise", run.StdErr);
    }

    [Theory]
    [InlineData("token:hardware", "cccccckdvvulgjvtkjdhtlrbjjctggdihuevikehtlil")]
    [InlineData("RSA token", "135724")]
    public async Task HardwareTokens(string factor, string code)
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", factor], Answer.With(Answer.PasswordPrompt, World.Password), Answer.With("MFA Passcode: $", code));
        AssertLoggedIn(world, run);
    }

    [Theory]
    [InlineData("pushreject@example.com", "rejected")]
    [InlineData("pushtimeout@example.com", "timed out")]
    public async Task PushRejectedOrTimedOutSaysSo(string user, string words)
    {
        await using var world = await World.StartAsync();
        world.WithConfig($"username: {user}", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.Equal(14, run.ExitCode);
        Assert.Contains(words, run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task UnknownPreferredFactorFallsBackToTheMenuWithAWarning()
    {
        await using var world = await JaneAsync();
        var run = await world.RunAsync(["--factor", "carrier-pigeon"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Select an MFA factor.*Selection: $", "Security question"),
            Answer.With("Answer: $", "mayonnaise"));
        AssertLoggedIn(world, run);
        Assert.Contains("carrier-pigeon", run.StdErr);
        Assert.Contains("Select an MFA factor", run.StdErr);
    }
}
