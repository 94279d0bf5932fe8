using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Device;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Device;

public sealed class DeviceAuthorizationClientTests : IDisposable
{
    private const string Org = "https://acme.okta.com";
    private const string ClientId = "0oa20deviceCliNtv01";
    private const string Token = "/oauth2/v1/token";

    private readonly TestHttpMessageHandler _handler = new();
    private readonly InstantTimeProvider _time = new();
    private readonly RecordingLog _log = new();
    private readonly OktaClient _okta;
    private readonly DeviceAuthorizationClient _client;

    public DeviceAuthorizationClientTests()
    {
        _okta = new OktaClient(new Uri(Org), new HttpPipeline(transport: _handler), _log, _time, new OktaClientOptions { Jitter = () => 1 });
        _client = new DeviceAuthorizationClient(_okta, _log, _time);
    }

    public void Dispose() => _okta.Dispose();

    private static string OAuthError(string error, string description) =>
        $$"""{"error":"{{error}}","error_description":"{{description}}"}""";

    private static Dictionary<string, string> Form(RecordedRequest request) =>
        request.Body!.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));

    private DeviceAuthorization Authorization(int expiresInSeconds = 600, int intervalSeconds = 5) =>
        new("dc-1", "QXNMSLWF", new Uri(Org + "/activate"), new Uri(Org + "/activate?user_code=QXNMSLWF"),
            _time.GetUtcNow().AddSeconds(expiresInSeconds), TimeSpan.FromSeconds(intervalSeconds));

    private void Pending(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _handler.OnJson(HttpMethod.Post, Token, OAuthError("authorization_pending", "The device authorization is pending. Please try again later."), HttpStatusCode.BadRequest);
        }
    }

    private void Approved() =>
        _handler.OnJson(HttpMethod.Post, Token, """{"token_type":"Bearer","expires_in":3600,"access_token":"at-1","scope":"openid okta.apps.sso","id_token":"id-1"}""");

    [Fact]
    public async Task AuthorizeAsksForTheScopesOfOktaAwsCliAndReadsTheCodes()
    {
        _handler.OnJson(HttpMethod.Post, "/oauth2/v1/device/authorize",
            """{"device_code":"f8233539","user_code":"QXNMSLWF","verification_uri":"https://acme.okta.com/activate","verification_uri_complete":"https://acme.okta.com/activate?user_code=QXNMSLWF","expires_in":600,"interval":5}""");

        var authorization = await _client.AuthorizeAsync(ClientId, CancellationToken.None);

        var form = Form(_handler.Requests.Single());
        Assert.Equal(ClientId, form["client_id"]);
        Assert.Equal("openid okta.apps.sso okta.apps.read okta.users.read.self", form["scope"]);
        Assert.StartsWith("application/x-www-form-urlencoded", _handler.Requests[0].ContentType);
        Assert.Equal("QXNMSLWF", authorization.UserCode);
        Assert.Equal(new Uri("https://acme.okta.com/activate?user_code=QXNMSLWF"), authorization.VerificationUriComplete);
        Assert.Equal(TimeSpan.FromSeconds(5), authorization.Interval);
        Assert.Equal(_time.GetUtcNow().AddSeconds(600), authorization.ExpiresAt);
        Assert.DoesNotContain("f8233539", authorization.ToString());
    }

    [Theory]
    [InlineData("invalid_client", "Invalid value for 'client_id' parameter.", "oidc_client_id")]
    [InlineData("unauthorized_client", "The client is not authorized to use the provided grant type.", "Device Authorization")]
    [InlineData("invalid_scope", "One or more scopes are not configured for the authorization server resource.", "okta.apps.sso")]
    public async Task AClientTheAdminHasNotSetUpIsAConfigErrorNamingTheSetting(string error, string description, string fixNames)
    {
        _handler.OnJson(HttpMethod.Post, "/oauth2/v1/device/authorize", OAuthError(error, description), error == "invalid_client" ? HttpStatusCode.Unauthorized : HttpStatusCode.BadRequest);

        var e = await Assert.ThrowsAsync<KeymanException>(() => _client.AuthorizeAsync(ClientId, CancellationToken.None));

        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains(fixNames, e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollingWaitsTheIntervalAndFiveSecondsMoreAfterEachSlowDown()
    {
        Pending();
        _handler.OnJson(HttpMethod.Post, Token, OAuthError("slow_down", "Slow down the polling frequency. Please try again later."), HttpStatusCode.BadRequest);
        Pending();
        _handler.OnJson(HttpMethod.Post, Token, OAuthError("slow_down", "Slow down the polling frequency. Please try again later."), HttpStatusCode.BadRequest);
        Approved();

        var tokens = await _client.WaitForApprovalAsync(ClientId, Authorization(), CancellationToken.None);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal("id-1", tokens.IdToken);
        Assert.Equal([5, 5, 10, 10, 15], _time.Delays.Select(d => d.TotalSeconds));
        var form = Form(_handler.Requests[0]);
        Assert.Equal("urn:ietf:params:oauth:grant-type:device_code", form["grant_type"]);
        Assert.Equal("dc-1", form["device_code"]);
        Assert.Equal(ClientId, form["client_id"]);
        Assert.Equal(_time.GetUtcNow().AddSeconds(3600), tokens.ExpiresAt);
        Assert.DoesNotContain("at-1", tokens.ToString());
    }

    [Fact]
    public async Task TheUserChoosingDontAllowIsExit11()
    {
        Pending(2);
        _handler.OnJson(HttpMethod.Post, Token, OAuthError("access_denied", "The resource owner or authorization server denied the request."), HttpStatusCode.BadRequest);

        var e = await Assert.ThrowsAsync<KeymanException>(() => _client.WaitForApprovalAsync(ClientId, Authorization(), CancellationToken.None));

        Assert.Equal(ExitCodes.AuthenticationFailed, e.ExitCode);
        Assert.Contains("Allow Access", e.Hint, StringComparison.Ordinal);
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task AnExpiredDeviceCodeIsExit16()
    {
        Pending();
        _handler.OnJson(HttpMethod.Post, Token, OAuthError("expired_token", "The device code has expired."), HttpStatusCode.BadRequest);

        var e = await Assert.ThrowsAsync<KeymanException>(() => _client.WaitForApprovalAsync(ClientId, Authorization(), CancellationToken.None));

        Assert.Equal(ExitCodes.OktaSessionExpired, e.ExitCode);
        Assert.Contains("--device", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollingStopsWhenTheCodesLifetimeHasPassedWithoutAnAnswer()
    {
        Pending(2);

        var e = await Assert.ThrowsAsync<KeymanException>(() => _client.WaitForApprovalAsync(ClientId, Authorization(expiresInSeconds: 12), CancellationToken.None));

        Assert.Equal(ExitCodes.OktaSessionExpired, e.ExitCode);
        Assert.Equal(2, _handler.Requests.Count);
        Assert.Equal([5, 5], _time.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task TheTokenExchangeAsksForAWebSsoTokenOfTheAwsApp()
    {
        _handler.OnJson(HttpMethod.Post, Token, """{"token_type":"N_A","expires_in":300,"access_token":"sso-1","issued_token_type":"urn:okta:oauth:token-type:web_sso_token"}""");

        var sso = await _client.ExchangeForWebSsoTokenAsync(ClientId, new DeviceTokens("at-1", "id-1", _time.GetUtcNow().AddHours(1)), "0oa1dev", CancellationToken.None);

        Assert.Equal("sso-1", sso);
        var form = Form(_handler.Requests.Single());
        Assert.Equal("urn:ietf:params:oauth:grant-type:token-exchange", form["grant_type"]);
        Assert.Equal("at-1", form["actor_token"]);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", form["actor_token_type"]);
        Assert.Equal("id-1", form["subject_token"]);
        Assert.Equal("urn:ietf:params:oauth:token-type:id_token", form["subject_token_type"]);
        Assert.Equal("urn:okta:oauth:token-type:web_sso_token", form["requested_token_type"]);
        Assert.Equal("urn:okta:apps:0oa1dev", form["audience"]);
    }

    [Theory]
    [InlineData("invalid_grant", "The application's assurance requirements are not met by the 'subject_token'.", ExitCodes.BrowserRequired, "FastPass")]
    [InlineData("web_sso_app_assurance_not_met", "", ExitCodes.BrowserRequired, "FastPass")]
    [InlineData("invalid_grant", "The target audience app must be configured to allow the client to request a 'web_sso_token'.", ExitCodes.Config, "Allowed Web SSO Client")]
    [InlineData("invalid_grant", "The 'actor_token' must have the 'okta.apps.sso' scope to request a 'web_sso_token'.", ExitCodes.Config, "okta.apps.sso")]
    [InlineData("invalid_grant", "The 'subject_token' either expired or the session associated with it was terminated.", ExitCodes.OktaSessionExpired, "--device")]
    public async Task EachTokenExchangeErrorNamesItsFix(string error, string description, int exitCode, string fixNames)
    {
        _handler.OnJson(HttpMethod.Post, Token, OAuthError(error, description), HttpStatusCode.BadRequest);

        var e = await Assert.ThrowsAsync<KeymanException>(() =>
            _client.ExchangeForWebSsoTokenAsync(ClientId, new DeviceTokens("at-1", "id-1", _time.GetUtcNow().AddHours(1)), "0oa1dev", CancellationToken.None));

        Assert.Equal(exitCode, e.ExitCode);
        Assert.Contains(fixNames, e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWebSsoTokenIsPostedToLoginTokenSsoWhichAnswersTheSamlForm()
    {
        _handler.On(HttpMethod.Post, "/login/token/sso", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(OktaFixtures.SamlPage("PHNhbWxwOlJlc3BvbnNlLz4&#x3d;"), Encoding.UTF8, "text/html"),
        });

        var page = await _client.GetAppPageAsync("sso-1", CancellationToken.None);

        Assert.True(page.HasSaml);
        Assert.Equal("token=sso-1", _handler.Requests.Single().Body);
        Assert.Equal("text/html", _handler.Requests[0].Header("Accept"));
    }
}
