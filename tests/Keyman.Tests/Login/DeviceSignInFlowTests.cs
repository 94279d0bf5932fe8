using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Http;
using Keyman.Core.Login;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Device;
using Keyman.Tests.Cli;
using Keyman.Tests.Delivery;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;

namespace Keyman.Tests.Login;

public sealed class DeviceSignInFlowTests : IDisposable
{
    private const string Org = "https://acme.okta.com";
    private const string ClientId = "0oa20deviceCliNtv01";
    private const string App = "0oa8oieFastPassAp/272";
    private const string Token = "/oauth2/v1/token";
    private static readonly (string, string) Entry = (DeviceSignInFlow.TokenService, $"{Org}|{ClientId}");

    private readonly TestHttpMessageHandler _handler = new();
    private readonly InstantTimeProvider _time = new();
    private readonly RecordingLog _log = new();
    private readonly MemorySecretStore _store = new();
    private readonly RecordingBrowser _browser = new();
    private readonly OktaClient _okta;

    public DeviceSignInFlowTests() =>
        _okta = new OktaClient(new Uri(Org), new HttpPipeline(transport: _handler), _log, _time, new OktaClientOptions { Jitter = () => 1 });

    public void Dispose() => _okta.Dispose();

    private DeviceSignInFlow Flow(bool canPrompt = true, Dictionary<string, string>? env = null)
    {
        var context = new KeymanContext
        {
            Environment = new DictionaryEnvironment(env ?? [], Path.GetTempPath()),
            Log = _log,
            Interaction = new ScriptedInteraction { CanPrompt = canPrompt },
            Time = _time,
            Secrets = _store,
            Browser = _browser,
        };
        return new DeviceSignInFlow(context, new DeviceAuthorizationClient(_okta, _log, _time), new Uri(Org), ClientId);
    }

    private void Keep(string access, TimeSpan left) =>
        _store.Items[Entry] = $$"""{"access_token":"{{access}}","id_token":"id-kept","expires_at":"{{_time.GetUtcNow().Add(left):O}}"}""";

    private void BrowserSignIn()
    {
        _handler.OnJson(HttpMethod.Post, "/oauth2/v1/device/authorize",
            """{"device_code":"dc-1","user_code":"QXNMSLWF","verification_uri":"https://acme.okta.com/activate","verification_uri_complete":"https://acme.okta.com/activate?user_code=QXNMSLWF","expires_in":600,"interval":5}""");
        _handler.OnJson(HttpMethod.Post, Token, """{"error":"authorization_pending","error_description":"pending"}""", HttpStatusCode.BadRequest);
        _handler.OnJson(HttpMethod.Post, Token, """{"token_type":"Bearer","expires_in":3600,"access_token":"at-new","id_token":"id-new","scope":"openid okta.apps.sso"}""");
    }

    private void OpensTheApp()
    {
        _handler.OnJson(HttpMethod.Post, Token, """{"token_type":"N_A","expires_in":300,"access_token":"sso-1","issued_token_type":"urn:okta:oauth:token-type:web_sso_token"}""");
        _handler.On(HttpMethod.Post, "/login/token/sso", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(OktaFixtures.SamlPage("PHNhbWxwOlJlc3BvbnNlLz4&#x3d;"), Encoding.UTF8, "text/html"),
        });
    }

    [Fact]
    public async Task KeptTokensOpenTheAppWithoutABrowser()
    {
        Keep("at-kept", TimeSpan.FromMinutes(30));
        OpensTheApp();

        var flow = Flow();
        Assert.True(await flow.HasKeptTokensAsync(CancellationToken.None));
        var page = await flow.GetAppPageAsync(App, CancellationToken.None);

        Assert.True(page.HasSaml);
        Assert.Empty(_handler.To("/oauth2/v1/device/authorize"));
        Assert.Contains("actor_token=at-kept", _handler.To(Token).Single().Body, StringComparison.Ordinal);
        Assert.Contains("audience=urn%3Aokta%3Aapps%3A0oa8oieFastPassAp", _handler.To(Token).Single().Body, StringComparison.Ordinal);
        Assert.Empty(_browser.Opened);
    }

    [Fact]
    public async Task WithoutKeptTokensTheUserApprovesInTheBrowserAndTheTokensAreKept()
    {
        BrowserSignIn();
        OpensTheApp();

        var result = await Flow(env: new() { ["DISPLAY"] = ":0" }).SignInAsync(new SignInRequest("jane", "unused", App), CancellationToken.None);

        Assert.Null(result.Session);
        Assert.True(result.AppPage!.HasSaml);
        Assert.Contains(_log.Lines, l => l == ("WARNING", "To sign in, open this URL in a browser: https://acme.okta.com/activate?user_code=QXNMSLWF"));
        Assert.Contains(_log.Lines, l => l.Level == "WARNING" && l.Message.Contains("shows the code QXNMSLWF", StringComparison.Ordinal));
        Assert.Equal([new Uri("https://acme.okta.com/activate?user_code=QXNMSLWF")], _browser.Opened);
        Assert.Contains("\"access_token\":\"at-new\"", _store.Items[Entry], StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Lines, l => l.Message.Contains("at-new", StringComparison.Ordinal) || l.Message.Contains("dc-1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("203.0.113.9 52144 10.0.0.5 22")]
    public async Task NoBrowserIsOpenedWithoutADisplayOrOverSsh(string? sshConnection)
    {
        if (sshConnection is null && !OperatingSystem.IsLinux())
        {
            return; // macOS and Windows have a browser without DISPLAY
        }

        BrowserSignIn();
        OpensTheApp();
        var env = new Dictionary<string, string>();
        if (sshConnection is not null)
        {
            env["SSH_CONNECTION"] = sshConnection;
            env["DISPLAY"] = "localhost:10.0";
        }

        await Flow(env: env).GetAppPageAsync(App, CancellationToken.None);

        Assert.Empty(_browser.Opened);
        Assert.Contains(_log.Lines, l => l.Message.StartsWith("To sign in, open this URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredKeptTokensAreDroppedAndTheBrowserSignInRunsAgain()
    {
        Keep("at-old", TimeSpan.FromSeconds(30));
        BrowserSignIn();
        OpensTheApp();

        var flow = Flow();
        Assert.False(await flow.HasKeptTokensAsync(CancellationToken.None));
        await flow.GetAppPageAsync(App, CancellationToken.None);

        Assert.Single(_handler.To("/oauth2/v1/device/authorize"));
        Assert.Contains("at-new", _store.Items[Entry], StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeptTokensOktaNoLongerHonoursLeadToANewBrowserSignIn()
    {
        Keep("at-ended", TimeSpan.FromMinutes(30));
        _handler.OnJson(HttpMethod.Post, Token, """{"error":"invalid_grant","error_description":"The 'subject_token' either expired or the session associated with it was terminated."}""", HttpStatusCode.BadRequest);
        BrowserSignIn();
        OpensTheApp();

        var page = await Flow().GetAppPageAsync(App, CancellationToken.None);

        Assert.True(page.HasSaml);
        Assert.Single(_handler.To("/oauth2/v1/device/authorize"));
        Assert.Contains(_log.Lines, l => l.Message.Contains("signing in through the browser again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutATerminalNoBrowserSignInIsStarted()
    {
        var e = await Assert.ThrowsAsync<KeymanException>(() => Flow(canPrompt: false).GetAppPageAsync(App, CancellationToken.None));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("Run keyman in a terminal", e.Hint, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }

    [Theory]
    [InlineData("0oa8oieFastPassAp/272", "0oa8oieFastPassAp")]
    [InlineData("0oa8oieFastPassAp", "0oa8oieFastPassAp")]
    [InlineData("https://acme.okta.com/home/amazon_aws/0oa8oieFastPassAp/272?fromHome=true", "0oa8oieFastPassAp")]
    public void TheTokenExchangesAudienceIsTheAppInstanceId(string appId, string instanceId) =>
        Assert.Equal(instanceId, DeviceSignInFlow.AppInstanceId(appId));

    [Fact]
    public void TheClientIdComesFromTheConfigElseOktaAwsClisVariable()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string> { ["OKTA_AWSCLI_OIDC_CLIENT_ID"] = "0oaFromEnv" }, Path.GetTempPath());
        Assert.Equal("0oaFromFile", LoginFlow.OidcClientId(new Keyman.Core.Config.KeymanConfig { OidcClientId = "0oaFromFile" }, env));
        Assert.Equal("0oaFromEnv", LoginFlow.OidcClientId(new Keyman.Core.Config.KeymanConfig(), env));
        Assert.Null(LoginFlow.OidcClientId(new Keyman.Core.Config.KeymanConfig(), new DictionaryEnvironment(new Dictionary<string, string>(), Path.GetTempPath())));
    }
}
