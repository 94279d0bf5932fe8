using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using Keyman.Core;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Duo;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Duo;

/// <summary>Duo's page and JSON readers over generated and spliced input: a result or Keyman's own error, nothing else.</summary>
public sealed class DuoPropertyTests
{
    private const string DuoHost = "api-1234abcd.duosecurity.com";

    // Answers shaped like Duo's (the sandbox's Duo emulation and gimme-aws-creds' fixtures), to cut and splice.
    private static readonly string[] Answers =
    [
        """<html><body><form id="plugin_form" method="POST" action="/frame/frameless/v4/auth?sid=frameless-1&amp;tx=TX1"><input type="hidden" name="tx" value="TX1"><input type="hidden" name="_xsrf" value="XSRF1"></form></body></html>""",
        """<html><body><form id="login-form" action="/frame/prompt" method="post"><input type="hidden" name="sid" value="frameless-1"><input type="hidden" name="preferred_device" value="phone2"><select name="device"><option value="phone1">Android</option><option value="phone2">iOS</option></select></form></body></html>""",
        """<html><body><div id="app" data-akey="DAK1EXAMPLE" data-authkey="authkey-1"></div></body></html>""",
        """{"stat":"OK","response":{"txid":"TXID1"}}""",
        """{"stat":"OK","response":{"status_code":"pushed","status":"Pushed a login request to your device...","step_up_code":"123"}}""",
        """{"stat":"OK","response":{"status_code":"allow","status":"Success. Logging you in...","result_url":"/frame/status/TXID1"}}""",
        """{"stat":"OK","response":{"cookie":"AUTH|amFuZQ==|1700000000|sig","parent":"https://acme.okta.com/"}}""",
        """{"stat":"FAIL","code":40002,"message":"Invalid passcode","message_enum":57}""",
        """{"stat":"OK","response":{"auth_factors_context":{"available_unified_auth_factors":{"factors":[{"factor_type":"push","device_info":{"pkey":"DPK1","name":"iPhone"}},{"factor_type":"phone_call","phone_info":{"pkey":"DPK2","end_of_number":"0002"}}]}}}}""",
        """{"stat":"OK","response":{"result":{"result":"SUCCESS","status_code":"allow","reason":"user_approved"}}}""",
        """{"stat":"OK","response":{"url":"https://acme.okta.com/oauth2/v1/authorize/callback?state=S1&code=C1"}}""",
    ];

    private static readonly Gen<string> Spliced = Gen.Select(Gen.Int[0, Answers.Length - 1], Gen.Int[0, Answers.Length - 1], Gen.Double[0, 1], Gen.Double[0, 1])
        .Select((a, b, cutA, cutB) => Answers[a][..(int)(Answers[a].Length * cutA)] + Answers[b][(int)(Answers[b].Length * cutB)..]);

    // Pieces that stress the readers: JSON and HTML structure, escapes (lone surrogates among them), URLs that do not parse.
    private static readonly Gen<string> Pieces = Gen.OneOf("{", "}", "[", "]", ":", ",", "\"stat\"", "\"OK\"", "\"response\"", "\"txid\"", "\"status_code\"",
        "\"allow\"", "\"result_url\"", "\"http://[x\"", "\"\\ud800\"", "\"\\udc00x\"", "1e999", "null", "<form id=\"login-form\" action=\"", "http://[bad",
        "\">", "<input name=\"sid\" value=\"", "<select name=\"device\"><option value=\"", "</form>", "&#xD800;", "data-akey=\"A1\" data-authkey=\"k\"", " ")
        .Array[0, 30].Select(string.Concat);

    private static readonly Gen<string> Input = Gen.Frequency((3, Spliced), (2, Pieces));

    [Fact]
    public void Property_any_answer_is_a_duo_json_or_a_keyman_exception()
    {
        Input.Sample(body =>
        {
            var page = new DuoBrowser.Page(new Uri($"https://{DuoHost}/frame/prompt"), HttpStatusCode.OK, body, null);
            try
            {
                var answer = DuoJson.Parse(page, "the prompt");
                Assert.All(answer.Response.Values, Assert.NotNull);
            }
            catch (KeymanException e)
            {
                Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
            }
        }, iter: 3000);
    }

    [Fact]
    public void Property_any_page_is_a_form_or_none()
    {
        Input.Sample(html =>
        {
            var pageUrl = new Uri($"https://{DuoHost}/frame/frameless/v4/auth?sid=1");
            foreach (var id in new[] { "plugin_form", "login-form" })
            {
                if (DuoForm.Find(html, pageUrl, id) is { } form)
                {
                    Assert.True(form.Action.IsAbsoluteUri);
                    Assert.All(form.Devices, d => Assert.NotEmpty(d.Key));
                }
            }
        }, iter: 1500);
    }

    [Fact]
    public async Task Property_any_conversation_ends_in_a_signed_answer_or_a_keyman_exception()
    {
        // Duo Web's frame and the single-page prompt, each request answered by the next generated body.
        foreach (var (bodies, method) in Gen.Select(Input.Array[1, 8], Gen.OneOf(DuoMethods.All)).Array[60].Single())
        {
            using var handler = new InTurn(bodies);
            using var pipeline = new HttpPipeline(transport: handler);
            var log = new RecordingLog();
            var time = new InstantTimeProvider();
            using var okta = new OktaClient(new Uri(OktaFixtures.Base), pipeline, log, time, new OktaClientOptions { MaxAttempts = 1 });
            var duo = new DuoAuthenticator(okta, new ScriptedInteraction(["123456", "123456"]), log, time,
                new MfaOptions { PushTimeout = TimeSpan.FromSeconds(5), PushPollInterval = TimeSpan.FromSeconds(1), MaxCodeAttempts = 2 });
            try
            {
                var signed = await duo.SignFrameAsync(DuoHost, "TX|dGVzdA==|sig:APP|YXBw|sig", method, CancellationToken.None);
                Assert.StartsWith("AUTH|", signed, StringComparison.Ordinal);
                Assert.EndsWith(":APP|YXBw|sig", signed, StringComparison.Ordinal);
            }
            catch (KeymanException)
            {
            }

            var browser = DuoBrowser.ForHost(okta, log, DuoHost);
            if (DuoSinglePage.Find(browser, new DuoBrowser.Page(browser.Duo("frame/frameless/v4/auth"), HttpStatusCode.OK, bodies[0], null)) is { } page)
            {
                try
                {
                    _ = await page.OpenAsync(CancellationToken.None);
                    _ = await page.FinalizeAsync(CancellationToken.None);
                }
                catch (KeymanException)
                {
                }
            }
        }
    }

    /// <summary>Answers the requests, whatever their path, with the bodies in turn; the last one again and again.</summary>
    private sealed class InTurn(string[] bodies) : HttpMessageHandler
    {
        private int _next;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = bodies[Math.Min(_next++, bodies.Length - 1)];
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue(body.StartsWith('{') ? "application/json" : "text/html");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
