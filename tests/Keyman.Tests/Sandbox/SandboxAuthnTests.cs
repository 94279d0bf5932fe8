using System.Net;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

public sealed class SandboxAuthnTests : SandboxTestBase
{
    private static void AssertOktaError(HttpStatusCode expectedStatus, string code, (HttpStatusCode Status, JsonNode Body, HttpResponseMessage _) r)
    {
        Assert.Equal(expectedStatus, r.Status);
        Assert.Equal(code, (string?)r.Body["errorCode"]);
        Assert.Equal(code, (string?)r.Body["errorLink"]);
        Assert.NotNull((string?)r.Body["errorSummary"]);
        Assert.StartsWith("oae", (string?)r.Body["errorId"]);
        Assert.IsType<JsonArray>(r.Body["errorCauses"]);
    }

    [Fact]
    public async Task Wrong_password_is_401_E0000004()
    {
        AssertOktaError(HttpStatusCode.Unauthorized, "E0000004", await Authn("jane@example.com", "wrong"));
        AssertOktaError(HttpStatusCode.Unauthorized, "E0000004", await Authn("nobody@example.com"));
    }

    [Fact]
    public async Task User_without_mfa_gets_success_with_one_time_session_token_and_profile()
    {
        var (status, body, _) = await Authn("nomfa@example.com");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SUCCESS", (string?)body["status"]);
        Assert.StartsWith("20111", (string?)body["sessionToken"]);
        Assert.Equal("Noah", (string?)body["_embedded"]!["user"]!["profile"]!["firstName"]);
        Assert.Equal("nomfa@example.com", (string?)body["_embedded"]!["user"]!["profile"]!["login"]);
        var expiresAt = DateTimeOffset.Parse((string)body["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - Clock.GetUtcNow(), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1));
    }

    [Fact]
    public async Task Jane_gets_mfa_required_with_plural_factors_and_absolute_verify_links()
    {
        var (status, body, _) = await Authn("jane@example.com");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("MFA_REQUIRED", (string?)body["status"]);
        Assert.StartsWith("00", (string?)body["stateToken"]);
        Assert.Null(body["_embedded"]!["factor"]);
        var factors = body["_embedded"]!["factors"]!.AsArray();
        var kinds = factors.Select(f => $"{f!["provider"]} {f["factorType"]}").ToList();
        Assert.Equal(
            ["OKTA push", "GOOGLE token:software:totp", "OKTA token:software:totp", "OKTA sms", "OKTA call", "OKTA email", "OKTA question", "YUBICO token:hardware", "RSA token"],
            kinds);
        foreach (var factor in factors)
        {
            Assert.Equal($"{Base}/api/v1/authn/factors/{factor!["id"]}/verify", (string?)factor["_links"]!["verify"]!["href"]);
        }

        Assert.Equal("What is the food you least liked as a child?", (string?)factors[6]!["profile"]!["questionText"]);
    }

    [Theory]
    [InlineData("locked@example.com", "LOCKED_OUT")]
    [InlineData("expired@example.com", "PASSWORD_EXPIRED")]
    [InlineData("enroll@example.com", "MFA_ENROLL")]
    public async Task Special_users_get_their_status(string login, string expected)
    {
        var (status, body, _) = await Authn(login);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, (string?)body["status"]);
        Assert.Null(body["sessionToken"]);
        switch (expected)
        {
            case "LOCKED_OUT":
                Assert.Equal("unlock", (string?)body["_links"]!["next"]!["name"]);
                break;
            case "PASSWORD_EXPIRED":
                Assert.Equal("changePassword", (string?)body["_links"]!["next"]!["name"]);
                Assert.NotNull(body["_embedded"]!["policy"]!["complexity"]);
                break;
            case "MFA_ENROLL":
                Assert.NotEmpty(body["_embedded"]!["factors"]!.AsArray());
                break;
        }
    }

    [Fact]
    public async Task State_token_alone_returns_the_transaction_and_expires()
    {
        var (_, first, _) = await Authn("jane@example.com");
        var (status, again, _) = await PostJson("/api/v1/authn", new { stateToken = (string)first["stateToken"]! });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("MFA_REQUIRED", (string?)again["status"]);

        AssertOktaError(HttpStatusCode.Unauthorized, "E0000011", await PostJson("/api/v1/authn", new { stateToken = "00bogus" }));
        Clock.Advance(TimeSpan.FromSeconds(301));
        AssertOktaError(HttpStatusCode.Unauthorized, "E0000011", await PostJson("/api/v1/authn", new { stateToken = (string)first["stateToken"]! }));
        AssertOktaError(HttpStatusCode.Unauthorized, "E0000011", await Verify(first, "uft1janeGoogleTotp01", new { passCode = "123456" }));
    }

    [Theory]
    [InlineData("uft1janeGoogleTotp01", "GOOGLE")]
    [InlineData("ost1janeOktaTotp0001", "OKTA")]
    public async Task Totp_accepts_current_code_rejects_wrong_and_replayed(string factorId, string provider)
    {
        var (_, tx, _) = await Authn("jane@example.com");
        AssertOktaError(HttpStatusCode.Forbidden, "E0000068", await Verify(tx, factorId, new { passCode = "000000" == await TotpCode("jane@example.com", provider) ? "111111" : "000000" }));

        var code = await TotpCode("jane@example.com", provider);
        var (status, success, _) = await Verify(tx, factorId, new { passCode = code });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SUCCESS", (string?)success["status"]);
        Assert.NotNull((string?)success["sessionToken"]);

        var (_, tx2, _) = await Authn("jane@example.com");
        var replay = await Verify(tx2, factorId, new { passCode = code });
        AssertOktaError(HttpStatusCode.Forbidden, "E0000068", replay);
        Assert.Contains("only be used once", (string?)replay.Body["errorCauses"]![0]!["errorSummary"]);
    }

    [Fact]
    public async Task Totp_code_from_previous_step_is_accepted()
    {
        var code = await TotpCode("jane@example.com", "GOOGLE");
        Clock.Advance(TimeSpan.FromSeconds(30));
        var (_, tx, _) = await Authn("jane@example.com");
        Assert.Equal("SUCCESS", (string?)(await Verify(tx, "uft1janeGoogleTotp01", new { passCode = code })).Body["status"]);
    }

    [Fact]
    public async Task Question_answer_is_checked()
    {
        var (_, tx, _) = await Authn("jane@example.com");
        AssertOktaError(HttpStatusCode.Forbidden, "E0000068", await Verify(tx, "ufs1janeQuestion0001", new { answer = "ketchup" }));
        Assert.Equal("SUCCESS", (string?)(await Verify(tx, "ufs1janeQuestion0001", new { answer = "Mayonnaise" })).Body["status"]);
    }

    [Theory]
    [InlineData("ykf1janeYubikey00001", "cccccckdvvulgjvtkjdhtlrbjjctggdihuevikehtlil")]
    [InlineData("rsa1janeRsaToken0001", "135724")]
    public async Task Hardware_and_rsa_codes_work_once(string factorId, string code)
    {
        var (_, tx, _) = await Authn("jane@example.com");
        AssertOktaError(HttpStatusCode.Forbidden, "E0000068", await Verify(tx, factorId, new { passCode = "999999" }));
        Assert.Equal("SUCCESS", (string?)(await Verify(tx, factorId, new { passCode = code })).Body["status"]);
        var (_, tx2, _) = await Authn("jane@example.com");
        AssertOktaError(HttpStatusCode.Forbidden, "E0000068", await Verify(tx2, factorId, new { passCode = code }));
    }

    [Theory]
    [InlineData("sms1janeSms000000001", "sms")]
    [InlineData("clf1janeCall00000001", "call")]
    [InlineData("emf1janeEmail0000001", "email")]
    public async Task Sms_call_email_send_a_code_to_the_outbox_then_verify_it(string factorId, string type)
    {
        var (_, tx, _) = await Authn("jane@example.com");
        var (status, challenge, _) = await Verify(tx, factorId);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("MFA_CHALLENGE", (string?)challenge["status"]);
        Assert.Equal(factorId, (string?)challenge["_embedded"]!["factor"]!["id"]);
        Assert.Equal("verify", (string?)challenge["_links"]!["next"]!["name"]);
        Assert.Equal($"{Base}/api/v1/authn/factors/{factorId}/verify", (string?)challenge["_links"]!["next"]!["href"]);
        Assert.Equal($"{Base}/api/v1/authn/factors/{factorId}/verify/resend", (string?)challenge["_links"]!["resend"]![0]!["href"]);

        var outbox = JsonNode.Parse(await Http.GetStringAsync("/_sandbox/outbox?user=jane@example.com"))!.AsArray();
        var first = (string)outbox.Single()!["code"]!;
        Assert.Equal(type, (string?)outbox[0]!["factorType"]);

        var (resendStatus, _, _) = await PostJson($"/api/v1/authn/factors/{factorId}/verify/resend", new { stateToken = (string)tx["stateToken"]! });
        Assert.Equal(HttpStatusCode.OK, resendStatus);
        outbox = JsonNode.Parse(await Http.GetStringAsync("/_sandbox/outbox?user=jane@example.com"))!.AsArray();
        Assert.Equal(2, outbox.Count);
        var second = (string)outbox[1]!["code"]!;

        AssertOktaError(HttpStatusCode.Forbidden, "E0000068", await Verify(tx, factorId, new { passCode = second == "000000" ? "000001" : "000000" }));
        var (_, success, _) = await Verify(tx, factorId, new { passCode = second });
        Assert.Equal("SUCCESS", (string?)success["status"]);
        Assert.Matches("^[0-9]{6}$", first);
    }

    [Fact]
    public async Task Push_waits_with_number_challenge_then_approves_on_second_poll()
    {
        var (_, tx, _) = await Authn("jane@example.com");
        var (_, sent, _) = await Verify(tx, "opf1janePushOkta0001");
        Assert.Equal("MFA_CHALLENGE", (string?)sent["status"]);
        Assert.Equal("WAITING", (string?)sent["factorResult"]);
        Assert.Equal("poll", (string?)sent["_links"]!["next"]!["name"]);
        Assert.Equal(42, (int?)sent["_embedded"]!["factor"]!["_embedded"]!["challenge"]!["correctAnswer"]);

        var poll = (string)sent["_links"]!["next"]!["href"]!;
        var (_, first, _) = await PostJson(poll, new { stateToken = (string)tx["stateToken"]! });
        Assert.Equal("WAITING", (string?)first["factorResult"]);
        var (_, second, _) = await PostJson(poll, new { stateToken = (string)tx["stateToken"]! });
        Assert.Equal("SUCCESS", (string?)second["status"]);
        Assert.NotNull((string?)second["sessionToken"]);
    }

    [Theory]
    [InlineData("pushreject@example.com", "opf8rexPushOkta00001", "REJECTED", 1)]
    [InlineData("pushtimeout@example.com", "opf9timPushOkta00001", "TIMEOUT", 3)]
    public async Task Push_can_be_rejected_or_time_out(string login, string factorId, string result, int polls)
    {
        var (_, tx, _) = await Authn(login);
        await Verify(tx, factorId);
        JsonNode last = new JsonObject();
        for (var i = 0; i < polls; i++)
        {
            last = (await Verify(tx, factorId)).Body;
        }

        Assert.Equal("MFA_CHALLENGE", (string?)last["status"]);
        Assert.Equal(result, (string?)last["factorResult"]);
        Assert.Equal("verify", (string?)last["_links"]!["next"]!["name"]);
        Assert.Null(last["sessionToken"]);
    }

    [Fact]
    public async Task Manual_push_waits_until_approved_through_the_control_endpoint()
    {
        var (_, tx, _) = await Authn("pushmanual@example.com");
        await Verify(tx, "opf10mannyPushOkta01");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("WAITING", (string?)(await Verify(tx, "opf10mannyPushOkta01")).Body["factorResult"]);
        }

        var (status, _, _) = await PostJson("/_sandbox/push", new { user = "pushmanual@example.com", action = "approve" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SUCCESS", (string?)(await Verify(tx, "opf10mannyPushOkta01")).Body["status"]);
    }

    [Fact]
    public async Task Webauthn_gives_a_challenge_that_no_client_can_answer()
    {
        var (_, tx, _) = await Authn("webauthn@example.com");
        var factor = tx["_embedded"]!["factors"]![0]!;
        Assert.Equal("webauthn", (string?)factor["factorType"]);
        Assert.Equal("FIDO", (string?)factor["provider"]);
        var (_, challenge, _) = await Verify(tx, "fwf7wendyWebauthn001");
        Assert.Equal("CHALLENGE", (string?)challenge["factorResult"]);
        Assert.NotNull((string?)challenge["_embedded"]!["factor"]!["_embedded"]!["challenge"]!["challenge"]);
        AssertOktaError(HttpStatusCode.Forbidden, "E0000068",
            await Verify(tx, "fwf7wendyWebauthn001", new { clientData = "e30", authenticatorData = "AA", signatureData = "AA" }));
    }

    [Fact]
    public async Task Too_many_wrong_codes_lock_the_user()
    {
        var (_, tx, _) = await Authn("jane@example.com");
        for (var i = 0; i < 4; i++)
        {
            AssertOktaError(HttpStatusCode.Forbidden, "E0000068", await Verify(tx, "ufs1janeQuestion0001", new { answer = "wrong" }));
        }

        AssertOktaError(HttpStatusCode.Forbidden, "E0000069", await Verify(tx, "ufs1janeQuestion0001", new { answer = "wrong" }));
        var (_, after, _) = await Authn("jane@example.com");
        Assert.Equal("LOCKED_OUT", (string?)after["status"]);
    }

    [Fact]
    public async Task Unknown_factor_is_404_and_missing_state_token_is_400()
    {
        var (_, tx, _) = await Authn("jane@example.com");
        AssertOktaError(HttpStatusCode.NotFound, "E0000007", await Verify(tx, "nope00000000000000", new { passCode = "1" }));
        AssertOktaError(HttpStatusCode.BadRequest, "E0000001", await PostJson("/api/v1/authn/factors/ufs1janeQuestion0001/verify", new { answer = "x" }));
    }
}
