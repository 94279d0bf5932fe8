using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Duo;
using static Keyman.Tests.Okta.OktaFixtures;

namespace Keyman.Tests.Okta.Duo;

/// <summary>Okta Classic's Duo Universal Prompt factor, step by step, against pages shaped like Duo's (gimme-aws-creds' tests).</summary>
public class DuoAuthenticatorTests
{
    private const string DuoHost = "https://api-1234abcd.duosecurity.com";
    private const string FactorId = "clf1duoUniversal";
    private static readonly string DuoFactor = F("""{"id":"@@0@@","factorType":"claims_provider","provider":"CUSTOM","vendorName":"Duo Universal Prompt","profile":{},"_links":{"verify":{"href":"@@1@@@@2@@","hints":{"allow":["POST"]}}}}""", FactorId, Base, VerifyPath(FactorId));

    private const string PluginPage = """
        <html><body><form id="plugin_form" method="POST" action="/frame/frameless/v4/auth?sid=frameless-1&amp;tx=TX1">
        <input type="hidden" name="tx" value="TX1"><input type="hidden" name="_xsrf" value="XSRF1"><input type="hidden" name="screen_resolution_width" value="1280">
        </form></body></html>
        """;

    private const string LoginPage = """
        <html><body><form id="login-form" action="/frame/prompt" method="post">
        <input type="hidden" name="sid" value="frameless-1"><input type="hidden" name="_xsrf" value="XSRF1">
        <input type="hidden" name="preferred_device" value="phone2"><input type="hidden" name="itype" value="okta">
        <select name="device"><option value="phone1">Android (+X XXX-XXX-0001)</option><option value="phone2">iOS (+X XXX-XXX-0002)</option></select>
        </form></body></html>
        """;

    private static OktaHarness Harness(string preferred, params string[] answers)
    {
        var h = new OktaHarness(new MfaOptions { PreferredFactor = preferred }, answers: answers);
        h.MfaRequired(DuoFactor);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath(FactorId), F("""{"stateToken":"@@0@@","status":"MFA_CHALLENGE","factorResult":"CHALLENGE","_embedded":{"user":@@1@@,"factor":@@2@@},"_links":{"next":{"name":"redirect","href":"@@3@@/sso/idps/0oaDuoIdp?stateToken=@@0@@","hints":{"allow":["GET"]}}}}""", StateToken, User, DuoFactor, Base));
        return h;
    }

    private static void DuoPages(OktaHarness h, string duoHost = DuoHost)
    {
        h.Handler.OnRedirect("/sso/idps/0oaDuoIdp", $"{duoHost}/oauth/v1/authorize?response_type=code&client_id=DI1&request=eyJ.x.y");
        h.Handler.OnRedirect("/oauth/v1/authorize", "/frame/frameless/v4/auth?sid=frameless-1&tx=TX1", setCookie: "_dtc=duo-cookie; Path=/; Secure");
        h.Handler.OnHtml("/frame/frameless/v4/auth", PluginPage);
        h.Handler.On(HttpMethod.Post, "/frame/frameless/v4/auth", _ => Redirect("/frame/v4/auth/prompt?sid=frameless-1"));
        h.Handler.OnHtml("/frame/v4/auth/prompt", LoginPage);
    }

    private static void Prompt(OktaHarness h, string txid = "TXID1") =>
        h.Handler.OnJson(HttpMethod.Post, "/frame/prompt", F("""{"stat":"OK","response":{"txid":"@@0@@"}}""", txid));

    private static void Status(OktaHarness h, string code, string status = "") =>
        h.Handler.OnJson(HttpMethod.Post, "/frame/v4/status", F("""{"stat":"OK","response":{"status_code":"@@0@@","status":"@@1@@"}}""", code, status));

    private static void ExitToOkta(OktaHarness h)
    {
        h.Handler.On(HttpMethod.Post, "/frame/v4/oidc/exit", _ => Redirect($"{Base}/oauth2/v1/authorize/callback?state=S1&code=C1"));
        h.Handler.OnRedirect("/oauth2/v1/authorize/callback", $"{Base}/app/UserHome", setCookie: $"sid={SessionId}; Path=/; Secure; HttpOnly");
        h.Handler.OnJson(HttpMethod.Get, "/api/v1/sessions/me", Session());
    }

    private static HttpResponseMessage Redirect(string location)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Found);
        response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        return response;
    }

    private static Dictionary<string, string> Form(RecordedRequest request) =>
        request.Body!.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));

    [Fact]
    public async Task PushApprovedEndsInOktasSessionCookie()
    {
        using var h = Harness("duo push");
        DuoPages(h);
        Prompt(h);
        Status(h, "pushed", "Pushed a login request to your device...");
        Status(h, "allow", "Success. Logging you in...");
        ExitToOkta(h);

        var session = await h.LoginAsync();

        Assert.Equal(SessionId, session.Id);
        Assert.Equal(SessionId, h.Client.SessionId);
        Assert.DoesNotContain(h.Handler.To("/api/v1/sessions"), r => r.Method == HttpMethod.Post);
        Assert.Contains(h.Log.Lines, l => l is ("INFO", "Duo Push sent to iOS (+X XXX-XXX-0002); approve it on your phone"));

        var plugin = Form(h.Handler.Requests.Single(r => r.Method == HttpMethod.Post && r.Path == "/frame/frameless/v4/auth"));
        Assert.Equal("1280", plugin["screen_resolution_width"]);
        Assert.Equal("XSRF1", plugin["_xsrf"]);
        var prompt = h.Handler.To("/frame/prompt").Single();
        Assert.Equal(DuoHost, prompt.Uri.GetLeftPart(UriPartial.Authority));
        Assert.Equal("_dtc=duo-cookie", prompt.Header("Cookie"));
        var fields = Form(prompt);
        Assert.Equal(("Duo Push", "phone2", "OIDC_EXIT", "okta"), (fields["factor"], fields["device"], fields["postAuthDestination"], fields["itype"]));
        Assert.Equal("TXID1", Form(h.Handler.To("/frame/v4/status").First())["txid"]);
        Assert.Equal("XSRF1", Form(h.Handler.To("/frame/v4/oidc/exit").Single())["_xsrf"]);
        Assert.All(h.Handler.Requests.Where(r => r.Uri.Host.Contains("duosecurity", StringComparison.Ordinal)),
            r => Assert.DoesNotContain(SessionId, r.Header("Cookie") ?? string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PasscodeWrongThenRightAsksAgain()
    {
        using var h = Harness("duo passcode", "111111", "246 810");
        DuoPages(h);
        Prompt(h, "TX-A");
        Status(h, "deny", "Incorrect passcode. Please try again.");
        Prompt(h, "TX-B");
        Status(h, "allow");
        ExitToOkta(h);

        await h.LoginAsync();

        var prompts = h.Handler.To("/frame/prompt").Select(Form).ToList();
        Assert.Equal(["111111", "246810"], prompts.Select(p => p["passcode"]));
        Assert.All(prompts, p => Assert.Equal("Passcode", p["factor"]));
        Assert.Contains(h.Log.Lines, l => l.Item1 == "WARNING" && l.Item2.StartsWith("Duo did not accept the passcode", StringComparison.Ordinal));
        Assert.Equal("TX-B", Form(h.Handler.To("/frame/v4/oidc/exit").Single())["txid"]);
    }

    [Theory]
    [InlineData("deny", "Duo phone call was denied")]
    [InlineData("timeout", "Duo phone call timed out on Duo's side")]
    public async Task CallDeniedOrTimedOutIsMfaFailed(string code, string message)
    {
        using var h = Harness("duo call");
        DuoPages(h);
        Prompt(h);
        Status(h, "calling");
        Status(h, code);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(h.Log.Lines, l => l is ("INFO", "Calling iOS (+X XXX-XXX-0002)…"));
    }

    [Fact]
    public async Task DuoHostOverPlainHttpIsRefused()
    {
        using var h = Harness("duo push");
        DuoPages(h, "http://api-1234abcd.duosecurity.com");

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Contains("not https", e.Message, StringComparison.Ordinal);
        Assert.Empty(h.Handler.To("/oauth/v1/authorize"));
    }

    [Fact]
    public async Task RedirectToAThirdHostIsNotFollowed()
    {
        using var h = Harness("duo push");
        h.Handler.OnRedirect("/sso/idps/0oaDuoIdp", $"{DuoHost}/oauth/v1/authorize?request=x");
        h.Handler.OnRedirect("/oauth/v1/authorize", "https://evil.example.net/frame/frameless/v4/auth");

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Contains("neither Okta nor Duo", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Handler.Requests, r => r.Uri.Host == "evil.example.net");
    }

    [Fact]
    public async Task DuoOutageNamesDuo()
    {
        using var h = Harness("duo push");
        h.Handler.OnRedirect("/sso/idps/0oaDuoIdp", $"{DuoHost}/oauth/v1/authorize?request=x");
        h.Handler.On(HttpMethod.Get, "/oauth/v1/authorize", _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("down", Encoding.UTF8, "text/html") }, sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.StartsWith($"Cannot reach Duo at {DuoHost}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppStepUpThroughDuoContinuesAtOktasRedirectBackToTheApp()
    {
        using var h = Harness("duo push");
        DuoPages(h);
        Prompt(h);
        Status(h, "allow");
        h.Handler.On(HttpMethod.Post, "/frame/v4/oidc/exit", _ => Redirect($"{Base}/oauth2/v1/authorize/callback?state=S1&code=C1"));
        h.Handler.OnRedirect("/oauth2/v1/authorize/callback", $"{Base}/login/step-up/redirect?stateToken={StateToken}");

        var result = await h.Authenticator.StepUpAsync(StateToken, CancellationToken.None);

        Assert.Null(result.SessionToken);
        Assert.Equal($"{Base}/login/step-up/redirect?stateToken={StateToken}", result.NextUrl?.AbsoluteUri);
        Assert.Empty(h.Handler.To("/login/step-up/redirect"));
        Assert.Single(h.Handler.To("/oauth2/v1/authorize/callback"));
    }

    [Fact]
    public async Task OktaRefusingDuosReturnIsMfaFailed()
    {
        using var h = Harness("duo push");
        DuoPages(h);
        Prompt(h);
        Status(h, "allow");
        h.Handler.On(HttpMethod.Post, "/frame/v4/oidc/exit", _ => Redirect($"{Base}/oauth2/v1/authorize/callback?state=S1&code=C1"));
        h.Handler.On(HttpMethod.Get, "/oauth2/v1/authorize/callback", _ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("<html>Invalid state</html>", Encoding.UTF8, "text/html") });

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Contains("Okta did not take Duo's answer (HTTP 400", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSinglePagePromptIsDrivenThroughItsJsonEndpoints()
    {
        using var h = Harness("duo push");
        h.Handler.OnRedirect("/sso/idps/0oaDuoIdp", $"{DuoHost}/oauth/v1/authorize?response_type=code&client_id=DI1&request=eyJ.x.y");
        h.Handler.OnRedirect("/oauth/v1/authorize", "/frame/frameless/v4/auth?sid=frameless-1&tx=TX1");
        h.Handler.OnHtml("/frame/frameless/v4/auth", """<html><body><div id="root" data-akey="DAK1" data-authkey="AUTHKEY1"></div></body></html>""");
        const string Prefix = "/prompt/DAK1/";
        h.Handler.OnJson(HttpMethod.Get, Prefix + "pre_authn/initialization", """{"stat":"OK","response":{}}""");
        h.Handler.OnJson(HttpMethod.Get, Prefix + "pre_authn/evaluation", """{"stat":"FAIL","message":"ignored"}""");
        h.Handler.OnJson(HttpMethod.Get, Prefix + "auth/payload", """{"stat":"OK","response":{"auth_factors_context":{"available_unified_auth_factors":{"factors":[{"factor_type":"phone_call","phone_info":{"pkey":"DPCALL","name":"Landline"}},{"factor_type":"push","device_info":{"pkey":"DPPUSH","name":"Pixel 9"}}]}}}}""");
        h.Handler.OnJson(HttpMethod.Post, Prefix + "auth/factors/push/auth", """{"stat":"OK","response":{"push_txid":"PTX1","step_up_code":"417"}}""");
        h.Handler.OnJson(HttpMethod.Get, Prefix + "auth/factors/push/status", """{"stat":"OK","response":{"result":{"result":"WAITING","status_code":"pushed"}}}""");
        h.Handler.OnJson(HttpMethod.Get, Prefix + "auth/factors/push/status", """{"stat":"OK","response":{"result":{"result":"SUCCESS","status_code":"allow"}}}""");
        h.Handler.OnJson(HttpMethod.Get, Prefix + "auth/finalize_auth", F("""{"stat":"OK","response":{"url":"@@0@@/oauth2/v1/authorize/callback?state=S1&code=C1"}}""", Base));
        h.Handler.OnRedirect("/oauth2/v1/authorize/callback", $"{Base}/app/UserHome", setCookie: $"sid={SessionId}; Path=/; Secure; HttpOnly");
        h.Handler.OnJson(HttpMethod.Get, "/api/v1/sessions/me", Session());

        var session = await h.LoginAsync();

        Assert.Equal(SessionId, session.Id);
        Assert.Equal("""{"authkey":"AUTHKEY1","pkey":"DPPUSH"}""", h.Handler.To(Prefix + "auth/factors/push/auth").Single().Body);
        var polls = h.Handler.To(Prefix + "auth/factors/push/status").Select(r => r.Uri.Query).ToList();
        Assert.Equal(2, polls.Count);
        Assert.Contains("push_txid=PTX1", polls[0], StringComparison.Ordinal);
        Assert.Contains("saw_good_news=false", polls[0], StringComparison.Ordinal);
        Assert.Contains("saw_good_news=true", polls[1], StringComparison.Ordinal);
        Assert.All(h.Handler.Requests.Where(r => r.Path.StartsWith("/prompt/", StringComparison.Ordinal)), r => Assert.Contains("authkey", r.Uri.Query + r.Body, StringComparison.Ordinal));
        Assert.Contains(h.Log.Lines, l => l is ("INFO", "Duo Push sent to Pixel 9; approve it on your phone"));
        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Duo Verified Push: enter 417 in Duo Mobile"));
        Assert.Empty(h.Handler.To("/frame/v4/oidc/exit"));
    }

    [Fact]
    public async Task VerifiedPushCodeNestedInRiskDataIsShown()
    {
        using var h = Harness("duo push");
        DuoPages(h);
        Prompt(h);
        h.Handler.OnJson(HttpMethod.Post, "/frame/v4/status", """{"stat":"OK","response":{"status_code":"pushed","risk_based_factor_selection_data":{"step_up_code":"268"}}}""");
        Status(h, "allow");
        ExitToOkta(h);

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Duo Verified Push: enter 268 in Duo Mobile"));
    }

    [Fact]
    public void DuoFactorIsOfferedAsPushCallAndPasscode()
    {
        var factor = System.Text.Json.JsonSerializer.Deserialize(DuoFactor, OktaJsonContext.Default.OktaFactor)!;
        var entries = MfaFactor.Expand(factor).ToList();
        Assert.Equal(["Duo Push", "Duo phone call", "Duo passcode"], entries.Select(e => e.Description));
        Assert.Equal(["duo push", "duo call", "duo passcode"], entries.Select(e => e.Key));
        Assert.True(entries[0].Matches("DUO push"));
    }

    [Theory]
    [InlineData("web", "duo push")]
    [InlineData("push", "duo push")]
    [InlineData("Call", "duo call")]
    [InlineData("passcode", "duo passcode")]
    [InlineData(null, null)]
    public void DuoFactorSettingPreselects(string? setting, string? preferred) => Assert.Equal(preferred, DuoMethods.PreferredFactor(setting));

    [Fact]
    public void UnknownDuoFactorSettingIsAConfigError() =>
        Assert.Equal(ExitCodes.Config, Assert.Throws<KeymanException>(() => DuoMethods.PreferredFactor("sms")).ExitCode);
}
