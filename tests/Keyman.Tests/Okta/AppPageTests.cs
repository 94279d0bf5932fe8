using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Okta;
using static Keyman.Tests.Okta.OktaFixtures;

namespace Keyman.Tests.Okta;

public class AppPageTests
{
    private const string AppPath = "/home/amazon_aws/0oa1prodEXAMPLE/272";

    [Fact]
    public async Task ParsesSamlFormWithHtmlEntities()
    {
        using var h = new OktaHarness();
        h.Client.SessionId = SessionId;
        // "PD94bWwg+dmVy/c2lvbj0=" with '+' and '=' entity-escaped and wrapped, as Okta renders it.
        h.Handler.OnHtml(AppPath, SamlPage("PD94bWwg&#x2b;dmVy/c2lv\n  bj0&#x3d;", "https://us-gov-west-1.signin.amazonaws-us-gov.com/saml"));

        var page = await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None);

        Assert.Equal("PD94bWwg+dmVy/c2lvbj0=", page.SamlResponse);
        Assert.Equal(new Uri("https://us-gov-west-1.signin.amazonaws-us-gov.com/saml"), page.FormAction);
        Assert.True(page.HasSaml);
        Assert.False(page.NeedsStepUp);
        Assert.Null(page.ErrorMessage);
        var request = Assert.Single(h.Handler.Requests);
        Assert.Equal($"sid={SessionId}", request.Header("Cookie"));
        Assert.Equal("text/html", request.Header("Accept"));
        Assert.DoesNotContain("PD94", page.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowsSameOriginRedirectsWithSidAndTakesNewSid()
    {
        using var h = new OktaHarness();
        h.Client.SessionId = SessionId;
        h.Handler.OnRedirect(AppPath, "/app/amazon_aws/exk1abc/sso/saml?fromHome=true", setCookie: "sid=102rotatedSID; Path=/; Secure; HttpOnly");
        h.Handler.OnHtml("/app/amazon_aws/exk1abc/sso/saml", SamlPage("QUJD"));

        var page = await h.Authenticator.GetAppPageAsync($"{Base}{AppPath}", null, CancellationToken.None);

        Assert.Equal("QUJD", page.SamlResponse);
        Assert.Equal("sid=102rotatedSID", h.Handler.Requests[1].Header("Cookie"));
        Assert.Equal("102rotatedSID", h.Client.SessionId);
        Assert.Equal(new Uri($"{Base}/app/amazon_aws/exk1abc/sso/saml"), page.FinalUrl);
    }

    [Fact]
    public async Task AddsSessionTokenToFirstRequest()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml(AppPath, SamlPage("QUJD"));

        await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", SessionToken, CancellationToken.None);

        Assert.Equal($"?sessionToken={SessionToken}", h.Handler.Requests[0].Uri.Query);
    }

    [Fact]
    public async Task RefusesCrossOriginRedirect()
    {
        using var h = new OktaHarness();
        h.Handler.OnRedirect(AppPath, "https://idp.other.example/sso?SAMLRequest=abc");

        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None));

        Assert.Equal(ExitCodes.Saml, e.ExitCode);
        Assert.Contains("https://idp.other.example", e.Message, StringComparison.Ordinal);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task RedirectLoopIsBounded()
    {
        using var h = new OktaHarness(options: new OktaClientOptions { MaxRedirects = 3 });
        h.Handler.On(HttpMethod.Get, AppPath, _ => new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri(AppPath, UriKind.Relative) } }, sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None));

        Assert.Equal(ExitCodes.Saml, e.ExitCode);
        Assert.Equal(4, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task MissingAppIsNoAwsApps()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml("/home/amazon_aws/0oaWRONG/1", "<html><title>Not found</title></html>", HttpStatusCode.NotFound);

        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.GetAppPageAsync("0oaWRONG/1", null, CancellationToken.None));

        Assert.Equal(ExitCodes.NoAwsApps, e.ExitCode);
        Assert.StartsWith("Okta has no app 0oaWRONG/1", e.Message, StringComparison.Ordinal);
        Assert.Contains("appid", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingAppByLinkNamesTheAppId()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml("/home/amazon_aws/0oaGONE/7", "gone", HttpStatusCode.NotFound);

        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.GetAppPageAsync($"{Base}/home/amazon_aws/0oaGONE/7", SessionToken, CancellationToken.None));

        Assert.StartsWith("Okta has no app 0oaGONE/7:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0oa1 prod/272")]
    [InlineData("../../api/v1/users")]
    [InlineData("https://evil.example/home/amazon_aws/0oa1/272")]
    public async Task RejectsBadAppIds(string appId)
    {
        using var h = new OktaHarness();
        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.GetAppPageAsync(appId, null, CancellationToken.None));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Empty(h.Handler.Requests);
    }

    [Fact]
    public async Task DetectsClassicStepUpWithEscapedToken()
    {
        using var h = new OktaHarness();
        h.Client.SessionId = SessionId;
        h.Handler.OnRedirect(AppPath, "/login/second-factor?fromURI=%2Fapp%2Famazon_aws%2Fexk1abc%2Fsso%2Fsaml");
        h.Handler.OnHtml("/login/second-factor", """
            <html><head><title>Acme - Extra Verification</title></head><body>
            <div id="signin-container"></div>
            <script type="text/javascript">
            var stateToken = '00Xg1abc\x2DDEF\\x2Dghi';
            var OktaSignIn = window.OktaSignIn;
            </script></body></html>
            """);

        var page = await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None);

        Assert.False(page.HasSaml);
        Assert.True(page.NeedsStepUp);
        Assert.Equal("00Xg1abc-DEF-ghi", page.StepUpStateToken);
        Assert.DoesNotContain("00Xg1abc", page.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetectsStepUpFromBodyJson()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml(AppPath, """
            <html><head><title>Acme</title></head><body>
            <script>var oktaData = {"redirectUri":"https://acme.okta.com/login/step-up/redirect?stateToken=x","signIn":{"stateToken":"02Jk9xyz\u002Dtoken","baseUrl":"https://acme.okta.com"}};</script>
            </body></html>
            """);

        var page = await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None);

        Assert.Equal("02Jk9xyz-token", page.StepUpStateToken);
    }

    [Fact]
    public async Task StepUpWithoutReadableTokenReportsIt()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml(AppPath, "<html><head><title>Acme</title></head><body><a href=\"/login/step-up/redirect\">continue</a></body></html>");

        var page = await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None);

        Assert.False(page.NeedsStepUp);
        Assert.Contains("no stateToken", page.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateTokenWithoutStepUpMarkerIsNotStepUp()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml(AppPath, "<html><head><title>Acme Dashboard</title></head><body><script>var stateToken = '00abc';</script></body></html>");

        var page = await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None);

        Assert.Null(page.StepUpStateToken);
        Assert.Equal("Acme Dashboard", page.ErrorMessage);
    }

    [Fact]
    public async Task ErrorPageTextIsKept()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml(AppPath, """
            <html><head><title>Acme - Error</title></head><body>
            <div class="error-content"><h1>  Sorry, you can't access AWS Prod because you are not assigned this application in Okta. </h1></div>
            </body></html>
            """);

        var page = await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None);

        Assert.False(page.HasSaml);
        Assert.Equal("Sorry, you can't access AWS Prod because you are not assigned this application in Okta.", page.ErrorMessage);
    }

    [Fact]
    public async Task EmptySamlResponseFallsBackToError()
    {
        using var h = new OktaHarness();
        h.Handler.OnHtml(AppPath, SamlPage(""));

        var page = await h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None);

        Assert.False(page.HasSaml);
        Assert.Equal("Signing in...", page.ErrorMessage);
    }

    [Fact]
    public async Task LoginPageMeansSessionExpired()
    {
        using var h = new OktaHarness();
        h.Client.SessionId = SessionId;
        h.Handler.OnRedirect(AppPath, "/login/login.htm?fromURI=%2Fhome%2Famazon_aws%2F0oa1prodEXAMPLE%2F272");
        h.Handler.OnHtml("/login/login.htm", "<html><head><title>Acme - Sign In</title></head><body><div id=\"okta-sign-in\"></div></body></html>");

        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.GetAppPageAsync("0oa1prodEXAMPLE/272", null, CancellationToken.None));

        Assert.Equal(ExitCodes.OktaSessionExpired, e.ExitCode);
    }
}
