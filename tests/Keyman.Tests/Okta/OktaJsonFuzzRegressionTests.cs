using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Keyman.Core;
using static Keyman.Tests.Okta.OktaFixtures;

namespace Keyman.Tests.Okta;

/// <summary>Inputs the okta-json fuzz target (tests/Keyman.Fuzz) found escaping as something other than a KeymanException.</summary>
public class OktaJsonFuzzRegressionTests
{
    private static void OnRawJson(OktaHarness h, byte[] body) =>
        h.Handler.On(HttpMethod.Post, "/api/v1/authn", _ =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });

    [Fact]
    public async Task Invalid_utf8_inside_the_challenged_factor_is_an_okta_error()
    {
        // AFL's finding: one byte of "opfpush123" became 0x87, which is not UTF-8. The transaction itself reads, since
        // _embedded.factor is kept as a raw element; reading the factor from it failed with a JsonException.
        var body = Encoding.UTF8.GetBytes("""{"stateToken":"00stateTOKEN","status":"MFA_CHALLENGE","factorResult":"WAITING","_embedded":{"factor":{"id":"opfp?sh123","factorType":"push","provider":"OKTA"}},"_links":{"next":{"href":"https://acme.okta.com/api/v1/authn/factors/opfpush123/verify"}}}""");
        body[Array.IndexOf(body, (byte)'?')] = 0x87;
        using var h = new OktaHarness();
        OnRawJson(h, body);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("_embedded.factor", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":7,"factorType":"push"}""")]
    [InlineData("""[{"factorType":["push"]}]""")]
    [InlineData("""{"_links":{"verify":"https://acme.okta.com/x"}}""")]
    public async Task A_challenged_factor_of_the_wrong_shape_is_an_okta_error(string factor)
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", F("""{"stateToken":"@@0@@","status":"MFA_REQUIRED","_embedded":{"factor":@@1@@}}""", StateToken, factor));

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.DoesNotContain(StateToken, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resend_link_of_the_wrong_shape_reads_as_no_resend()
    {
        using var h = new OktaHarness(answers: ["resend", "123456"]);
        h.MfaRequired(Sms);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("smsfactor123"),
            F("""{"stateToken":"@@0@@","status":"MFA_CHALLENGE","_embedded":{"factor":@@1@@},"_links":{"resend":[{"name":"sms","href":42}]}}""", StateToken, Sms));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("smsfactor123"), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Okta offers no way to resend this code"));
    }
}
