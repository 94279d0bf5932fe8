using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Duo;
using Keyman.Core.Okta.Idx;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Idx;

/// <summary>
/// Duo Security as an Identity Engine authenticator: the challenge of Okta's captured authenticator-verification-duo
/// answered through Duo Web's frame by the Duo client Classic uses, and Duo's signed response posted back.
/// </summary>
public sealed class IdxDuoTests : IDisposable
{
    private const string DuoHost = "https://api-1232.duosecurity.com";
    private const string AppHalf = "APP|dGlhbi5nYW5Ab2t0YS5jb218REk4QUZLQVBVOEYyUVRLUFZFVjl8MTYyMDA5MTM5NA==|977af80d24cab0435751cfabacd4fa0659db5b46";

    private readonly TestHttpMessageHandler _http = new();
    private readonly RecordingLog _log = new();
    private readonly InstantTimeProvider _time = new();
    private readonly HttpPipeline _pipeline;

    public IdxDuoTests() => _pipeline = new HttpPipeline(transport: _http);

    public void Dispose() => _pipeline.Dispose();

    private IdxSignIn SignIn(ScriptedInteraction ui, MfaOptions options)
    {
        var okta = new OktaClient(IdxFixtures.Org, _pipeline, _log, _time, new OktaClientOptions { ProductVersion = "1.2.3", Jitter = () => 1 });
        return new IdxSignIn(new IdxClient(IdxFixtures.Org, new HttpMessageInvoker(_http), _log), ui, _log, _time, options)
        {
            Duo = new DuoAuthenticator(okta, ui, _log, _time, options),
        };
    }

    private void DuoFrame(string status = "allow")
    {
        _http.OnRedirect("/frame/web/v1/auth", "/frame/frameless/v4/auth?sid=frameless-1&tx=TX1");
        _http.OnHtml("/frame/frameless/v4/auth", """
            <html><body><form id="plugin_form" method="POST" action="/frame/frameless/v4/auth?sid=frameless-1&amp;tx=TX1">
            <input type="hidden" name="tx" value="TX1"><input type="hidden" name="_xsrf" value="XSRF1"></form></body></html>
            """);
        _http.On(HttpMethod.Post, "/frame/frameless/v4/auth", _ => Redirect("/frame/v4/auth/prompt?sid=frameless-1"));
        _http.OnHtml("/frame/v4/auth/prompt", """
            <html><body><form id="login-form" action="/frame/v4/prompt" method="post">
            <input type="hidden" name="sid" value="frameless-1"><input type="hidden" name="_xsrf" value="XSRF1">
            <input type="hidden" name="preferred_device" value="phone1">
            <select name="device"><option value="phone1">iOS (+X XXX-XXX-1234)</option></select></form></body></html>
            """);
        _http.OnJson(HttpMethod.Post, "/frame/v4/prompt", """{"stat":"OK","response":{"txid":"TXID1"}}""");
        _http.OnJson(HttpMethod.Post, "/frame/v4/status", """{"stat":"OK","response":{"status_code":"pushed","status":"Pushed a login request to your device..."}}""");
        _http.OnJson(HttpMethod.Post, "/frame/v4/status", """{"stat":"OK","response":{"status_code":"@@","status":"...","result_url":"/frame/status/TXID1"}}""".Replace("@@", status, StringComparison.Ordinal));
        _http.OnJson(HttpMethod.Post, "/frame/status/TXID1", """{"stat":"OK","response":{"cookie":"AUTH|dGVzdFVzZXJ8REkxfDE2MjAwODgwOTQ=|0123abcd","parent":"https://acme.okta.com/"}}""");
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
    public async Task DuoPushThroughTheFramePostsDuosSignedResponseAsSignatureData()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-duo").OnIdx("/idp/idx/challenge/answer", "success");
        DuoFrame();

        var redirect = await SignIn(new ScriptedInteraction(), new MfaOptions { PreferredFactor = "duo push" }).SignInAsync("t", null, CancellationToken.None);

        Assert.Contains("stateToken=mockedStateToken123", redirect.Query, StringComparison.Ordinal);
        var frame = _http.To("/frame/web/v1/auth").Single();
        Assert.Equal(DuoHost, frame.Uri.GetLeftPart(UriPartial.Authority));
        var query = frame.Uri.Query;
        Assert.Contains("tx=TX%7CdGlhbi5nYW5Ab2t0YS5jb218REk4QUZLQVBVOEYyUVRLUFZFVjl8MTYyMDA4ODA5NA%3D%3D%7Cf619c310eaaa54c8a700ff669e87414f8078be2f&", query, StringComparison.Ordinal);
        Assert.DoesNotContain("APP", query, StringComparison.Ordinal);
        var prompt = Form(_http.To("/frame/v4/prompt").Single());
        Assert.Equal(("Duo Push", "phone1"), (prompt["factor"], prompt["device"]));
        Assert.False(prompt.ContainsKey("postAuthDestination"));
        Assert.Equal("frameless-1", Form(_http.To("/frame/status/TXID1").Single())["sid"]);
        var answer = IdxFixtures.Body(_http.To("/idp/idx/challenge/answer").Single());
        Assert.Equal("AUTH|dGVzdFVzZXJ8REkxfDE2MjAwODgwOTQ=|0123abcd:" + AppHalf, (string?)answer["credentials"]!["signatureData"]);
        Assert.Equal("02.authenticator-verification-duo", (string?)answer["stateHandle"]);
        Assert.Contains(_log.Lines, l => l is ("INFO", "Duo Push sent to iOS (+X XXX-XXX-1234); approve it on your phone"));
        Assert.Empty(_http.To("/frame/v4/oidc/exit"));
    }

    [Fact]
    public async Task WithoutAPreferenceDuosOwnMethodsAreTheMenu()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-duo").OnIdx("/idp/idx/challenge/answer", "success");
        DuoFrame();
        var ui = new ScriptedInteraction("1");

        await SignIn(ui, new MfaOptions()).SignInAsync("t", null, CancellationToken.None);

        Assert.Equal("Select an MFA factor", ui.Menus.Single());
        Assert.Equal("Phone Call", Form(_http.To("/frame/v4/prompt").Single())["factor"]);
    }

    [Fact]
    public async Task DeniedAtDuoIsMfaFailedAndNothingIsPostedToOkta()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-duo");
        DuoFrame("deny");

        var e = await Assert.ThrowsAsync<KeymanException>(() => SignIn(new ScriptedInteraction(), new MfaOptions { PreferredFactor = "duo push" }).SignInAsync("t", null, CancellationToken.None));

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.StartsWith("Duo Push was denied", e.Message, StringComparison.Ordinal);
        Assert.Empty(_http.To("/idp/idx/challenge/answer"));
    }

    [Fact]
    public async Task OktaRefusingDuosSignatureIsMfaFailedInOktasWords()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-duo")
            .OnIdx("/idp/idx/challenge/answer", "error-authenticator-duo-verification-failed", HttpStatusCode.BadRequest);
        DuoFrame();

        var e = await Assert.ThrowsAsync<KeymanException>(() => SignIn(new ScriptedInteraction(), new MfaOptions { PreferredFactor = "duo push" }).SignInAsync("t", null, CancellationToken.None));

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Equal("Okta did not accept Duo's answer: Duo web signature verification failed.", e.Message);
    }

    [Fact]
    public void TheDuoOptionOfTheMenuBecomesDuosThreeMethods()
    {
        var response = System.Text.Json.JsonSerializer.Deserialize(IdxFixtures.Load("authenticator-verification-duo"), IdxJsonContext.Default.IdxResponse)!;
        var choices = IdxChoice.From(response, response.Form("select-authenticator-authenticate")!);

        Assert.Equal(["Duo Push", "Duo phone call", "Duo passcode"], choices.Where(c => !c.IsPassword).Select(c => c.Factor.Description));
        Assert.All(choices.Where(c => !c.IsPassword), c => Assert.Equal(FactorKind.Duo, c.Factor.Kind));
        Assert.True(choices[0].Factor.Matches("DUO push"));
        Assert.Equal("idp", choices[0].FormValues()["methodType"]);
    }

    [Theory]
    [InlineData("api-1232.duosecurity.com:8443", null)]
    [InlineData("https://api-1232.duosecurity.com", "not a host name")]
    [InlineData("api-1232.duosecurity.com/frame", "not a host name")]
    [InlineData("", "not a host name")]
    public void DuosHostIsABareHostNameUsedOverHttps(string host, string? refusal)
    {
        var okta = new OktaClient(IdxFixtures.Org, _pipeline, _log, _time, new OktaClientOptions { ProductVersion = "1.2.3" });
        if (refusal is null)
        {
            Assert.Equal("https://" + host + "/", DuoBrowser.ForHost(okta, _log, host).DuoOrigin!.AbsoluteUri);
        }
        else
        {
            Assert.Contains(refusal, Assert.Throws<KeymanException>(() => DuoBrowser.ForHost(okta, _log, host)).Message, StringComparison.Ordinal);
        }
    }
}
