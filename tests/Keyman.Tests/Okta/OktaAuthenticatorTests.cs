using System.Net;
using System.Text.Json;
using Keyman.Core;
using Keyman.Core.Okta;
using Microsoft.Extensions.Time.Testing;
using static Keyman.Tests.Okta.OktaFixtures;

namespace Keyman.Tests.Okta;

public class OktaAuthenticatorTests
{
    private static JsonElement Json(RecordedRequest request) => JsonDocument.Parse(request.Body!).RootElement;

    private static string? Prop(RecordedRequest request, string name) =>
        Json(request).TryGetProperty(name, out var value) ? value.GetString() : null;

    // ---- primary authentication and transaction states ----

    [Fact]
    public async Task PasswordOnlySuccessCreatesSession()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Success());
        h.SessionCreated();

        var session = await h.LoginAsync();

        Assert.Equal(new OktaSession(SessionId, Username, new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero), "Jane Doe"), session);
        Assert.Equal(SessionId, h.Client.SessionId);
        Assert.Contains(h.Log.Lines, l => l is ("INFO", "Successfully authed Jane Doe"));
        var authn = Json(h.Handler.Requests[0]);
        Assert.Equal(Username, authn.GetProperty("username").GetString());
        Assert.Equal(Password, authn.GetProperty("password").GetString());
        Assert.False(authn.GetProperty("options").GetProperty("multiOptionalFactorEnroll").GetBoolean());
        Assert.False(authn.GetProperty("options").GetProperty("warnBeforePasswordExpired").GetBoolean());
        Assert.Equal(SessionToken, Prop(h.Handler.Requests[1], "sessionToken"));
    }

    [Fact]
    public async Task WrongPasswordIsAuthenticationFailed()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000004", "Authentication failed"), HttpStatusCode.Unauthorized);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.AuthenticationFailed, e.ExitCode);
        Assert.Equal($"Okta rejected the username or password for {Username}", e.Message);
        Assert.Contains("-R", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlankPasswordIsRefusedWithoutCallingOkta()
    {
        using var h = new OktaHarness();
        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.LoginAsync(Username, "", CancellationToken.None));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Empty(h.Handler.Requests);
    }

    public static TheoryData<string, HttpStatusCode, int> FailureResponses => new()
    {
        { Status("LOCKED_OUT", F("""{"next":{"name":"unlock","href":"@@0@@/api/v1/authn/recovery/unlock"}}""", Base)), HttpStatusCode.OK, ExitCodes.AccountLocked },
        { Error("E0000069", "User Locked"), HttpStatusCode.Forbidden, ExitCodes.AccountLocked },
        { Status("PASSWORD_EXPIRED", F("""{"next":{"name":"changePassword","href":"@@0@@/api/v1/authn/credentials/change_password"}}""", Base)), HttpStatusCode.OK, ExitCodes.PasswordExpired },
        { Error("E0000064", "Password is expired"), HttpStatusCode.Unauthorized, ExitCodes.PasswordExpired },
        { Status("MFA_ENROLL"), HttpStatusCode.OK, ExitCodes.MfaUnavailable },
        { Status("MFA_ENROLL_ACTIVATE"), HttpStatusCode.OK, ExitCodes.MfaUnavailable },
        { Status("RECOVERY"), HttpStatusCode.OK, ExitCodes.OktaError },
        { Status("UNAUTHENTICATED"), HttpStatusCode.OK, ExitCodes.OktaError },
    };

    [Theory]
    [MemberData(nameof(FailureResponses))]
    public async Task EveryFailureStateHasItsExitCodeAndHint(string body, HttpStatusCode status, int exitCode)
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", body, status);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(exitCode, e.ExitCode);
        Assert.False(string.IsNullOrEmpty(e.Hint));
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task MessagesNameTheProblem()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Status("LOCKED_OUT"));
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Status("MFA_ENROLL"));
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Status("RECOVERY_CHALLENGE"));

        Assert.Contains("locked", (await Assert.ThrowsAsync<KeymanException>(h.LoginAsync)).Message, StringComparison.Ordinal);
        var enroll = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);
        Assert.Contains("no MFA factor enrolled", enroll.Message, StringComparison.Ordinal);
        Assert.Contains("Enroll", enroll.Hint, StringComparison.Ordinal);
        Assert.Contains("RECOVERY_CHALLENGE", (await Assert.ThrowsAsync<KeymanException>(h.LoginAsync)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordWarnIsSkipped()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn",
            F("""{"stateToken":"@@0@@","status":"PASSWORD_WARN","_embedded":{"user":@@1@@,"policy":{"expiration":{"passwordExpireDays":4}}},"_links":{"skip":{"name":"skip","href":"@@2@@/api/v1/authn/skip"}}}""", StateToken, User, Base));
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn/skip", Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Your Okta password expires in 4 day(s); change it in the Okta web UI"));
        Assert.Equal(StateToken, Prop(h.Handler.To("/api/v1/authn/skip").Single(), "stateToken"));
    }

    [Fact]
    public async Task ExpiredTransactionDuringMfa()
    {
        using var h = new OktaHarness(answers: "123456");
        h.MfaRequired(GoogleTotp);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Error("E0000011", "Invalid token provided"), HttpStatusCode.Unauthorized);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.OktaSessionExpired, e.ExitCode);
        Assert.Equal("The Okta login transaction expired", e.Message);
    }

    // ---- code factors ----

    [Fact]
    public async Task GoogleTotpAsksLikeTheOriginal()
    {
        using var h = new OktaHarness(answers: " 482 913 ");
        h.MfaRequired(GoogleTotp);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "MFA Requirement Detected - Enter your GOOGLE code here"));
        Assert.Equal(["MFA Passcode: "], h.Interaction.Asked);
        var verify = h.Handler.To(VerifyPath("uftgoogle123")).Single();
        Assert.Equal("482913", Prop(verify, "passCode"));
        Assert.Equal(StateToken, Prop(verify, "stateToken"));
        Assert.Empty(h.Interaction.Menus);
    }

    [Theory]
    [InlineData("ostfm3hPNYSOIOIVTQWY", "OKTA")]
    [InlineData("ykfyubi123", "YUBICO")]
    [InlineData("rsafrsa123", "RSA")]
    [InlineData("ufvsym123", "SYMANTEC")]
    [InlineData("chfhotp123", "CUSTOM")]
    public async Task EveryCodeFactorVerifiesWithPassCode(string factorId, string provider)
    {
        var factor = new[] { OktaTotp, Yubikey, Rsa, Symantec, Hotp }.Single(f => f.Contains(factorId, StringComparison.Ordinal));
        using var h = new OktaHarness(answers: "cccccceukngdfgvtbirjbj");
        h.MfaRequired(factor, DuoWeb);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath(factorId), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l == ("WARNING", $"MFA Requirement Detected - Enter your {provider} code here"));
        Assert.Equal("cccccceukngdfgvtbirjbj", Prop(h.Handler.To(VerifyPath(factorId)).Single(), "passCode"));
    }

    [Fact]
    public async Task WrongCodeThenRightCode()
    {
        using var h = new OktaHarness(answers: ["111111", "222222"]);
        h.MfaRequired(GoogleTotp);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Error("E0000068", "Invalid Passcode/Answer", """{"errorSummary":"Your passcode doesn't match our records. Please try again."}"""), HttpStatusCode.Forbidden);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Invalid passcode"));
        Assert.Equal(["111111", "222222"], h.Handler.To(VerifyPath("uftgoogle123")).Select(r => Prop(r, "passCode")));
    }

    [Fact]
    public async Task AttemptsAreBounded()
    {
        using var h = new OktaHarness(mfa: new MfaOptions { MaxCodeAttempts = 3 }, answers: ["111111", "", "333333", "444444"]);
        h.MfaRequired(GoogleTotp);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Error("E0000068", "Invalid Passcode/Answer"), HttpStatusCode.Forbidden, sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.NotNull(e.Hint);
        Assert.Equal(3, h.Interaction.Asked.Count);
        Assert.Equal(2, h.Handler.To(VerifyPath("uftgoogle123")).Count());
        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "No code entered"));
    }

    [Fact]
    public async Task ReplayedCodeKeepsAsking()
    {
        using var h = new OktaHarness(answers: ["111111", "222222"]);
        h.MfaRequired(OktaTotp);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("ostfm3hPNYSOIOIVTQWY"), Challenge("ostfm3hPNYSOIOIVTQWY", OktaTotp, "PASSCODE_REPLAYED"));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("ostfm3hPNYSOIOIVTQWY"), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Okta did not accept the passcode (PASSCODE_REPLAYED)"));
    }

    // ---- push ----

    [Fact]
    public async Task PushWithNumberChallenge()
    {
        using var h = new OktaHarness();
        h.MfaRequired(Push);
        var path = VerifyPath("opfpush123");
        h.Handler.OnJson(HttpMethod.Post, path, Challenge("opfpush123", Push, "WAITING", "poll"));
        h.Handler.OnJson(HttpMethod.Post, path, Challenge("opfpush123", Push, "WAITING", "poll", correctAnswer: 92));
        h.Handler.OnJson(HttpMethod.Post, path, Challenge("opfpush123", Push, "WAITING", "poll", correctAnswer: 92));
        h.Handler.OnJson(HttpMethod.Post, path, Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Single(h.Log.Lines, l => l is ("WARNING", "Okta Verify: tap 92 on your device"));
        Assert.Equal(4, h.Handler.To(path).Count());
        Assert.All(h.Handler.To(path), r => Assert.Equal(StateToken, Prop(r, "stateToken")));
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], ((InstantTimeProvider)h.Time).Delays);
        Assert.Empty(h.Interaction.Asked);
    }

    [Theory]
    [InlineData("REJECTED", "Okta Verify push was rejected")]
    [InlineData("TIMEOUT", "Okta Verify push timed out on Okta's side")]
    [InlineData("CANCELLED", "Okta Verify push failed (CANCELLED)")]
    public async Task PushFailures(string result, string message)
    {
        using var h = new OktaHarness();
        h.MfaRequired(Push);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("opfpush123"), Challenge("opfpush123", Push, "WAITING", "poll"));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("opfpush123"), Challenge("opfpush123", Push, result, "verify"));

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task PushTimesOutOnOurSide()
    {
        using var h = new OktaHarness(mfa: new MfaOptions { PushTimeout = TimeSpan.FromSeconds(10), PushPollInterval = TimeSpan.FromSeconds(2) });
        h.MfaRequired(Push);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("opfpush123"), Challenge("opfpush123", Push, "WAITING", "poll"), sticky: true);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.Equal(6, h.Handler.To(VerifyPath("opfpush123")).Count());
    }

    [Fact]
    public async Task PushPollingStopsOnCancel()
    {
        var time = new FakeTimeProvider();
        using var h = new OktaHarness(time: time);
        h.MfaRequired(Push);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("opfpush123"), Challenge("opfpush123", Push, "WAITING", "poll"), sticky: true);
        using var cts = new CancellationTokenSource();

        var login = h.Authenticator.LoginAsync(Username, Password, cts.Token);
        await Task.Delay(50);
        Assert.False(login.IsCompleted);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => login);
        Assert.Single(h.Handler.To(VerifyPath("opfpush123")));
    }

    // ---- sms / call / email / question ----

    [Fact]
    public async Task SmsWithResend()
    {
        using var h = new OktaHarness(answers: ["resend", "  654 321"]);
        h.MfaRequired(Sms);
        var path = VerifyPath("smsfactor123");
        h.Handler.OnJson(HttpMethod.Post, path, Challenge("smsfactor123", Sms, null, resend: true));
        h.Handler.OnJson(HttpMethod.Post, path + "/resend", Challenge("smsfactor123", Sms, null, resend: true));
        h.Handler.OnJson(HttpMethod.Post, path, Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Equal(["SMS code (or 'resend'): ", "SMS code (or 'resend'): "], h.Interaction.Asked);
        var verifies = h.Handler.To(path).ToList();
        Assert.Null(Prop(verifies[0], "passCode"));
        Assert.Equal("654321", Prop(verifies[1], "passCode"));
        Assert.Single(h.Handler.To(path + "/resend"));
        Assert.Contains(h.Log.Lines, l => l is ("INFO", "Okta sent a new code by SMS"));
        Assert.Contains(h.Log.Lines, l => l.Message.Contains("+1 XXX-XXX-1337", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("clfcall123", "Call code (or 'resend'): ")]
    [InlineData("emfemail123", "Email code (or 'resend'): ")]
    public async Task CallAndEmail(string factorId, string prompt)
    {
        var factor = factorId.StartsWith("clf", StringComparison.Ordinal) ? Call : Email;
        using var h = new OktaHarness(answers: "77777");
        h.MfaRequired(factor);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath(factorId), Challenge(factorId, factor, null));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath(factorId), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Equal([prompt], h.Interaction.Asked);
        Assert.Equal("77777", Prop(h.Handler.To(VerifyPath(factorId)).Last(), "passCode"));
    }

    [Fact]
    public async Task SecurityQuestion()
    {
        using var h = new OktaHarness(answers: ["wrong", " Michael Jordan "]);
        h.MfaRequired(Question);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("ufsquestion1"), Error("E0000068", "Invalid Passcode/Answer"), HttpStatusCode.Forbidden);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("ufsquestion1"), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l is ("INFO", "Security question: What is your favorite sports player?"));
        Assert.Equal(["Answer: ", "Answer: "], h.Interaction.Asked);
        Assert.Contains(h.Log.Lines, l => l is ("WARNING", "Invalid answer"));
        Assert.Equal("Michael Jordan", Prop(h.Handler.To(VerifyPath("ufsquestion1")).Last(), "answer"));
    }

    // ---- choosing a factor ----

    [Fact]
    public async Task OnlyUnsupportedFactors()
    {
        using var h = new OktaHarness();
        h.MfaRequired(DuoWeb, WebAuthn);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.MfaUnavailable, e.ExitCode);
        Assert.Contains("Duo (web)", e.Message, StringComparison.Ordinal);
        Assert.Contains("WebAuthn", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Duo's retired traditional prompt", e.Hint, StringComparison.Ordinal);
        Assert.Contains("Okta Verify", e.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OKTA push", "opfpush123")]
    [InlineData("push", "opfpush123")]
    [InlineData("GOOGLE token:software:totp", "uftgoogle123")]
    [InlineData("google TOKEN:SOFTWARE:TOTP", "uftgoogle123")]
    [InlineData("okta token:software:totp", "ostfm3hPNYSOIOIVTQWY")]
    [InlineData("sms", "smsfactor123")]
    public async Task PreferredFactorIsUsedWithoutMenu(string preferred, string factorId)
    {
        using var h = new OktaHarness(mfa: new MfaOptions { PreferredFactor = preferred }, answers: "123456");
        h.MfaRequired(GoogleTotp, OktaTotp, Push, Sms, DuoWeb);
        h.Handler.On(HttpMethod.Post, VerifyPath(factorId), r => Respond(Prop(r, "passCode") is null && factorId == "smsfactor123"
            ? Challenge(factorId, Sms, null)
            : Success()), sticky: true);
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Empty(h.Interaction.Menus);
        Assert.All(h.Handler.Requests.Skip(1).SkipLast(1), r => Assert.Equal(VerifyPath(factorId), r.Path));
    }

    [Fact]
    public async Task UnknownPreferenceWarnsAndShowsMenu()
    {
        using var h = new OktaHarness(mfa: new MfaOptions { PreferredFactor = "DUO web" }, answers: ["1", "778899"]);
        h.MfaRequired(Push, GoogleTotp, DuoWeb);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Contains(h.Log.Lines, l => l.Level == "WARNING" && l.Message.StartsWith("Preferred MFA factor \"DUO web\" is not enrolled or not supported", StringComparison.Ordinal));
        Assert.Equal(["Select an MFA factor"], h.Interaction.Menus);
    }

    [Fact]
    public async Task MenuChoosesAmongSupportedFactors()
    {
        using var h = new OktaHarness(answers: ["2", "55555"]);
        h.MfaRequired(DuoWeb, GoogleTotp, Push, Sms);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("smsfactor123"), Challenge("smsfactor123", Sms, null));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("smsfactor123"), Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Equal(["Select an MFA factor"], h.Interaction.Menus);
        Assert.Equal("55555", Prop(h.Handler.To(VerifyPath("smsfactor123")).Last(), "passCode"));
    }

    [Fact]
    public void FactorDescriptions()
    {
        static string Describe(string json) => new MfaFactor(JsonSerializer.Deserialize(json, OktaJsonContext.Default.OktaFactor)!).Description;

        Assert.Equal("Google Authenticator (TOTP)", Describe(GoogleTotp));
        Assert.Equal("Okta Verify code (TOTP)", Describe(OktaTotp));
        Assert.Equal("Okta Verify push (Pixel 7)", Describe(Push));
        Assert.Equal("SMS to +1 XXX-XXX-1337", Describe(Sms));
        Assert.Equal("Voice call to +1 XXX-XXX-4242", Describe(Call));
        Assert.Equal("Email to j...e@acme.com", Describe(Email));
        Assert.Equal("Security question", Describe(Question));
        Assert.Equal("YubiKey OTP", Describe(Yubikey));
        Assert.Equal("RSA SecurID", Describe(Rsa));
        Assert.Equal("Symantec VIP", Describe(Symantec));
        Assert.Equal("CUSTOM HOTP token", Describe(Hotp));
    }

    [Fact]
    public async Task NoTerminalForMenu()
    {
        using var h = new OktaHarness();
        h.Interaction.CanPrompt = false;
        h.MfaRequired(GoogleTotp, Push);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("no terminal", e.Message, StringComparison.Ordinal);
        Assert.Contains("okta push", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTerminalForCode()
    {
        using var h = new OktaHarness();
        h.Interaction.CanPrompt = false;
        h.MfaRequired(GoogleTotp);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("terminal", e.Message, StringComparison.Ordinal);
        Assert.Empty(h.Handler.To(VerifyPath("uftgoogle123")));
    }

    [Fact]
    public async Task PushNeedsNoTerminal()
    {
        using var h = new OktaHarness();
        h.Interaction.CanPrompt = false;
        h.MfaRequired(Push);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("opfpush123"), Success());
        h.SessionCreated();

        await h.LoginAsync();
    }

    [Fact]
    public async Task SingularFactorArrayIsTolerated()
    {
        using var h = new OktaHarness(answers: "123456");
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn",
            F("""{"stateToken":"@@0@@","status":"MFA_REQUIRED","_embedded":{"user":@@1@@,"factor":[@@2@@]},"_links":{}}""", StateToken, User, GoogleTotp));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Success());
        h.SessionCreated();

        await h.LoginAsync();
    }

    // ---- step-up ----

    [Fact]
    public async Task StepUpReturnsSessionTokenWithoutNewSession()
    {
        using var h = new OktaHarness(answers: "123456");
        h.Client.SessionId = SessionId;
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", MfaRequired(GoogleTotp));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"),
            F("""{"status":"SUCCESS","sessionToken":"20111stepUPtoken","_embedded":{"user":@@0@@},"_links":{"next":{"name":"original","href":"@@1@@/login/step-up/redirect?stateToken=abc"}}}""", User, Base));

        var result = await h.Authenticator.StepUpAsync("00Xg1abc-DEF", CancellationToken.None);

        Assert.Equal("20111stepUPtoken", result.SessionToken);
        Assert.Equal(new Uri($"{Base}/login/step-up/redirect?stateToken=abc"), result.NextUrl);
        Assert.Equal("00Xg1abc-DEF", Prop(h.Handler.Requests[0], "stateToken"));
        Assert.Null(Prop(h.Handler.Requests[0], "username"));
        Assert.DoesNotContain("20111stepUPtoken", result.ToString(), StringComparison.Ordinal);
        Assert.Empty(h.Handler.To("/api/v1/sessions"));
    }

    [Fact]
    public async Task StepUpEndingInSessionStepUpWithoutSessionTokenGivesTheNextLink()
    {
        // okta-signin-widget's SUCCESS_session_step_up fixture: no sessionToken; the browser continues at _links.next.
        using var h = new OktaHarness(answers: "123456");
        h.Client.SessionId = SessionId;
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", MfaRequired(GoogleTotp));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"),
            F("""{"stateToken":"00Xg1abc-DEF","type":"SESSION_STEP_UP","status":"SUCCESS","_embedded":{"user":@@0@@,"target":{"type":"APP","name":"amazon_aws"}},"_links":{"next":{"name":"original","href":"@@1@@/login/step-up/redirect?stateToken=00Xg1abc-DEF","hints":{"allow":["GET"]}}}}""", User, Base));

        var result = await h.Authenticator.StepUpAsync("00Xg1abc-DEF", CancellationToken.None);

        Assert.Null(result.SessionToken);
        Assert.Equal(new Uri($"{Base}/login/step-up/redirect?stateToken=00Xg1abc-DEF"), result.NextUrl);
    }

    [Fact]
    public async Task StepUpSuccessWithNeitherSessionTokenNorNextLinkFails()
    {
        using var h = new OktaHarness(answers: "123456");
        h.Client.SessionId = SessionId;
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", MfaRequired(GoogleTotp));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), F("""{"status":"SUCCESS","_embedded":{"user":@@0@@}}""", User));

        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.StepUpAsync("00Xg1abc-DEF", CancellationToken.None));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
    }

    [Fact]
    public async Task StepUpWithChallengeAlreadyStarted()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Challenge("opfpush123", Push.Replace("\"_links\"", "\"_ignored\"", StringComparison.Ordinal), "WAITING", "poll"));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("opfpush123"), Success());

        var result = await h.Authenticator.StepUpAsync("00Xg1abc", CancellationToken.None);

        Assert.Equal(SessionToken, result.SessionToken);
    }

    [Fact]
    public async Task StepUpWithStaleToken()
    {
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000011", "Invalid token provided"), HttpStatusCode.Unauthorized);

        var e = await Assert.ThrowsAsync<KeymanException>(() => h.Authenticator.StepUpAsync("00Xg1abc", CancellationToken.None));

        Assert.Equal(ExitCodes.OktaSessionExpired, e.ExitCode);
    }

    private static HttpResponseMessage Respond(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
}
