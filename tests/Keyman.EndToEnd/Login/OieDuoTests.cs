using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Keyman.Tests.Secrets;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// Duo Security as an Okta Identity Engine authenticator (the sandbox's "oie" scenario), with the published binary: the
/// IDX challenge's Duo frame driven by the same Duo client as Classic's factor, every Duo choice and failure, and the
/// app-level step-up through Duo on both engines.
/// </summary>
public sealed class OieDuoTests
{
    private const string DevApp = "0oa1oieDevAbCdEfG/272";
    private const string StepUpApp = "0oa5oieStepUpBdrk/272";

    private static async Task<World> OieAsync(string user, params string[] extra)
    {
        var world = await World.StartAsync(ScenarioDocument.LoadBuiltIn("oie"));
        world.WithConfig([$"username: {user}", $"appid: {DevApp}", .. extra]);
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
        Assert.Contains("Fix:", run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    private static async Task<List<string>> PathsAsync(World world, long after = 0)
    {
        var paths = new List<string>();
        foreach (var service in new[] { "okta", "duo" })
        {
            paths.AddRange((await world.RequestsAsync(service, after)).Select(e => e.GetProperty("path").GetString()!));
        }

        return paths;
    }

    [Fact]
    public async Task TheMenuOffersDuosThreeMethodsBesideOktaVerifyAndDuoPushSignsInThroughIdx()
    {
        await using var world = await OieAsync("duopush@example.com");
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Select an MFA factor.*Selection: $", "Duo Push"));
        AssertLoggedIn(world, run);
        foreach (var label in new[] { "Okta Verify push", "Duo Push", "Duo phone call", "Duo passcode" })
        {
            Assert.Contains(label, run.StdErr);
        }

        Assert.Contains("Duo Push sent to iOS (+X XXX-XXX-1234); approve it on your phone", run.StdErr);
        var paths = await PathsAsync(world);
        Assert.Contains("/idp/idx/challenge/answer", paths);
        Assert.Contains("/frame/web/v1/auth", paths);
        Assert.DoesNotContain("/api/v1/authn", paths);
    }

    [Fact]
    public async Task DuoAloneGoesStraightToDuosOwnMenuAndThePhoneCallIsAnswered()
    {
        await using var world = await OieAsync("duo@example.com");
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Pick(@"(?s)Select an MFA factor.*Selection: $", "Duo phone call"));
        AssertLoggedIn(world, run);
        Assert.Contains("Calling iOS (+X XXX-XXX-1234)", run.StdErr);
    }

    [Theory]
    [InlineData("-d", "push")]
    [InlineData("--factor", "DUO push")]
    public async Task DashDAndFactorPreselectDuoPush(string flag, string value)
    {
        await using var world = await OieAsync("duopush@example.com");
        var run = await world.RunAsync([flag, value], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.DoesNotContain("Select an MFA factor", run.StdErr);
        Assert.Contains("Duo Push sent to", run.StdErr);
    }

    [Fact]
    public async Task DuoFactorWebMeansDuosDefaultPush()
    {
        await using var world = await OieAsync("duo@example.com", "duo_factor: web");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("Duo Push sent to", run.StdErr);
    }

    [Fact]
    public async Task AWrongPasscodeIsAskedAgainThenTheRightOneWorks()
    {
        await using var world = await OieAsync("duo@example.com");
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
        await using var world = await OieAsync("duo@example.com");
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
    public async Task DuoFailuresEndInOneLineWithAFix(string user, int exitCode, string words)
    {
        await using var world = await OieAsync(user);
        var run = await world.RunAsync(["-d", "push"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertFailed(world, run, exitCode, words);
    }

    [Fact]
    public async Task AnIdentityEngineAppStepUpIsAnsweredWithDuo()
    {
        using var keyring = KeyringDaemon.Start();
        await using var world = await World.StartAsync(new SandboxOptions { Scenario = ScenarioDocument.LoadBuiltIn("oie") });
        foreach (var (k, v) in keyring.Environment().Where(e => e.Key != "HOME"))
        {
            world.Env[k] = v;
        }

        world.Env["KEYMAN_SECRET_STORE"] = "secret-service";
        world.WithConfig("username: duo@example.com", $"appid: {DevApp}", "duo_factor: push");
        AssertLoggedIn(world, await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password)));

        // The kept session opens the step-up app, whose policy asks for a factor again: Duo, through IDX, no password.
        world.WithConfig("username: duo@example.com", $"appid: {StepUpApp}", "duo_factor: push");
        var seq = await world.LastSeqAsync();
        var run = await world.RunAsync([]);
        AssertLoggedIn(world, run);
        Assert.Contains("Application-level MFA present; re-authenticating Okta", run.StdErr);
        Assert.Contains("Duo Push sent to", run.StdErr);
        Assert.DoesNotContain(Answer.PasswordPromptText, run.StdErr);
        var paths = await PathsAsync(world, seq);
        Assert.Contains("/idp/idx/challenge/answer", paths);
        Assert.Contains("/frame/web/v1/auth", paths);
    }

    [Fact]
    public async Task AClassicAppStepUpIsAnsweredWithDuo()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: duo@example.com", "appid: 0oa5stepUpBdrck/272");
        var run = await world.RunAsync(["-d", "push"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("Application-level MFA present; re-authenticating Okta", run.StdErr);
        Assert.Equal(2, run.StdErr.Split("Duo Push sent to").Length - 1);
        Assert.Contains("/login/step-up/redirect", await PathsAsync(world));
    }
}
