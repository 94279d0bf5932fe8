using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Duo;

namespace Keyman.Tests.Okta.Duo;

/// <summary>Inputs for the duo fuzz target (tests/Keyman.Fuzz) that escaped as something other than a KeymanException.</summary>
public sealed class DuoFuzzRegressionTests
{
    private const string DuoHost = "api-1234abcd.duosecurity.com";
    private const string SignedRequest = "TX|dGVzdA==|sig:APP|YXBw|sig";

    private const string LoginPage = """
        <html><body><form id="login-form" action="/frame/prompt" method="post">
        <input type="hidden" name="sid" value="frameless-1"><input type="hidden" name="_xsrf" value="XSRF1">
        <select name="device"><option value="phone1">Android (+X XXX-XXX-0001)</option></select>
        </form></body></html>
        """;

    private static string PluginPage(string action) => $"""
        <html><body><form id="plugin_form" method="POST" action="{action}"><input type="hidden" name="tx" value="TX1"></form></body></html>
        """;

    /// <summary>Duo Web's frame up to the login form, as the Identity Engine's Duo authenticator opens it.</summary>
    private static OktaHarness Frame(string? pluginAction = null)
    {
        var h = new OktaHarness();
        h.Handler.OnHtml("/frame/web/v1/auth", PluginPage(pluginAction ?? "/frame/frameless/v4/auth?sid=frameless-1"));
        h.Handler.On(HttpMethod.Post, "/frame/frameless/v4/auth", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(LoginPage, Encoding.UTF8, "text/html") });
        return h;
    }

    private static Task<string> SignFrame(OktaHarness h) =>
        new DuoAuthenticator(h.Client, h.Interaction, h.Log, h.Time, new MfaOptions { PushTimeout = TimeSpan.FromSeconds(30) })
            .SignFrameAsync(DuoHost, SignedRequest, DuoMethod.Push, CancellationToken.None);

    [Fact]
    public async Task A_form_action_that_is_no_url_is_an_unknown_prompt_not_a_crash()
    {
        // A form action Uri cannot parse threw UriFormatException out of DuoForm.Find.
        using var h = Frame(pluginAction: "http://[bad");

        var e = await Assert.ThrowsAsync<KeymanException>(() => SignFrame(h));

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Contains("is not the one Keyman knows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_txid_with_an_unpaired_surrogate_escape_is_a_duo_error_not_a_crash()
    {
        // Valid JSON ("\ud800") that no string can hold threw InvalidOperationException out of DuoJson.Parse.
        using var h = Frame();
        h.Handler.OnJson(HttpMethod.Post, "/frame/prompt", """{"stat":"OK","response":{"txid":"TX\ud800"}}""");

        var e = await Assert.ThrowsAsync<KeymanException>(() => SignFrame(h));

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Contains("not the JSON Keyman expects", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_url_that_is_no_url_is_a_missing_signed_answer_not_a_crash()
    {
        // An allow verdict whose result_url Uri cannot parse threw UriFormatException out of DuoFrame.ResultAsync.
        using var h = Frame();
        h.Handler.OnJson(HttpMethod.Post, "/frame/prompt", """{"stat":"OK","response":{"txid":"TXID1"}}""");
        h.Handler.OnJson(HttpMethod.Post, "/frame/v4/status", """{"stat":"OK","response":{"status_code":"allow","result_url":"http://[bad"}}""");

        var e = await Assert.ThrowsAsync<KeymanException>(() => SignFrame(h));

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Contains("gave no signed answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_page_device_key_with_an_unpaired_surrogate_escape_is_a_duo_error_not_a_crash()
    {
        // The single-page prompt's factor list read a pkey "\udc00" and threw InvalidOperationException from DuoSinglePage.
        using var h = new OktaHarness();
        var browser = DuoBrowser.ForHost(h.Client, h.Log, DuoHost);
        var page = DuoSinglePage.Find(browser, new DuoBrowser.Page(browser.Duo("frame/frameless/v4/auth"), HttpStatusCode.OK,
            """<div data-akey="DAK1" data-authkey="authkey-1"></div>""", null))!;
        h.Handler.OnJson(HttpMethod.Get, "/prompt/DAK1/pre_authn/initialization", """{"stat":"OK","response":{}}""");
        h.Handler.OnJson(HttpMethod.Get, "/prompt/DAK1/pre_authn/evaluation", """{"stat":"OK","response":{}}""");
        h.Handler.OnJson(HttpMethod.Get, "/prompt/DAK1/auth/payload",
            """{"stat":"OK","response":{"auth_factors_context":{"available_unified_auth_factors":{"factors":[{"factor_type":"push","device_info":{"pkey":"DPK\udc00","name":"iPhone"}}]}}}}""");

        var e = await Assert.ThrowsAsync<KeymanException>(() => page.OpenAsync(CancellationToken.None));

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
    }
}
