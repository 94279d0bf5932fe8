using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Keyman.Core;
using Keyman.Core.Okta.Idx;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Idx;

/// <summary>Inputs the idx-json fuzz target (tests/Keyman.Fuzz) found escaping as something other than a KeymanException.</summary>
public sealed class IdxFuzzRegressionTests
{
    [Fact]
    public async Task An_answer_that_is_not_utf8_is_an_okta_error_not_a_crash()
    {
        // AFL (idx-json, 13,775 runs): a byte of the poll answer became invalid UTF-8; the answer deserialized
        // (contextualData is kept as JsonElements) and reading the number challenge later threw InvalidOperationException.
        var json = Encoding.UTF8.GetBytes(IdxFixtures.Load("authenticator-verification-number-challenge"));
        json[json.AsSpan().IndexOf("\"correctAnswer\": \"10\""u8) + 18] = 0xFF;
        var http = new TestHttpMessageHandler();
        http.On(HttpMethod.Post, "/idp/idx/introspect", _ =>
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/ion+json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        var log = new RecordingLog();
        var signIn = new IdxSignIn(new IdxClient(IdxFixtures.Org, new HttpMessageInvoker(http), log), new ScriptedInteraction(), log, new InstantTimeProvider());

        var e = await Assert.ThrowsAsync<KeymanException>(() => signIn.SignInAsync("state-token", new IdxCredentials("alice@example.com", "pw"), CancellationToken.None));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
    }

    [Fact]
    public void A_field_the_answer_gives_without_its_sub_form_is_an_okta_error_not_a_crash()
    {
        // AFL (idx-json, CI run, 73,688 runs): "credentials" lost its "form" in a mutated identify answer; filling it
        // with the password threw ArgumentException.
        var fields = new[] { new IdxField { Name = "identifier" }, new IdxField { Name = "credentials" } };
        var values = new Dictionary<string, object?> { ["credentials"] = new Dictionary<string, object?> { ["passcode"] = "pw" } };

        var e = Assert.Throws<KeymanException>(() => IdxFormBody.Build("identify", fields, values));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.DoesNotContain("pw", e.Message, StringComparison.Ordinal);
    }
}
