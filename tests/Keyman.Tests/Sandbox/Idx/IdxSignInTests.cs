using System.Net;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;

namespace Keyman.Tests.Sandbox.Idx;

/// <summary>Terminal sign-in journeys on the Identity Engine org, asserting the widget mocks' wire shapes.</summary>
public sealed class IdxSignInTests : IdxTestBase
{
    [Fact]
    public async Task Well_known_organization_says_idx_here_and_v1_on_a_classic_org()
    {
        var oie = JsonNode.Parse(await Http.GetStringAsync("/.well-known/okta-organization"))!;
        Assert.Equal("idx", (string?)oie["pipeline"]);
        Assert.Equal("00o1sandboxOieOrg001", (string?)oie["id"]);
        Assert.NotNull(oie["_links"]?["organization"]?["href"]);

        await using var classic = await SandboxHost.StartAsync(new SandboxOptions());
        using var client = new HttpClient();
        var v1 = JsonNode.Parse(await client.GetStringAsync(classic.BaseUrl + "/.well-known/okta-organization"))!;
        Assert.Equal("v1", (string?)v1["pipeline"]);
    }

    [Fact]
    public async Task App_link_without_a_session_answers_the_sign_in_page_with_an_escaped_state_token_and_cookies()
    {
        var page = await Get($"/home/amazon_aws/{DevApp}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("\"stateToken\":\"02", html, StringComparison.Ordinal);
        Assert.Contains("\\x2D", html, StringComparison.Ordinal);
        var cookies = page.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("JSESSIONID=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("DT=", StringComparison.Ordinal));

        var token = await StateTokenFromAppLink();
        Assert.DoesNotContain("\\x", token, StringComparison.Ordinal);
        var state = await Introspect(token);
        Assert.Equal(token, (string?)state["stateHandle"]);
        Assert.Equal("1.0.0", (string?)state["version"]);
        var identify = Remediation(state, "identify");
        Assert.Equal($"{Base}/idp/idx/identify", (string?)identify["href"]);
        Assert.Equal(["create-form"], identify["rel"]!.AsArray().Select(r => (string)r!));
        var fields = identify["value"]!.AsArray().Select(f => (string)f!["name"]!).ToList();
        Assert.Equal(["identifier", "credentials", "rememberMe", "stateHandle"], fields);
        Assert.Equal("passcode", (string?)identify["value"]![1]!["form"]!["value"]![0]!["name"]);
        Assert.Equal(IdxJson, (string?)identify["produces"]);
        Assert.Equal($"{Base}/idp/idx/cancel", (string?)state["cancel"]!["href"]);
        Assert.Equal("AWS Dev", (string?)state["app"]!["value"]!["label"]);
    }

    private const string IdxJson = IonJson;

    [Fact]
    public async Task Password_and_google_authenticator_code_lead_to_the_session_and_the_saml_form()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (status, challenge) = await Submit(state, "identify", Identify("totp@example.com"));
        Assert.Equal(HttpStatusCode.OK, status);
        // One authenticator with one method: its challenge comes at once.
        var answer = Remediation(challenge, "challenge-authenticator");
        Assert.Equal($"{Base}/idp/idx/challenge/answer", (string?)answer["href"]);
        Assert.Equal("google_otp", (string?)challenge["currentAuthenticatorEnrollment"]!["value"]!["key"]);
        Assert.Equal("totp@example.com", (string?)challenge["user"]!["value"]!["identifier"]);

        var (ok, success) = await Submit(challenge, "challenge-authenticator", Passcode(await TotpCode("totp@example.com", "GOOGLE")));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Null(success["remediation"]);
        var (sid, saml) = await FollowSuccess(success);
        Assert.Contains("totp@example.com", DecodeSaml(saml).ToString(), StringComparison.Ordinal);
        var me = JsonNode.Parse(await (await Get("/api/v1/sessions/me", sid)).Content.ReadAsStringAsync())!;
        Assert.Equal("totp@example.com", (string?)me["login"]);
    }

    [Fact]
    public async Task The_success_redirect_works_once()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (_, success) = await Submit(state, "identify", Identify("nomfa@example.com"));
        await FollowSuccess(success);
        var again = await Get((string)success["success"]!["href"]!);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
    }

    [Fact]
    public async Task Okta_verify_push_shows_the_number_challenge_and_succeeds_after_polls()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (_, select) = await Submit(state, "identify", Identify("push@example.com"));
        var methods = Remediation(select, "select-authenticator-authenticate")["value"]![0]!["options"]![0]!["value"]!["form"]!["value"]![1]!["options"]!.AsArray()
            .Select(o => (string)o!["value"]!).ToList();
        Assert.Equal(["signed_nonce", "push"], methods);

        var (_, waiting) = await Submit(select, "select-authenticator-authenticate", Choose(select, "okta_verify", "push"));
        var poll = Remediation(waiting, "challenge-poll");
        Assert.Equal($"{Base}/idp/idx/authenticators/poll", (string?)poll["href"]);
        Assert.Equal(4000, (int)poll["refresh"]!);
        Assert.Equal("73", (string?)waiting["currentAuthenticator"]!["value"]!["contextualData"]!["correctAnswer"]);

        var (_, still) = await Submit(waiting, "challenge-poll");
        Assert.Contains("challenge-poll", RemediationNames(still));
        var (_, done) = await Submit(still, "challenge-poll");
        Assert.NotNull(done["success"]);
        await FollowSuccess(done);
    }

    [Theory]
    [InlineData("pushreject@example.com", 1, "api.authn.poll.error.push_rejected")]
    [InlineData("pushtimeout@example.com", 3, "oktaverify.timeout")]
    public async Task A_rejected_or_expired_push_says_so_and_offers_a_new_push(string login, int polls, string key)
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (_, select) = await Submit(state, "identify", Identify(login));
        var (_, current) = await Submit(select, "select-authenticator-authenticate", Choose(select, "okta_verify", "push"));
        for (var i = 0; i < polls; i++)
        {
            (_, current) = await Submit(current, "challenge-poll");
        }

        Assert.Equal(key, MessageKey(current));
        Assert.Equal("ERROR", (string?)current["messages"]!["value"]![0]!["class"]);
        var resend = Remediation(current, "resend");
        Assert.Equal($"{Base}/idp/idx/challenge", (string?)resend["href"]);
        var (_, again) = await Submit(current, "resend", new JsonObject
        {
            ["authenticator"] = new JsonObject { ["id"] = (string)resend["value"]![0]!["value"]!["form"]!["value"]![0]!["value"]!, ["methodType"] = "push" },
        });
        Assert.Contains("challenge-poll", RemediationNames(again));
        Assert.Null(again["messages"]);
    }

    [Fact]
    public async Task Phone_sms_code_can_be_resent_and_only_the_latest_code_counts()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (_, select) = await Submit(state, "identify", Identify("phone@example.com"));
        var (_, challenge) = await Submit(select, "select-authenticator-authenticate", Choose(select, "phone_number", "sms"));
        var enrollment = challenge["currentAuthenticatorEnrollment"]!["value"]!;
        Assert.Equal("+1 XXX-XXX-4242", (string?)enrollment["profile"]!["phoneNumber"]);
        var first = await LatestCode("phone@example.com");

        var resendForm = enrollment["resend"]!;
        Assert.Equal($"{Base}/idp/idx/challenge/resend", (string?)resendForm["href"]);
        var (resent, afterResend) = await Idx((string)resendForm["href"]!, new JsonObject { ["stateHandle"] = (string)challenge["stateHandle"]! });
        Assert.Equal(HttpStatusCode.OK, resent);
        var second = await LatestCode("phone@example.com");
        if (first != second)
        {
            var (wrong, error) = await Submit(afterResend, "challenge-authenticator", Passcode(first));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong);
            Assert.Equal("api.authn.error.PASSCODE_INVALID", MessageKey(error));
            Assert.Contains("challenge-authenticator", RemediationNames(error));
        }

        var (_, success) = await Submit(afterResend, "challenge-authenticator", Passcode(second));
        Assert.NotNull(success["success"]);
    }

    [Fact]
    public async Task Voice_call_email_and_security_question_each_verify()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (_, select) = await Submit(state, "identify", Identify("phone@example.com"));
        var (_, voice) = await Submit(select, "select-authenticator-authenticate", Choose(select, "phone_number", "voice"));
        Assert.Equal("voice", (string?)(await LatestOutbox("phone@example.com"))["factorType"] switch { "call" => "voice", var x => x });
        var (_, ok) = await Submit(voice, "challenge-authenticator", Passcode(await LatestCode("phone@example.com")));
        Assert.NotNull(ok["success"]);

        state = await Introspect(await StateTokenFromAppLink());
        var (_, email) = await Submit(state, "identify", Identify("email@example.com"));
        Assert.Equal("okta_email", (string?)email["currentAuthenticatorEnrollment"]!["value"]!["key"]);
        (_, ok) = await Submit(email, "challenge-authenticator", Passcode(await LatestCode("email@example.com")));
        Assert.NotNull(ok["success"]);

        state = await Introspect(await StateTokenFromAppLink());
        var (_, question) = await Submit(state, "identify", Identify("question@example.com"));
        var inner = Remediation(question, "challenge-authenticator")["value"]![0]!["form"]!["value"]!.AsArray();
        Assert.Equal("favorite_vacation_location", (string?)inner[0]!["value"]);
        var (wrong, error) = await Submit(question, "challenge-authenticator", new JsonObject { ["credentials"] = new JsonObject { ["questionKey"] = "favorite_vacation_location", ["answer"] = "Paris" } });
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.NotNull(error["messages"]);
        (_, ok) = await Submit(question, "challenge-authenticator", new JsonObject { ["credentials"] = new JsonObject { ["questionKey"] = "favorite_vacation_location", ["answer"] = "lisbon" } });
        Assert.NotNull(ok["success"]);
    }

    private async Task<JsonNode> LatestOutbox(string login) =>
        JsonNode.Parse(await Http.GetStringAsync("/_sandbox/outbox"))!.AsArray().Last(m => (string?)m!["user"] == login)!;

    [Fact]
    public async Task Wrong_password_and_wrong_code_are_refused_with_their_i18n_keys_and_can_be_retried()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (status, error) = await Submit(state, "identify", Identify("totp@example.com", "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("errors.E0000004", MessageKey(error));
        Assert.Contains("identify", RemediationNames(error));

        var (_, challenge) = await Submit(error, "identify", Identify("totp@example.com"));
        (status, error) = await Submit(challenge, "challenge-authenticator", Passcode("000000"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("authfactor.challenge.soft_token.invalid_passcode", MessageKey(error));

        var code = await TotpCode("totp@example.com", "GOOGLE");
        var (_, success) = await Submit(error, "challenge-authenticator", Passcode(code));
        Assert.NotNull(success["success"]);
    }

    [Fact]
    public async Task A_used_code_is_refused_as_used()
    {
        var code = await TotpCode("jane@example.com", "GOOGLE");
        var state = await Introspect(await StateTokenFromAppLink());
        var (_, select) = await Submit(state, "identify", Identify("jane@example.com"));
        var (_, challenge) = await Submit(select, "select-authenticator-authenticate", Choose(select, "google_otp"));
        var (_, success) = await Submit(challenge, "challenge-authenticator", Passcode(code));
        Assert.NotNull(success["success"]);

        state = await Introspect(await StateTokenFromAppLink());
        (_, select) = await Submit(state, "identify", Identify("jane@example.com"));
        (_, challenge) = await Submit(select, "select-authenticator-authenticate", Choose(select, "google_otp"));
        var (_, used) = await Submit(challenge, "challenge-authenticator", Passcode(code));
        Assert.Equal("authfactor.challenge.soft_token.used_passcode", MessageKey(used));
    }

    [Fact]
    public async Task Too_many_wrong_answers_lock_the_account()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        HttpStatusCode status = default;
        JsonNode body = state;
        for (var i = 0; i < 5; i++)
        {
            (status, body) = await Submit(state, "identify", Identify("totp@example.com", "wrong"));
        }

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("errors.E0000069", MessageKey(body));
        var (_, locked) = await Submit(await Introspect(await StateTokenFromAppLink()), "identify", Identify("totp@example.com"));
        Assert.Equal("errors.E0000119", MessageKey(locked));
    }

    [Fact]
    public async Task Locked_account_expired_password_enrollment_and_expired_state_handle()
    {
        var (status, locked) = await Submit(await Introspect(await StateTokenFromAppLink()), "identify", Identify("locked@example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("errors.E0000119", MessageKey(locked));

        var (_, expired) = await Submit(await Introspect(await StateTokenFromAppLink()), "identify", Identify("expired@example.com"));
        var reenroll = Remediation(expired, "reenroll-authenticator");
        Assert.Equal("New password", (string?)reenroll["value"]![0]!["form"]!["value"]![0]!["label"]);
        Assert.Equal("okta_password", (string?)expired["currentAuthenticator"]!["value"]!["key"]);

        var (_, enroll) = await Submit(await Introspect(await StateTokenFromAppLink()), "identify", Identify("enroll@example.com"));
        var select = Remediation(enroll, "select-authenticator-enroll");
        Assert.Equal($"{Base}/idp/idx/credential/enroll", (string?)select["href"]);
        Assert.Contains(enroll["authenticators"]!["value"]!.AsArray(), a => (string?)a!["key"] == "okta_verify");

        var token = await StateTokenFromAppLink();
        Clock.Advance(TimeSpan.FromSeconds(601));
        var (gone, body) = await Idx("/idp/idx/introspect", new JsonObject { ["stateToken"] = token });
        Assert.Equal(HttpStatusCode.Unauthorized, gone);
        Assert.Equal("idx.session.expired", MessageKey(body));
        Assert.Null(body["remediation"]);
    }

    [Fact]
    public async Task Policies_only_a_browser_can_meet_offer_nothing_a_terminal_can_answer()
    {
        // FastPass: Okta Verify's signed_nonce only; the loopback poll never completes from a terminal.
        var (_, fastpass) = await Submit(await Introspect(await StateTokenFromAppLink("0oa8oieFastPassAp/272")), "identify", Identify("push@example.com"));
        var (_, probe) = await Submit(fastpass, "select-authenticator-authenticate", Choose(fastpass, "okta_verify"));
        Assert.Equal("LOOPBACK", (string?)probe["currentAuthenticator"]!["value"]!["contextualData"]!["challenge"]!["value"]!["challengeMethod"]);
        var (_, still) = await Submit(probe, "challenge-poll");
        Assert.Null(still["success"]);

        // Security key: only webauthn, and any assertion fails.
        var (_, key) = await Submit(await Introspect(await StateTokenFromAppLink("0oa10oieSecKeyApp/272")), "identify", Identify("webauthn@example.com"));
        Assert.Equal("webauthn", (string?)key["currentAuthenticatorEnrollment"]!["value"]!["key"]);
        Assert.NotNull(key["currentAuthenticatorEnrollment"]!["value"]!["contextualData"]!["challengeData"]!["challenge"]);

        // Device assurance: 403 with the remediation messages and nothing to submit.
        var (status, denied) = await Submit(await Introspect(await StateTokenFromAppLink("0oa9oieDeviceTrst/272")), "identify", Identify("push@example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("idx.error.code.access_denied.device_assurance.remediation.title", MessageKey(denied));
        Assert.Null(denied["remediation"]);
    }

    [Fact]
    public async Task Step_up_with_a_session_asks_only_for_the_missing_factor()
    {
        var (_, signedIn) = await Submit(await Introspect(await StateTokenFromAppLink()), "identify", Identify("nomfa@example.com"));
        var (sid, _) = await FollowSuccess(signedIn);
        Assert.Equal(HttpStatusCode.OK, (await Get($"/home/amazon_aws/{DevApp}", sid)).StatusCode);

        // jane: sign in with password + push to AWS Dev, then open the step-up app with that session.
        var (_, select) = await Submit(await Introspect(await StateTokenFromAppLink()), "identify", Identify("jane@example.com"));
        var (_, challenge) = await Submit(select, "select-authenticator-authenticate", Choose(select, "google_otp"));
        var (_, done) = await Submit(challenge, "challenge-authenticator", Passcode(await TotpCode("jane@example.com", "GOOGLE")));
        (sid, _) = await FollowSuccess(done);

        var state = await Introspect(await StateTokenFromAppLink(StepUpApp, sid));
        Assert.DoesNotContain("identify", RemediationNames(state));
        Assert.Contains("select-authenticator-authenticate", RemediationNames(state));
        Assert.Equal("jane@example.com", (string?)state["user"]!["value"]!["identifier"]);
        Clock.Advance(TimeSpan.FromSeconds(30));
        (_, challenge) = await Submit(state, "select-authenticator-authenticate", Choose(state, "google_otp"));
        (_, done) = await Submit(challenge, "challenge-authenticator", Passcode(await TotpCode("jane@example.com", "GOOGLE")));
        var (sameSid, saml) = await FollowSuccess(done);
        Assert.Equal(sid, sameSid);
        Assert.Contains("my-developer-gateway-role", DecodeSaml(saml).ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Get($"/home/amazon_aws/{StepUpApp}", sid)).StatusCode);
    }

    [Fact]
    public async Task The_request_log_counts_idx_calls_as_okta()
    {
        await Introspect(await StateTokenFromAppLink());
        var log = JsonNode.Parse(await Http.GetStringAsync("/_sandbox/requests?service=okta"))!.ToJsonString();
        Assert.Contains("/idp/idx/introspect", log, StringComparison.Ordinal);
        Assert.Contains("/home/amazon_aws/", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_starts_over_at_identify()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var (_, select) = await Submit(state, "identify", Identify("jane@example.com"));
        var (status, fresh) = await Idx((string)select["cancel"]!["href"]!, new JsonObject { ["stateHandle"] = (string)select["stateHandle"]! });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("identify", RemediationNames(fresh));
        var (gone, _) = await Idx("/idp/idx/introspect", new JsonObject { ["stateHandle"] = (string)select["stateHandle"]! });
        Assert.Equal(HttpStatusCode.Unauthorized, gone);
    }

    [Fact]
    public async Task Classic_authn_still_answers_on_oie_but_refuses_audience_and_cookie_tokens()
    {
        var (status, body, _) = await Authn("nomfa@example.com");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SUCCESS", (string?)body["status"]);

        (status, body, _) = await PostJson("/api/v1/authn", new { username = "nomfa@example.com", password = Password, audience = "0oa1oieDevAbCdEfG" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("E0000001", (string?)body["errorCode"]);

        (_, body, _) = await Authn("nomfa@example.com");
        (status, body, _) = await PostJson("/api/v1/sessions?additionalFields=cookieToken", new { sessionToken = (string)body["sessionToken"]! });
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}
