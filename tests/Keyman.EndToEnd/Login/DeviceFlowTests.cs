using System.Net;
using System.Text.RegularExpressions;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Keyman.Tests.Secrets;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// Okta's device authorization flow with the published binary against the sandbox's Identity Engine org: the test
/// plays the user at a browser, reading the URL Keyman printed, submitting the code on /activate, signing in and
/// approving (plain HTML forms, driven with an HttpClient), while Keyman polls and then writes the credentials.
/// </summary>
public sealed partial class DeviceFlowTests
{
    private const string ClientId = "0oa20deviceCliNtv01";
    private const string DevApp = "0oa1oieDevAbCdEfG/272";
    private const string FastPassApp = "0oa8oieFastPassAp/272";

    private static async Task<World> OieAsync(string user, string app, bool withClient = true)
    {
        var world = await World.StartAsync(ScenarioDocument.LoadBuiltIn("oie"));
        var lines = new List<string> { $"username: {user}", $"appid: {app}" };
        if (withClient)
        {
            lines.Add($"oidc_client_id: {ClientId}");
        }

        world.WithConfig([.. lines]);
        NoBrowserOnThisMachine(world);
        return world;
    }

    /// <summary>Keyman opens a browser only with a display; the tests' machine must not get one.</summary>
    private static void NoBrowserOnThisMachine(World world)
    {
        world.Env["DISPLAY"] = string.Empty;
        world.Env["WAYLAND_DISPLAY"] = string.Empty;
    }

    /// <summary>Where Keyman says to approve, once it has said it.</summary>
    private const string CodeShown = @"shows the code [A-Z]+";

    [GeneratedRegex(@"open this URL in a browser: (\S+)")]
    private static partial Regex PrintedUrl();

    [GeneratedRegex(@"name=""activation"" value=""([^""]+)""")]
    private static partial Regex ActivationField();

    /// <summary>The user at the browser: open the printed URL, confirm the code, sign in, then allow (or deny) access.</summary>
    private static string Approve(World world, string screen, string user, string method = "password", string decision = "allow")
    {
        var url = PrintedUrl().Matches(screen)[^1].Groups[1].Value;
        using var browser = world.NewHttpClient();
        var page = browser.GetStringAsync(url).GetAwaiter().GetResult();
        var userCode = Regex.Match(page, @"name=""userCode""[^>]*value=""([^""]*)""").Groups[1].Value;
        Assert.Matches("^[A-Z]{8}$", userCode);
        Assert.Contains(userCode, screen);
        page = Post(browser, world.Url + "/activate", ("userCode", userCode));
        var activation = ActivationField().Match(page).Groups[1].Value;
        page = Post(browser, world.Url + "/activate/signin", ("activation", activation), ("username", user), ("password", World.Password), ("method", method));
        if (page.Contains("id=\"passcode\"", StringComparison.Ordinal))
        {
            page = Post(browser, world.Url + "/activate/verify", ("activation", activation), ("passcode", world.Totp(user)));
        }

        page = Post(browser, world.Url + "/activate/consent", ("activation", activation), ("decision", decision));
        Assert.Contains(decision == "allow" ? "Device activated" : "did not allow access", WebUtility.HtmlDecode(page));
        return string.Empty; // nothing to type into Keyman: it polls by itself
    }

    private static string Post(HttpClient browser, string url, params (string Name, string Value)[] fields)
    {
        using var form = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        using var response = browser.PostAsync(url, form).GetAwaiter().GetResult();
        return response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    private static Answer AtTheBrowser(World world, string user, string method = "password", string decision = "allow") =>
        new(CodeShown, screen => Approve(world, screen, user, method, decision));

    private static async Task<List<string>> PathsAsync(World world, long after = 0) =>
        (await world.RequestsAsync("okta", after)).Select(e => e.GetProperty("path").GetString()!).ToList();

    private static void AssertFails(RunResult run, int exitCode, params string[] words)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains("Fix:", run.StdErr);
        foreach (var word in words)
        {
            Assert.Contains(word, run.StdErr);
        }
    }

    private static void AssertLoggedIn(World world, RunResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(INFO) All done!", run.StdErr);
        Assert.StartsWith("ASIA", world.Profile("default")!["aws_access_key_id"]);
    }

    [Fact]
    public async Task DeviceSignsInThroughTheActivationPageWithoutAPassword()
    {
        await using var world = await OieAsync("push@example.com", FastPassApp);
        var run = await world.RunAsync(["--device"], AtTheBrowser(world, "push@example.com", method: "fastpass"));
        AssertLoggedIn(world, run);
        Assert.DoesNotContain(Answer.PasswordPromptText, run.StdErr);
        Assert.Matches(@"open this URL in a browser: https://\S+/activate\?user_code=[A-Z]{8}", run.StdErr);
        Assert.DoesNotContain("Ctrl-C to cancel", run.StdErr); // stderr is a pipe here: no live wait line
        var paths = await PathsAsync(world);
        Assert.Contains("/oauth2/v1/device/authorize", paths);
        Assert.Contains("/login/token/sso", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/idp/idx/", StringComparison.Ordinal) || p == "/api/v1/authn");
    }

    [Fact]
    public async Task TheClientIdMayComeFromOktaAwsClisVariableAndTheFlagMayBeOmittedWhenTheConfigSaysDevice()
    {
        await using var world = await OieAsync("nomfa@example.com", DevApp, withClient: false);
        world.WithConfig("username: nomfa@example.com", $"appid: {DevApp}", "device: true");
        world.Env["OKTA_AWSCLI_OIDC_CLIENT_ID"] = ClientId;
        var run = await world.RunAsync([], AtTheBrowser(world, "nomfa@example.com"));
        AssertLoggedIn(world, run);
        Assert.DoesNotContain(Answer.PasswordPromptText, run.StdErr);
    }

    [Fact]
    public async Task ABrowserOnlyPolicyFallsBackToTheDeviceFlowWhenAClientIdIsSet()
    {
        await using var world = await OieAsync("push@example.com", FastPassApp);
        var run = await world.RunAsync([],
            Answer.With(Answer.PasswordPrompt, World.Password),
            AtTheBrowser(world, "push@example.com", method: "fastpass"));
        AssertLoggedIn(world, run);
        Assert.Contains("FastPass", run.StdErr);
        Assert.Contains("continuing with the device authorization flow", run.StdErr);
        Assert.Contains("/idp/idx/introspect", await PathsAsync(world));
    }

    [Fact]
    public async Task OnATerminalTheWaitForTheBrowserShowsALiveLine()
    {
        await using var world = await OieAsync("nomfa@example.com", DevApp);
        var run = await WaitIndicatorTests.InATerminalAsync(world, "--device", AtTheBrowser(world, "nomfa@example.com"));
        WaitIndicatorTests.AssertLiveLineErasedAtTheEnd(run, "Waiting for the approval in the browser");
        Assert.StartsWith("ASIA", world.Profile("default")!["aws_access_key_id"]);
    }

    [Fact]
    public async Task DeviceWithoutAClientIdIsAConfigErrorNamingIt()
    {
        await using var world = await OieAsync("push@example.com", FastPassApp, withClient: false);
        AssertFails(await world.RunAsync("--device"), 10, "oidc_client_id");
    }

    [Fact]
    public async Task DontAllowInTheBrowserIsExit11()
    {
        await using var world = await OieAsync("nomfa@example.com", DevApp);
        var run = await world.RunAsync(["--device"], AtTheBrowser(world, "nomfa@example.com", decision: "deny"));
        AssertFails(run, 11, "not allowed in the browser");
        Assert.Null(world.Profile("default"));
    }

    [Fact]
    public async Task ACodeLeftUnapprovedUntilItExpiresIsExit16()
    {
        await using var world = await OieAsync("nomfa@example.com", DevApp);
        var run = await world.RunAsync(["--device"], new Answer(CodeShown, _ =>
        {
            world.PostControlAsync("clock", "{\"advanceSeconds\": 601}").GetAwaiter().GetResult();
            return string.Empty;
        }));
        AssertFails(run, 16, "expired", "--device");
    }

    [Fact]
    public async Task SlowDownMakesKeymanPollFiveSecondsLessOften()
    {
        await using var world = await OieAsync("nomfa@example.com", DevApp);
        await world.PostControlAsync("device/slow-down", "{\"polls\": 1}");
        var run = await world.RunAsync(["--device", "-D"], new Answer(CodeShown, screen =>
        {
            // The first poll is answered slow_down; approve only after it, so that Keyman must poll again, slower.
            while (world.RequestsAsync("okta").GetAwaiter().GetResult().All(e => e.GetProperty("path").GetString() != "/oauth2/v1/token"))
            {
                Thread.Sleep(100);
            }

            return Approve(world, screen, "nomfa@example.com");
        }));
        AssertLoggedIn(world, run);
        Assert.Contains("polling every 10 s", run.StdErr);
        var polls = (await world.RequestsAsync("okta")).Where(e => e.GetProperty("path").GetString() == "/oauth2/v1/token").Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.True(polls.Count >= 3, string.Join(", ", polls)); // slow_down, the approved poll, the token exchange
        Assert.True(polls[1] - polls[0] >= TimeSpan.FromSeconds(9.5), $"{polls[0]:O} then {polls[1]:O}");
    }

    [Fact]
    public async Task ASecondRunAndCredentialProcessReuseTheKeptSignInWithoutABrowser()
    {
        using var keyring = KeyringDaemon.Start();
        await using var world = await World.StartAsync(new SandboxOptions { Scenario = ScenarioDocument.LoadBuiltIn("oie") });
        foreach (var (k, v) in keyring.Environment().Where(e => e.Key != "HOME"))
        {
            world.Env[k] = v;
        }

        world.Env["KEYMAN_SECRET_STORE"] = "secret-service";
        NoBrowserOnThisMachine(world);
        world.WithConfig("username: push@example.com", $"appid: {FastPassApp}", $"oidc_client_id: {ClientId}");
        var first = await world.RunAsync(["--device"], AtTheBrowser(world, "push@example.com", method: "fastpass"));
        AssertLoggedIn(world, first);

        // Second run, without --device: the kept tokens open the app; no browser, no password, no IDX.
        var seq = await world.LastSeqAsync();
        var second = await world.RunAsync();
        AssertLoggedIn(world, second);
        Assert.DoesNotContain("open this URL", second.StdErr);
        var paths = await PathsAsync(world, seq);
        Assert.DoesNotContain("/oauth2/v1/device/authorize", paths);
        Assert.Contains("/login/token/sso", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/idp/idx/", StringComparison.Ordinal));

        // credential-process (no terminal here) too.
        var setup = await world.RunAsync("setup-profile", "prod");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        seq = await world.LastSeqAsync();
        var direct = await world.RunAsync("credential-process", "--profile", "prod");
        Assert.True(direct.ExitCode == 0, direct.ToString());
        Assert.Contains("ASIA", direct.StdOut);
        Assert.DoesNotContain("/oauth2/v1/device/authorize", await PathsAsync(world, seq));
    }

    [Fact]
    public async Task CredentialProcessWithoutAKeptSignInOrATerminalSaysToRunKeymanInATerminal()
    {
        await using var world = await OieAsync("push@example.com", FastPassApp);
        world.WithConfig("username: push@example.com", $"appid: {FastPassApp}", $"oidc_client_id: {ClientId}", "device: true");
        var setup = await world.RunAsync("setup-profile", "prod");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        var run = await world.RunAsync("credential-process", "--profile", "prod");
        AssertFails(run, 2, "Run keyman in a terminal");
        Assert.DoesNotContain("/oauth2/v1/device/authorize", await PathsAsync(world));
    }

    [Fact]
    public async Task DoctorSaysWhichEngineTheOrgRunsAndWhetherTheDeviceFlowIsSetUp()
    {
        await using var oie = await OieAsync("push@example.com", FastPassApp);
        var line = (await oie.RunAsync("doctor", "--no-invoke")).StdOut.Split('\n').Single(l => l.Contains("Okta sign-in:", StringComparison.Ordinal));
        Assert.StartsWith("PASS", line);
        Assert.Contains("Okta Identity Engine", line);
        Assert.Contains($"oidc_client_id {ClientId} set", line);

        await using var classic = await World.StartAsync();
        classic.WithConfig("username: nomfa@example.com");
        line = (await classic.RunAsync("doctor", "--no-invoke")).StdOut.Split('\n').Single(l => l.Contains("Okta sign-in:", StringComparison.Ordinal));
        Assert.Contains("Okta Classic", line);
        Assert.Contains("oidc_client_id not set", line);
    }

    [Theory]
    [InlineData(ClientId, "push@example.com", FastPassApp, 19, "FastPass")] // a password in the browser, but the app wants FastPass
    [InlineData("0oa22notWebSsoCli1", "nomfa@example.com", DevApp, 10, "Allowed Web SSO Client")]
    public async Task ATokenExchangeOktaRefusesNamesTheFix(string clientId, string user, string app, int exitCode, string fixNames)
    {
        await using var world = await OieAsync(user, app, withClient: false);
        world.WithConfig($"username: {user}", $"appid: {app}", $"oidc_client_id: {clientId}");
        var run = await world.RunAsync(["--device"], AtTheBrowser(world, user));
        AssertFails(run, exitCode, fixNames);
        Assert.Null(world.Profile("default"));
    }
}
