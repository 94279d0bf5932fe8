using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Okta;
using static Keyman.Tests.Okta.OktaFixtures;

namespace Keyman.Tests.Okta;

public class OktaClientTests
{
    private static long Epoch(OktaHarness h, int seconds) => h.Time.GetUtcNow().AddSeconds(seconds).ToUnixTimeSeconds();

    [Fact]
    public async Task SendsJsonHeadersUserAgentAndSidCookie()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Success());
        h.SessionCreated();
        h.Handler.OnJson(HttpMethod.Get, "/api/v1/users/me/appLinks", "[]");

        await h.LoginAsync();
        await h.Authenticator.GetAwsAppsAsync(CancellationToken.None);

        var authn = h.Handler.Requests[0];
        Assert.Equal("application/json", authn.Header("Accept"));
        Assert.StartsWith("application/json", authn.ContentType);
        Assert.Equal("keyman/1.2.3", authn.Header("User-Agent"));
        Assert.Null(authn.Header("Cookie"));
        Assert.Equal(SessionId, h.Client.SessionId);
        Assert.Equal($"sid={SessionId}", h.Handler.Requests[2].Header("Cookie"));
    }

    [Fact]
    public async Task RateLimitIsWaitedOutUntilReset()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000047", "API call exceeded rate limit due to too many requests."), HttpStatus.Code(429),
            configure: r => r.Headers.Add("X-Rate-Limit-Reset", Epoch(h, 10).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Success());
        h.SessionCreated();

        var session = await h.LoginAsync();

        Assert.Equal(SessionId, session.Id);
        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Okta rate limit hit; waiting 11 s"));
        Assert.Equal([TimeSpan.FromSeconds(11)], h.Delays);
        Assert.Equal(2, h.Handler.To("/api/v1/authn").Count());
    }

    [Fact]
    public async Task RateLimitGivesUpAfterThreeWaits()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000047", "API call exceeded rate limit due to too many requests."), HttpStatus.Code(429),
            sticky: true, configure: r => r.Headers.Add("X-Rate-Limit-Reset", Epoch(h, 5).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.RateLimited, e.ExitCode);
        Assert.NotNull(e.Hint);
        Assert.Equal(4, h.Handler.Requests.Count);
        Assert.Equal(3, h.Log.Lines.Count(l => l.Message.StartsWith("Okta rate limit hit", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RateLimitResetTooFarAwayFailsAtOnce()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000047", "rate limit"), HttpStatus.Code(429),
            configure: r => r.Headers.Add("X-Rate-Limit-Reset", Epoch(h, 600).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.RateLimited, e.ExitCode);
        Assert.Contains("resets in 601 s", e.Message, StringComparison.Ordinal);
        Assert.Empty(h.Delays);
    }

    [Fact]
    public async Task ServerErrorWithOktaBodyIsNetworkAfterRetries()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000009", "Internal Server Error"), HttpStatusCode.InternalServerError, sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Equal("Cannot reach Okta at https://acme.okta.com: HTTP 500 from /api/v1/authn (Internal Server Error)", e.Message);
        Assert.Equal(3, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task ServerErrorIsRetriedWithBackoff()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000009", "Internal Server Error"), HttpStatusCode.InternalServerError);
        h.Handler.On(HttpMethod.Post, "/api/v1/authn", _ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>", Encoding.UTF8, "text/html") });
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], h.Delays);
    }

    [Fact]
    public async Task ServerErrorsExhaustedFailAsNetwork()
    {
        using var h = new OktaHarness();
        h.Handler.On(HttpMethod.Post, "/api/v1/authn", _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("down", Encoding.UTF8, "text/plain") }, sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("503", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task NetworkFailureIsRetriedThenReported()
    {
        using var h = new OktaHarness();
        h.Handler.Throw(HttpMethod.Post, "/api/v1/authn", () => new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (acme.okta.com:443)"), sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.StartsWith("Cannot reach Okta at https://acme.okta.com: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("VPN", e.Hint, StringComparison.Ordinal);
        Assert.Equal(3, h.Handler.Requests.Count);
        Assert.Equal(2, h.Delays.Count);
    }

    [Fact]
    public async Task NetworkFailureThenSuccess()
    {
        using var h = new OktaHarness();
        h.Handler.Throw(HttpMethod.Post, "/api/v1/authn", () => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Equal(2, h.Handler.To("/api/v1/authn").Count());
    }

    [Fact]
    public async Task PostThatMayHaveReachedOktaIsNotSentTwice()
    {
        // A timeout or a broken response after sending: Okta may have counted the password or the code already.
        using var h = new OktaHarness();
        h.Handler.Throw(HttpMethod.Post, "/api/v1/authn", () => new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."), sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Single(h.Handler.To("/api/v1/authn"));
    }

    [Fact]
    public async Task TimeoutCountsAsNetworkFailure()
    {
        using var h = new OktaHarness(options: new OktaClientOptions { MaxAttempts = 2 });
        h.Handler.Throw(HttpMethod.Post, "/api/v1/authn", () => new TaskCanceledException("timeout", new TimeoutException()), sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("no answer within 30 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlWhereJsonExpectedNamesTheUrl()
    {
        using var h = new OktaHarness();
        h.Handler.On(HttpMethod.Post, "/api/v1/authn", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("<html><head><title>Hotel WiFi login</title></head><body>Accept the terms</body></html>", Encoding.UTF8, "text/html"),
        });

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.IsNotType<OktaApiException>(e);
        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("https://acme.okta.com/api/v1/authn", e.Message, StringComparison.Ordinal);
        Assert.Contains("instead of JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains("captive portal", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OktaErrorBodyBecomesTypedException()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000001", "Api validation failed: username", """{"errorSummary":"username: The field cannot be left blank"}"""), HttpStatusCode.BadRequest);

        var e = await Assert.ThrowsAsync<OktaApiException>(h.LoginAsync);

        Assert.Equal(400, e.HttpStatus);
        Assert.Equal("E0000001", e.ErrorCode);
        Assert.Equal(["username: The field cannot be left blank"], e.ErrorCauses);
        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("/api/v1/authn", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CurrentSessionIsReadAndNullWhenGone()
    {
        using var h = new OktaHarness();
        Assert.Null(await h.Client.GetCurrentSessionAsync(CancellationToken.None));
        Assert.Empty(h.Handler.Requests);

        h.Client.SessionId = SessionId;
        h.Handler.OnJson(HttpMethod.Get, "/api/v1/sessions/me", Session());
        h.Handler.OnJson(HttpMethod.Get, "/api/v1/sessions/me", Error("E0000007", "Not found: Resource not found: me (Session)"), HttpStatusCode.NotFound);

        var session = await h.Client.GetCurrentSessionAsync(CancellationToken.None);
        Assert.NotNull(session);
        Assert.Equal(Username, session.Login);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero), session.ExpiresAt);
        Assert.Equal($"sid={SessionId}", h.Handler.Requests[0].Header("Cookie"));
        Assert.Null(await h.Client.GetCurrentSessionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RefreshSession()
    {
        using var h = new OktaHarness();
        h.Client.SessionId = SessionId;
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/sessions/me/lifecycle/refresh", Session());
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/sessions/me/lifecycle/refresh", Error("E0000005", "Invalid session"), HttpStatusCode.Forbidden);

        Assert.NotNull(await h.Client.RefreshSessionAsync(CancellationToken.None));
        Assert.Null(await h.Client.RefreshSessionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AppLinksKeepOnlyAmazonAws()
    {
        using var h = new OktaHarness();
        h.Client.SessionId = SessionId;
        h.Handler.OnJson(HttpMethod.Get, "/api/v1/users/me/appLinks", $$"""
            [
              {"id":"00ub0oNGTSWTBKOLGLNR","label":"AWS Prod","linkUrl":"{{Base}}/home/amazon_aws/0oa1prodEXAMPLE/272","logoUrl":"x","appName":"amazon_aws","appInstanceId":"0oa1prodEXAMPLE","appAssignmentId":"0ua1","credentialsSetup":false,"hidden":false,"sortOrder":0},
              {"id":"00ub0oNGTSWTBKOLGLNS","label":"AWS IAM Identity Center","linkUrl":"{{Base}}/home/amazon_aws_sso/0oa1ssoEXAMPLE/1001","appName":"amazon_aws_sso","appInstanceId":"0oa1ssoEXAMPLE"},
              {"id":"00ub0oNGTSWTBKOLGLNT","label":"Slack","linkUrl":"{{Base}}/home/slack/0oa1slack/123","appName":"slack","appInstanceId":"0oa1slack"},
              {"id":"00ub0oNGTSWTBKOLGLNU","label":"AWS Dev","linkUrl":"{{Base}}/home/amazon_aws/0oa1devEXAMPLE/137","appName":"amazon_aws","appInstanceId":"0oa1devEXAMPLE"}
            ]
            """);

        var apps = await h.Authenticator.GetAwsAppsAsync(CancellationToken.None);

        Assert.Equal(
            [new AwsAppLink("AWS Prod", "0oa1prodEXAMPLE/272", new Uri($"{Base}/home/amazon_aws/0oa1prodEXAMPLE/272")),
             new AwsAppLink("AWS Dev", "0oa1devEXAMPLE/137", new Uri($"{Base}/home/amazon_aws/0oa1devEXAMPLE/137"))],
            apps);
        Assert.Contains(h.Log.Lines, l => l.Level == "DEBUG" && l.Message.Contains("amazon_aws_sso", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppLinksWithoutSessionFailClearly()
    {
        using var h = new OktaHarness();
        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.GetAwsAppsAsync(CancellationToken.None));
        Assert.Equal(ExitCodes.OktaSessionExpired, e.ExitCode);
    }
}
