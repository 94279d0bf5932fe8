using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>Okta Classic's Duo Universal Prompt factor from the terminal: push, phone call, passcode and Duo's failures.</summary>
public sealed class DuoTests
{
    private static async Task<World> AsAsync(string user, params string[] extra)
    {
        var world = await World.StartAsync();
        world.WithConfig([$"username: {user}", "appid: 0oa1dev2AbCdEfGh/272", .. extra]);
        return world;
    }

    private static void AssertLoggedIn(World world, RunResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(INFO) All done!", run.StdErr);
        Assert.StartsWith("ASIA", world.Profile("default")!["aws_access_key_id"]);
    }

    private static void AssertFailed(World world, RunResult run, int exitCode, string words)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains(words, run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task MenuOffersDuoPushCallAndPasscodeAndPushIsApproved()
    {
        await using var world = await AsAsync("duo@example.com");
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Select an MFA factor.*Selection: $", "Duo Push"));
        AssertLoggedIn(world, run);
        foreach (var label in new[] { "Duo Push", "Duo phone call", "Duo passcode" })
        {
            Assert.Contains(label, run.StdErr);
        }

        Assert.Contains("Duo Push sent to iOS (+X XXX-XXX-1234); approve it on your phone", run.StdErr);
        Assert.DoesNotContain("not supported", run.StdErr);
    }

    [Fact]
    public async Task DashDPushPreselectsDuoPush()
    {
        await using var world = await AsAsync("duo@example.com");
        var run = await world.RunAsync(["-d", "push"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.DoesNotContain("Select an MFA factor", run.StdErr);
        Assert.Contains("Duo Push sent to", run.StdErr);
    }

    [Fact]
    public async Task DuoFactorWebInTheConfigMeansDuosDefaultPush()
    {
        await using var world = await AsAsync("duo@example.com", "duo_factor: web");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("Duo Push sent to", run.StdErr);
    }

    [Fact]
    public async Task PhoneCallIsAnswered()
    {
        await using var world = await AsAsync("duo@example.com");
        var run = await world.RunAsync(["--factor", "DUO call"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("Calling iOS (+X XXX-XXX-1234)", run.StdErr);
    }

    [Fact]
    public async Task WrongPasscodeIsAskedAgainThenTheRightOneWorks()
    {
        await using var world = await AsAsync("duo@example.com");
        var run = await world.RunAsync(["-d", "passcode"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With("Duo passcode: $", "111111"),
            Answer.With(@"Duo did not accept the passcode[^\n]*\n(?s).*Duo passcode: $", "246810"));
        AssertLoggedIn(world, run);
        Assert.DoesNotContain("246810", run.StdErr);
    }

    [Fact]
    public async Task ThreeWrongPasscodesFail()
    {
        await using var world = await AsAsync("duo@example.com");
        var run = await world.RunAsync(["-d", "passcode"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With("Duo passcode: $", "000000"),
            Answer.With("Duo passcode: $", "111111"),
            Answer.With("Duo passcode: $", "222222"));
        AssertFailed(world, run, 14, "no valid Duo passcode after 3 attempts");
    }

    [Theory]
    [InlineData("duodeny@example.com", 14, "Duo Push was denied")]
    [InlineData("duotimeout@example.com", 14, "Duo Push timed out")]
    [InlineData("duonodevice@example.com", 15, "not capable of Duo Push")]
    [InlineData("duodown@example.com", 3, "Cannot reach Duo")]
    [InlineData("duonew@example.com", 15, "not enrolled in Duo")]
    public async Task DuoFailuresEndInOneLineWithAFix(string user, int exitCode, string words)
    {
        await using var world = await AsAsync(user);
        var run = await world.RunAsync(["-d", "push"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertFailed(world, run, exitCode, words);
    }

    [Fact]
    public async Task VerifiedDuoPushShowsTheCode()
    {
        await using var world = await AsAsync("duoverified@example.com");
        var run = await world.RunAsync(["-d", "push"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("enter 739 in Duo Mobile", run.StdErr);
    }

    [Fact]
    public async Task PasscodeWorksWhenNoDeviceCanTakeAPush()
    {
        await using var world = await AsAsync("duonodevice@example.com");
        var run = await world.RunAsync(["-d", "passcode"], Answer.With(Answer.PasswordPrompt, World.Password), Answer.With("Duo passcode: $", "864200"));
        AssertLoggedIn(world, run);
    }
}
