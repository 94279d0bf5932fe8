using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Keyman.Tests.Secrets;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// Logins to an Okta Identity Engine org (the sandbox's "oie" scenario) from a clean home, with the published binary:
/// the IDX terminal sign-in from the AWS app link, step-up, every outcome a user can meet, and session reuse.
/// </summary>
public sealed class OieLoginTests
{
    private const string DevApp = "0oa1oieDevAbCdEfG/272";
    private const string StepUpApp = "0oa5oieStepUpBdrk/272";
    private const string FastPassApp = "0oa8oieFastPassAp/272";

    private static async Task<World> OieAsync(string user, string app = DevApp)
    {
        var world = await World.StartAsync(ScenarioDocument.LoadBuiltIn("oie"));
        world.WithConfig($"username: {user}", $"appid: {app}");
        return world;
    }

    private static void AssertLoggedIn(World world, RunResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(INFO) All done!", run.StdErr);
        Assert.StartsWith("ASIA", world.Profile("default")!["aws_access_key_id"]);
    }

    private static async Task<List<string>> IdxPathsAsync(World world, long after = 0) =>
        (await world.RequestsAsync("okta", after)).Select(e => e.GetProperty("path").GetString()!).Where(p => p.StartsWith("/idp/idx/", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task PasswordAndTotpFromACleanHomeThroughIdx()
    {
        await using var world = await OieAsync("totp@example.com");
        var run = await world.RunAsync(["-D"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed("MFA Passcode: $", () => world.Totp("totp@example.com")));
        AssertLoggedIn(world, run);
        Assert.Contains("Okta Identity Engine", run.StdErr);
        Assert.Contains("IDX) terminal sign-in", run.StdErr);
        var idx = await IdxPathsAsync(world);
        Assert.Contains("/idp/idx/introspect", idx);
        Assert.Contains("/idp/idx/challenge/answer", idx);
        Assert.DoesNotContain(await world.RequestsAsync("okta"), e => e.GetProperty("path").GetString() == "/api/v1/authn");
        Assert.True(File.Exists(Path.Combine(world.Home, ".cache", "keyman", "engines.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(world.Home, ".cache", "keyman", "engines.json")));
    }

    [Fact]
    public async Task OktaVerifyPushShowsTheNumberChallenge()
    {
        await using var world = await OieAsync("push@example.com");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("73", run.StdErr[run.StdErr.IndexOf("push", StringComparison.OrdinalIgnoreCase)..]);
        Assert.DoesNotContain("Ctrl-C to cancel", run.StdErr); // stderr is a pipe here: no live wait line
    }

    [Fact]
    public async Task WrongCodeAsksAgainThenTheRightOneWorks()
    {
        await using var world = await OieAsync("totp@example.com");
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With("MFA Passcode: $", "000000"),
            Answer.Computed("(?s)Invalid.*MFA Passcode: $", () => world.Totp("totp@example.com")));
        AssertLoggedIn(world, run);
    }

    [Theory]
    [InlineData("totp@example.com", "not-the-password", 11, "rejected the username or password")]
    [InlineData("pushreject@example.com", World.Password, 14, "rejected")]
    [InlineData("locked@example.com", World.Password, 12, "locked")]
    [InlineData("enroll@example.com", World.Password, 15, "enroll")]
    public async Task EachIdxOutcomeIsOneLineWithAFixAndItsExitCode(string user, string password, int exitCode, string says)
    {
        await using var world = await OieAsync(user);
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, password));
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains(says, run.StdErr);
        Assert.Contains("Fix:", run.StdErr);
        Assert.DoesNotContain(password == World.Password ? World.Password : password, run.StdErr.Replace(Answer.PasswordPromptText, string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABrowserOnlyPolicyIsExit19NamingTheDeviceFlow()
    {
        await using var world = await OieAsync("push@example.com", FastPassApp);
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 19, run.ToString());
        Assert.Contains("--device", run.StdErr);
        Assert.Contains("oidc_client_id", run.StdErr);
    }

    [Fact]
    public async Task AnExpiredStateIsExit16()
    {
        await using var world = await OieAsync("totp@example.com");
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed("MFA Passcode: $", () =>
            {
                world.PostControlAsync("clock", "{\"advanceSeconds\": 900}").GetAwaiter().GetResult();
                return world.Totp("totp@example.com");
            }));
        Assert.True(run.ExitCode == 16, run.ToString());
        Assert.Contains("expired", run.StdErr);
    }

    [Fact]
    public async Task StepUpAndSessionReuseWithTheKeychain()
    {
        using var keyring = KeyringDaemon.Start();
        await using var world = await World.StartAsync(new SandboxOptions { Scenario = ScenarioDocument.LoadBuiltIn("oie") });
        foreach (var (k, v) in keyring.Environment().Where(e => e.Key != "HOME"))
        {
            world.Env[k] = v;
        }

        world.Env["KEYMAN_SECRET_STORE"] = "secret-service";
        world.WithConfig("username: totp@example.com", $"appid: {DevApp}");
        var first = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed("MFA Passcode: $", () => world.Totp("totp@example.com")));
        AssertLoggedIn(world, first);

        // Second run: the kept Okta session, no password, no IDX call.
        var seq = await world.LastSeqAsync();
        var second = await world.RunAsync(["-D"]);
        AssertLoggedIn(world, second);
        Assert.Contains("Reusing the Okta session of totp@example.com", second.StdErr);
        Assert.Contains("Okta Identity Engine (remembered)", second.StdErr);
        Assert.Empty(await IdxPathsAsync(world, seq));

        // Third run, an app whose policy asks for another factor: the session steps up through IDX.
        world.WithConfig("username: totp@example.com", $"appid: {StepUpApp}");
        await world.PostControlAsync("clock", "{\"advanceSeconds\": 31}"); // a new TOTP window: Okta refuses a code used twice
        seq = await world.LastSeqAsync();
        var third = await world.RunAsync([], Answer.Computed("MFA Passcode: $", () => world.Totp("totp@example.com")));
        AssertLoggedIn(world, third);
        Assert.Contains("Application-level MFA present; re-authenticating Okta", third.StdErr);
        Assert.DoesNotContain(Answer.PasswordPromptText, third.StdErr);
        Assert.Contains("/idp/idx/challenge/answer", await IdxPathsAsync(world, seq));
    }

    [Fact]
    public async Task WithoutAnAppIdTheSessionComesFromAuthnAndTheMenuListsTheApps()
    {
        await using var world = await World.StartAsync(ScenarioDocument.LoadBuiltIn("oie"));
        world.WithConfig("username: totp@example.com");
        var run = await world.RunAsync(["-D"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.Computed("MFA Passcode: $", () => world.Totp("totp@example.com")),
            Answer.Pick(@"(?s)Select an AWS account.*Selection: $", "AWS Dev"));
        AssertLoggedIn(world, run);
        Assert.Contains("Okta Classic authn", run.StdErr);
    }

    [Fact]
    public async Task AClassicOrgSaysSoUnderDebugAndMakesNoIdxCall()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var run = await world.RunAsync(["-D"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, run);
        Assert.Contains("Okta engine: Okta Classic", run.StdErr);
        Assert.Empty(await IdxPathsAsync(world));
    }

    [Fact]
    public async Task ThePasswordCacheAndCredentialProcessSignInThroughIdxWithoutAPrompt()
    {
        using var keyring = KeyringDaemon.Start();
        await using var world = await World.StartAsync(new SandboxOptions { Scenario = ScenarioDocument.LoadBuiltIn("oie") });
        foreach (var (k, v) in keyring.Environment().Where(e => e.Key != "HOME"))
        {
            world.Env[k] = v;
        }

        world.Env["KEYMAN_SECRET_STORE"] = "secret-service";
        world.WithConfig("username: nomfa@example.com", $"appid: {DevApp}", "password_cache: true");
        var seed = await world.RunAsync(["-P"], Answer.With(Answer.PasswordPrompt, World.Password));
        AssertLoggedIn(world, seed);

        // Okta ends every session: credential-process signs in again through IDX with the kept password, asking nothing.
        await world.PostControlAsync("sessions/expire");
        var setup = await world.RunAsync("setup-profile", "dev");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        var seq = await world.LastSeqAsync();
        var direct = await world.RunAsync("credential-process", "--profile", "dev");
        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.Contains("\"AccessKeyId\": \"ASIA", direct.StdOut.Replace("\":\"", "\": \"", StringComparison.Ordinal));
        Assert.DoesNotContain(Answer.PasswordPromptText, direct.StdErr);
        Assert.Contains("/idp/idx/identify", await IdxPathsAsync(world, seq));
    }
}
