using System.Net;
using Keyman.Core;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Idx;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Idx;

/// <summary>
/// The IDX remediation driver against Okta's captured responses (okta/okta-signin-widget
/// playground/mocks/data/idp/idx/, named per route below): each journey and each outcome a user can meet.
/// </summary>
public sealed class IdxSignInTests
{
    private const string Password = "Sup3r-Secret!";
    private static readonly IdxCredentials Alice = new("alice@example.com", Password);

    private readonly TestHttpMessageHandler _http = new();
    private readonly RecordingLog _log = new();
    private readonly InstantTimeProvider _time = new();

    private IdxSignIn SignIn(ScriptedInteraction ui, MfaOptions? options = null) =>
        new(new IdxClient(IdxFixtures.Org, new HttpMessageInvoker(_http), _log), ui, _log, _time, options);

    private async Task<KeymanException> FailsAsync(ScriptedInteraction ui, IdxCredentials? credentials, MfaOptions? options = null)
    {
        var e = await Assert.ThrowsAsync<KeymanException>(() => SignIn(ui, options).SignInAsync("state-token", credentials, CancellationToken.None));
        Assert.DoesNotContain(Password, e.Message + e.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _log.All, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public async Task IdentifierFirst_Password_GoogleAuthenticator_ReturnsTheSuccessRedirect()
    {
        _http.OnIdx("/idp/idx/introspect", "identify")
            .OnIdx("/idp/idx/identify", "authenticator-verification-password")
            .OnIdx("/idp/idx/challenge/answer", "authenticator-verification-select-authenticator")
            .OnIdx("/idp/idx/challenge", "authenticator-verification-google-authenticator")
            .OnIdx("/idp/idx/challenge/answer", "success");
        var ui = new ScriptedInteraction("123 456");

        var redirect = await SignIn(ui, new MfaOptions { PreferredFactor = "GOOGLE token:software:totp" })
            .SignInAsync("00-abc", Alice, CancellationToken.None);

        Assert.Equal("https://acme.okta.com/app/UserHome?stateToken=mockedStateToken123", redirect.AbsoluteUri);
        Assert.Equal(["/idp/idx/introspect", "/idp/idx/identify", "/idp/idx/challenge/answer", "/idp/idx/challenge", "/idp/idx/challenge/answer"],
            _http.Requests.Select(r => r.Path));
        Assert.All(_http.Requests, r =>
        {
            Assert.Equal("application/ion+json; okta-version=1.0.0", r.Header("Accept"));
            Assert.Equal("application/ion+json; okta-version=1.0.0", r.ContentType);
        });
        Assert.Equal("00-abc", (string?)IdxFixtures.Body(_http.Requests[0])["stateToken"]);

        var identify = IdxFixtures.Body(_http.Requests[1]);
        Assert.Equal("alice@example.com", (string?)identify["identifier"]);
        Assert.Equal("02.identify", (string?)identify["stateHandle"]);
        Assert.False(identify.ContainsKey("credentials"));

        var password = IdxFixtures.Body(_http.Requests[2]);
        Assert.Equal(Password, (string?)password["credentials"]!["passcode"]);
        Assert.Equal("02.authenticator-verification-password", (string?)password["stateHandle"]);

        var select = IdxFixtures.Body(_http.Requests[3]);
        Assert.Equal("aut11ceMaP0B0EzMI0g4", (string?)select["authenticator"]!["id"]);
        Assert.Equal("02.authenticator-verification-select-authenticator", (string?)select["stateHandle"]);

        var answer = IdxFixtures.Body(_http.Requests[4]);
        Assert.Equal("123456", (string?)answer["credentials"]!["passcode"]);
        Assert.Equal("02.authenticator-verification-google-authenticator", (string?)answer["stateHandle"]);

        Assert.Equal(["MFA Passcode: "], ui.Asked);
        Assert.Contains("MFA Requirement Detected - Enter your GOOGLE code here", _log.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentifyWithPassword_SendsBoth_InOneForm()
    {
        _http.OnIdx("/idp/idx/introspect", "identify-with-password")
            .OnIdx("/idp/idx/identify", "success");

        await SignIn(new ScriptedInteraction()).SignInAsync("t", Alice, CancellationToken.None);

        var identify = IdxFixtures.Body(_http.Requests[1]);
        Assert.Equal("alice@example.com", (string?)identify["identifier"]);
        Assert.Equal(Password, (string?)identify["credentials"]!["passcode"]);
        Assert.Equal("02.identify-with-password", (string?)identify["stateHandle"]);
    }

    [Fact]
    public async Task OktaVerifyPush_ShowsTheNumberChallenge_AndPollsAtOktasInterval()
    {
        // Step-up: Okta knows the user, so no credentials are needed.
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-select-authenticator-with-nickname")
            .OnIdx("/idp/idx/challenge", "authenticator-verification-number-challenge")
            .OnIdx("/idp/idx/challenge/poll", "authenticator-verification-number-challenge")
            .OnIdx("/idp/idx/challenge/poll", "success");

        var redirect = await SignIn(new ScriptedInteraction(), new MfaOptions { PreferredFactor = "OKTA push" })
            .SignInAsync("t", null, CancellationToken.None);

        Assert.Contains("stateToken=mockedStateToken123", redirect.Query, StringComparison.Ordinal);
        var select = IdxFixtures.Body(_http.Requests[1]);
        Assert.Equal("auttheidkwh282hv8g3", (string?)select["authenticator"]!["id"]);
        Assert.Equal("push", (string?)select["authenticator"]!["methodType"]);
        Assert.Equal("02.authenticator-verification-number-challenge", (string?)IdxFixtures.Body(_http.Requests[2])["stateHandle"]);
        Assert.Equal([TimeSpan.FromMilliseconds(4000), TimeSpan.FromMilliseconds(4000)], _time.Delays);
        Assert.Single(_log.Lines, l => l.Message == "Okta Verify: tap 10 on your device");
        Assert.Contains("Okta Verify push sent to", _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OktaVerifyPush_Rejected_FailsWithMfaFailed()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-select-authenticator-with-nickname")
            .OnIdx("/idp/idx/challenge", "authenticator-verification-number-challenge")
            .OnIdx("/idp/idx/challenge/poll", "errors-authenticator-verification-okta-verify-reject-push", HttpStatusCode.Forbidden);

        var e = await FailsAsync(new ScriptedInteraction(), null, new MfaOptions { PreferredFactor = "push" });

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Equal("Okta Verify push was rejected", e.Message);
    }

    [Fact]
    public async Task OktaVerifyPush_NotApproved_TimesOut()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-okta-verify-push")
            .OnIdx("/idp/idx/challenge/poll", "authenticator-verification-okta-verify-push", sticky: true);

        var e = await FailsAsync(new ScriptedInteraction(), null, new MfaOptions { PushTimeout = TimeSpan.FromSeconds(10) });

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, _http.To("/idp/idx/challenge/poll").Count());
    }

    [Fact]
    public async Task WrongCode_IsAskedAgain_ThenAccepted()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-google-authenticator")
            .OnIdx("/idp/idx/challenge/answer", "error-authenticator-verification-on-google-otp-invalid-passcode", HttpStatusCode.Unauthorized)
            .OnIdx("/idp/idx/challenge/answer", "success");

        await SignIn(new ScriptedInteraction("111111", "222222")).SignInAsync("t", null, CancellationToken.None);

        Assert.Contains("Invalid passcode", _log.All, StringComparison.Ordinal);
        Assert.Equal("02.error-authenticator-verification-on-google-otp-invalid-passcode",
            (string?)IdxFixtures.Body(_http.To("/idp/idx/challenge/answer").Last())["stateHandle"]);
    }

    [Fact]
    public async Task WrongCode_ThreeTimes_FailsWithMfaFailed()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-google-authenticator")
            .OnIdx("/idp/idx/challenge/answer", "error-authenticator-verification-on-google-otp-invalid-passcode", HttpStatusCode.Unauthorized, sticky: true);

        var e = await FailsAsync(new ScriptedInteraction("1", "2", "3"), null);

        Assert.Equal(ExitCodes.MfaFailed, e.ExitCode);
        Assert.Equal("MFA failed: no valid passcode for Google Authenticator (TOTP) after 3 attempts", e.Message);
        Assert.Equal(3, _http.To("/idp/idx/challenge/answer").Count());
    }

    [Fact]
    public async Task Sms_Resend_ThenCode()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-phone-sms")
            .OnIdx("/idp/idx/challenge/resend", "authenticator-verification-phone-sms")
            .OnIdx("/idp/idx/challenge/answer", "success");
        var ui = new ScriptedInteraction("resend", "654321");

        await SignIn(ui).SignInAsync("t", null, CancellationToken.None);

        Assert.Equal(["SMS code (or 'resend'): ", "SMS code (or 'resend'): "], ui.Asked);
        Assert.Contains("Okta sent a code by SMS to +1 XXX-XXX-2342", _log.All, StringComparison.Ordinal);
        Assert.Contains("Okta sent a new code by SMS", _log.All, StringComparison.Ordinal);
        Assert.Equal("02.authenticator-verification-phone-sms", (string?)IdxFixtures.Body(_http.To("/idp/idx/challenge/resend").Single())["stateHandle"]);
        Assert.Equal("654321", (string?)IdxFixtures.Body(_http.To("/idp/idx/challenge/answer").Single())["credentials"]!["passcode"]);
    }

    [Fact]
    public async Task Phone_WithoutAutoChallenge_UsesThePreferredMethod_Voice()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-data-phone-sms-then-voice")
            .OnIdx("/idp/idx/challenge", "authenticator-verification-phone-voice")
            .OnIdx("/idp/idx/challenge/answer", "success");
        var ui = new ScriptedInteraction("24680");

        await SignIn(ui, new MfaOptions { PreferredFactor = "call" }).SignInAsync("t", null, CancellationToken.None);

        var data = IdxFixtures.Body(_http.To("/idp/idx/challenge").Single());
        Assert.Equal("voice", (string?)data["authenticator"]!["methodType"]);
        Assert.Equal("id-phone-authenticator", (string?)data["authenticator"]!["id"]);
        Assert.Equal(["Call code (or 'resend'): "], ui.Asked);
        Assert.Contains("Okta is calling +1 XXX-XXX-2342 with a code", _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecurityQuestion_ShowsTheQuestion_AndSendsTheAnswerWithItsKey()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-security-question")
            .OnIdx("/idp/idx/challenge/answer", "success");

        await SignIn(new ScriptedInteraction("Lisbon")).SignInAsync("t", null, CancellationToken.None);

        Assert.Contains("Security question: Where did you go for your favorite vacation?", _log.All, StringComparison.Ordinal);
        var credentials = IdxFixtures.Body(_http.To("/idp/idx/challenge/answer").Single())["credentials"]!;
        Assert.Equal("Lisbon", (string?)credentials["answer"]);
        Assert.Equal("favorite_vacation_location", (string?)credentials["questionKey"]);
    }

    [Fact]
    public async Task Menu_WithoutPreference_AsksWhichFactor()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-select-authenticator")
            .OnIdx("/idp/idx/challenge", "success");
        var ui = new ScriptedInteraction("0");

        await SignIn(ui).SignInAsync("t", null, CancellationToken.None);

        Assert.Equal(["Select an MFA factor"], ui.Menus);
        // The first row a terminal can answer: the email (the password, security keys come before it).
        var select = IdxFixtures.Body(_http.To("/idp/idx/challenge").Single());
        Assert.Equal("aidtm56L8gXXHI1SD0g3", (string?)select["authenticator"]!["id"]);
        Assert.Equal("email", (string?)select["authenticator"]!["methodType"]);
    }

    [Fact]
    public async Task Menu_WithoutTerminal_NamesTheFactorsToPrefer()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-select-authenticator");

        var e = await FailsAsync(new ScriptedInteraction { CanPrompt = false }, null);

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("google token:software:totp", e.Hint, StringComparison.Ordinal);
        Assert.Contains("okta sms", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_FailsWithAuthenticationFailed()
    {
        _http.OnIdx("/idp/idx/introspect", "identify")
            .OnIdx("/idp/idx/identify", "authenticator-verification-password")
            .OnIdx("/idp/idx/challenge/answer", "error-authenticator-verify-password", HttpStatusCode.Unauthorized);

        var e = await FailsAsync(new ScriptedInteraction(), Alice);

        Assert.Equal(ExitCodes.AuthenticationFailed, e.ExitCode);
        Assert.Equal("Okta rejected the username or password for alice@example.com", e.Message);
    }

    [Fact]
    public async Task LockedAccount_FailsWithAccountLocked()
    {
        // The shape of error-authenticator-verify-password with the message Okta's sign-in page knows for a locked
        // account (okta-signin-widget login.properties: errors.E0000119).
        var locked = IdxFixtures.Load("error-authenticator-verify-password")
            .Replace("\"incorrectPassword\"", "\"errors.E0000119\"", StringComparison.Ordinal)
            .Replace("Password is incorrect", "Your account is locked. Please contact your administrator.", StringComparison.Ordinal);
        _http.OnIdx("/idp/idx/introspect", "identify-with-password")
            .OnIon("/idp/idx/identify", locked, HttpStatusCode.Forbidden);

        var e = await FailsAsync(new ScriptedInteraction(), Alice);

        Assert.Equal(ExitCodes.AccountLocked, e.ExitCode);
        Assert.Equal("The Okta account alice@example.com is locked", e.Message);
    }

    [Fact]
    public async Task ExpiredPassword_FailsWithPasswordExpired()
    {
        _http.OnIdx("/idp/idx/introspect", "identify-with-password")
            .OnIdx("/idp/idx/identify", "authenticator-expired-password");

        var e = await FailsAsync(new ScriptedInteraction(), Alice);

        Assert.Equal(ExitCodes.PasswordExpired, e.ExitCode);
        Assert.Contains("Okta web UI", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordExpiringSoon_WarnsAndSkips()
    {
        _http.OnIdx("/idp/idx/introspect", "identify-with-password")
            .OnIdx("/idp/idx/identify", "authenticator-expiry-warning-password")
            .OnIdx("/idp/idx/skip", "success");

        await SignIn(new ScriptedInteraction()).SignInAsync("t", Alice, CancellationToken.None);

        Assert.Contains("Your Okta password expires soon", _log.All, StringComparison.Ordinal);
        Assert.Equal("02.authenticator-expiry-warning-password", (string?)IdxFixtures.Body(_http.To("/idp/idx/skip").Single())["stateHandle"]);
    }

    [Fact]
    public async Task EnrollmentRequired_NamesTheAuthenticators_AndTheBrowser()
    {
        _http.OnIdx("/idp/idx/introspect", "identify-with-password")
            .OnIdx("/idp/idx/identify", "authenticator-enroll-select-authenticator");

        var e = await FailsAsync(new ScriptedInteraction(), Alice);

        Assert.Equal(ExitCodes.MfaUnavailable, e.ExitCode);
        Assert.Contains("to enroll", e.Message, StringComparison.Ordinal);
        Assert.Contains("Okta Verify", e.Message, StringComparison.Ordinal);
        Assert.Contains("Google Authenticator", e.Message, StringComparison.Ordinal);
        Assert.Contains("browser", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssuranceUnsatisfiable_NeedsTheBrowser_AndNamesTheDeviceFlow()
    {
        _http.OnIdx("/idp/idx/introspect", "error-unable-to-authenticate-user", HttpStatusCode.BadRequest);

        var e = await FailsAsync(new ScriptedInteraction(), Alice);

        Assert.Equal(ExitCodes.BrowserRequired, e.ExitCode);
        Assert.Contains("Unable to login to \"myApp\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("--device", e.Hint, StringComparison.Ordinal);
        Assert.Contains("oidc_client_id", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FastPass_NeedsTheBrowser()
    {
        _http.OnIdx("/idp/idx/introspect", "authenticator-verification-okta-verify-signed-nonce-loopback");

        var e = await FailsAsync(new ScriptedInteraction(), null);

        Assert.Equal(ExitCodes.BrowserRequired, e.ExitCode);
        Assert.Contains("FastPass", e.Message, StringComparison.Ordinal);
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task ExpiredStateHandle_FailsWithSessionExpired()
    {
        _http.OnIdx("/idp/idx/introspect", "error-401-session-expired", HttpStatusCode.Unauthorized);

        var e = await FailsAsync(new ScriptedInteraction(), Alice);

        Assert.Equal(ExitCodes.OktaSessionExpired, e.ExitCode);
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentifyWithoutCredentials_SaysWhatIsMissing()
    {
        _http.OnIdx("/idp/idx/introspect", "identify");

        var e = await FailsAsync(new ScriptedInteraction(), null);

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task SuccessRedirectOffTheOrg_IsNotFollowed()
    {
        _http.OnIon("/idp/idx/introspect", IdxFixtures.Load("success").Replace("https://acme.okta.com", "https://evil.example", StringComparison.Ordinal));

        var e = await FailsAsync(new ScriptedInteraction(), null);

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
    }

    [Fact]
    public async Task NotIdxJson_FailsWithOktaError()
    {
        _http.On(HttpMethod.Post, "/idp/idx/introspect", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>captive portal</html>") });

        var e = await FailsAsync(new ScriptedInteraction(), null);

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("introspect", e.Message, StringComparison.Ordinal);
    }
}
