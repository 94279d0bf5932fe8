using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using Keyman.Core;
using Keyman.Core.Okta.Idx;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Idx;

/// <summary>The Identity Engine's parsers over generated input: the sign-in page's state token and IDX answers.</summary>
public sealed class IdxPropertyTests
{
    // State handles as Okta makes them ("02." + base64url), plus the characters a page must escape.
    private static readonly Gen<string> Token = Gen.Frequency(
        (8, Gen.Char["0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_."]),
        (2, Gen.OneOf('"', '\'', '\\', '/', '<', '>', '&', ' ', 'é', '\u2028', '\t')))
        .Array[1, 60].Select(chars => new string(chars));

    /// <summary>How a server may write one character inside a JavaScript string literal.</summary>
    private static readonly Gen<int> Style = Gen.Int[0, 2];

    private static string Escape(string token, int[] styles, char quote)
    {
        var text = new StringBuilder();
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            var mustEscape = c == quote || c is '\\' or '<' or '>' or '&' or '\u2028' or '\t';
            switch (mustEscape ? Math.Max(1, styles[i % styles.Length]) : styles[i % styles.Length])
            {
                case 0:
                    text.Append(c);
                    break;
                case 1 when c <= 0xFF:
                    text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
            }
        }

        return text.ToString();
    }

    [Fact]
    public void Property_the_state_token_written_in_any_escaping_reads_back()
    {
        Gen.Select(Token, Style.Array[1, 8], Gen.OneOf('"', '\''), Gen.Bool).Sample((token, styles, quote, spaced) =>
        {
            var literal = quote + Escape(token, styles, quote) + quote;
            var html = $"<html><body><script>var x = 1;</script><script type=\"text/javascript\">\nvar oktaData = {{\"signIn\":{{\"baseUrl\":\"https://acme.okta.com\",\"stateToken\"{(spaced ? " : " : ":")}{literal},\"consent\":{{}}}}}};\n</script></body></html>";

            Assert.Equal(token, IdxSignInPage.FindStateToken(html));
        }, iter: 2000);
    }

    [Fact]
    public void Property_any_page_text_is_a_token_null_or_a_keyman_exception()
    {
        var pieces = Gen.OneOf("<script>", "</script>", "\"stateToken\"", ":", " ", "\"", "'", "\\", "\\x4", "\\u00", "41", "\n", "<div>", "abc", "&quot;", "<!--", "-->");
        pieces.Array[0, 40].Select(string.Concat).Sample(html =>
        {
            try
            {
                _ = IdxSignInPage.FindStateToken(html);
            }
            catch (KeymanException e)
            {
                Assert.Equal(ExitCodes.OktaError, e.ExitCode);
            }
        }, iter: 3000);
    }

    [Fact]
    public async Task Property_any_idx_answer_ends_in_a_redirect_or_a_keyman_exception()
    {
        // Captured answers cut and spliced: every outcome of a sign-in walk is the success redirect or Keyman's own error.
        string[] fixtures = ["identify", "authenticator-verification-password", "authenticator-verification-select-authenticator",
            "authenticator-verification-okta-verify-push", "authenticator-verification-number-challenge", "success",
            "error-authenticator-verify-password", "authenticator-verification-security-question"];
        var bodies = fixtures.Select(f => Encoding.UTF8.GetBytes(IdxFixtures.Load(f))).ToArray();
        var inputs = Gen.Select(Gen.Int[0, bodies.Length - 1], Gen.Int[0, bodies.Length - 1], Gen.Double[0, 1], Gen.Double[0, 1],
            Gen.OneOf(HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden));
        foreach (var (a, b, cutA, cutB, status) in inputs.Array[40].Single())
        {
            var first = bodies[a].AsSpan(0, (int)(bodies[a].Length * cutA)).ToArray();
            var body = first.Concat(bodies[b].AsSpan((int)(bodies[b].Length * cutB)).ToArray()).ToArray();
            using var http = new HttpMessageInvoker(new EveryRequest(body, status));
            var log = new RecordingLog();
            var signIn = new IdxSignIn(new IdxClient(IdxFixtures.Org, http, log), new Answering(), log,
                new InstantTimeProvider(), new Keyman.Core.Okta.MfaOptions { PushTimeout = TimeSpan.Zero });
            try
            {
                var redirect = await signIn.SignInAsync("state", new IdxCredentials("alice@example.com", "pw"), CancellationToken.None);
                Assert.Equal(IdxFixtures.Org.Host, redirect.Host);
            }
            catch (KeymanException)
            {
            }
        }
    }

    /// <summary>Answers every request, whatever its path, with the same body.</summary>
    private sealed class EveryRequest(byte[] body, HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/ion+json");
            return Task.FromResult(new HttpResponseMessage(status) { Content = content });
        }
    }

    /// <summary>A user who always answers: a code for every prompt, the first entry of every menu.</summary>
    private sealed class Answering : Keyman.Core.Ui.IInteraction
    {
        public bool CanPrompt => true;

        public Task<string> AskAsync(string prompt, bool secret, CancellationToken cancellationToken) => Task.FromResult("123456");

        public Task<int> ChooseAsync(string title, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, CancellationToken cancellationToken) =>
            Task.FromResult(0);
    }
}
