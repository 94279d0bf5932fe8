using System.Net;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Idx;
using Keyman.Sandbox.Okta;

namespace Keyman.Sandbox.OAuth;

/// <summary>
/// /activate as plain HTML forms (no JavaScript), so a headless browser can drive it: the user code, the sign-in
/// (password, then a code or push when the user has MFA; or "Sign in with Okta FastPass", which emulates Okta Verify on
/// this device), and the consent. Texts and i18n keys follow the widget's device mocks (device-code-activate.json,
/// error-invalid-device-code.json, terminal-device-activated.json, terminal-device-not-activated-consent-denied.json).
/// </summary>
internal static class ActivationPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/activate", (HttpContext http) => UserCodePage(http.Request.Query["user_code"].FirstOrDefault() ?? "", null));
        app.MapPost("/activate", SubmitUserCode);
        app.MapPost("/activate/signin", SignIn);
        app.MapPost("/activate/verify", Verify);
        app.MapPost("/activate/consent", Consent);
    }

    private static IResult Page(string title, string body, int status = 200) => AppPageEndpoints.Html(status, title, $"<main id=\"okta-sign-in\" data-se=\"device-activation\">\n{body}\n</main>");

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private static string ErrorBox(string? error, string? key) =>
        error is null ? "" : $"<div class=\"o-form-error-container\" role=\"alert\" data-i18n-key=\"{Enc(key ?? "")}\"><p id=\"error\">{Enc(error)}</p></div>\n";

    private static IResult UserCodePage(string userCode, string? error) => Page("Activate your device",
        "<h2>Activate your device</h2>\n" + ErrorBox(error, "idx.invalid.device.code")
        + "<form id=\"user-code-form\" method=\"POST\" action=\"/activate\">\n"
        + "<label for=\"user-code\">Activation Code</label>\n"
        + $"<input id=\"user-code\" name=\"userCode\" type=\"text\" autocomplete=\"off\" value=\"{Enc(userCode)}\"/>\n"
        + "<button id=\"next\" type=\"submit\">Next</button>\n</form>", error is null ? 200 : 400);

    private static IResult SignInPage(Activation activation, string? error, string? key) => Page("Sign In",
        $"<h2>Sign in to activate {Enc(activation.Grant.Client.Label)}</h2>\n" + ErrorBox(error, key)
        + "<form id=\"signin-form\" method=\"POST\" action=\"/activate/signin\">\n"
        + $"<input type=\"hidden\" name=\"activation\" value=\"{activation.Id}\"/>\n"
        + "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\"/>\n"
        + "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\"/>\n"
        + "<button id=\"sign-in\" type=\"submit\" name=\"method\" value=\"password\">Sign in</button>\n"
        + "<button id=\"fastpass\" type=\"submit\" name=\"method\" value=\"fastpass\">Sign in with Okta FastPass</button>\n</form>", error is null ? 200 : 401);

    private static IResult CodePage(Activation activation, string prompt, string? error) => Page("Verify",
        $"<h2>{Enc(prompt)}</h2>\n" + ErrorBox(error, "api.authn.error.PASSCODE_INVALID")
        + "<form id=\"verify-form\" method=\"POST\" action=\"/activate/verify\">\n"
        + $"<input type=\"hidden\" name=\"activation\" value=\"{activation.Id}\"/>\n"
        + "<label for=\"passcode\">Enter code</label><input id=\"passcode\" name=\"passcode\" type=\"text\" autocomplete=\"one-time-code\"/>\n"
        + "<button id=\"verify\" type=\"submit\">Verify</button>\n</form>", error is null ? 200 : 401);

    private static IResult ConsentPage(Activation activation) => Page("Allow access",
        $"<h2>{Enc(activation.Grant.Client.Label)} would like to access your account</h2>\n"
        + $"<ul id=\"scopes\">{string.Concat(activation.Grant.Scopes.Select(s => $"<li>{Enc(s)}</li>"))}</ul>\n"
        + "<form id=\"consent-form\" method=\"POST\" action=\"/activate/consent\">\n"
        + $"<input type=\"hidden\" name=\"activation\" value=\"{activation.Id}\"/>\n"
        + "<button id=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow Access</button>\n"
        + "<button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Don't Allow</button>\n</form>");

    private static IResult Terminal(string message, string key, int status = 200) => Page("Device activation",
        $"<div class=\"o-form-info-container\" data-i18n-key=\"{Enc(key)}\"><p id=\"result\">{Enc(message)}</p></div>", status);

    private static async Task<IFormCollection> Form(HttpRequest request) =>
        request.HasFormContentType ? await request.ReadFormAsync() : FormCollection.Empty;

    private static Activation? Find(SandboxState state, DeviceGrants grants, IFormCollection form) =>
        grants.Activations.TryGetValue(form["activation"].ToString(), out var a) && a.Grant.Status == "pending" && a.Grant.ExpiresAt > state.Now ? a : null;

    private static async Task<IResult> SubmitUserCode(HttpContext http, SandboxState state, DeviceGrants grants)
    {
        var form = await Form(http.Request);
        var userCode = form["userCode"].ToString().Replace("-", "", StringComparison.Ordinal).Trim();
        lock (state.Sync)
        {
            if (!grants.ByUserCode.TryGetValue(userCode, out var grant) || grant.Status != "pending" || grant.ExpiresAt <= state.Now)
            {
                return UserCodePage(userCode, "Invalid code. Try again.");
            }

            var activation = new Activation { Id = RandomTokens.Alphanumeric(24), Grant = grant };
            grants.Activations[activation.Id] = activation;
            if (SessionEndpoints.CurrentSession(http, state) is { } session)
            {
                // Already signed in in this browser: only the consent is left.
                activation.User = session.User;
                activation.SignedIn = true;
                grant.Amr.Add("pwd");
                if (session.LastFactorVerification is not null)
                {
                    grant.Amr.Add("mfa");
                }

                return ConsentPage(activation);
            }

            return SignInPage(activation, null, null);
        }
    }

    private static async Task<IResult> SignIn(HttpContext http, SandboxState state, DeviceGrants grants)
    {
        var form = await Form(http.Request);
        lock (state.Sync)
        {
            var activation = Find(state, grants, form);
            if (activation is null)
            {
                return UserCodePage("", "Invalid code. Try again.");
            }

            if (!state.Users.TryGetValue(form["username"].ToString().Trim(), out var user))
            {
                return SignInPage(activation, "Authentication failed", "errors.E0000004");
            }

            if (user.IsLockedOut)
            {
                return SignInPage(activation, "Your account is locked. Please contact your administrator.", "errors.E0000119");
            }

            activation.User = user;
            var grant = activation.Grant;
            if (form["method"] == "fastpass")
            {
                // Okta Verify on this device answers for an enrolled user: phishing resistant and device bound.
                if (!user.Definition.Factors.Any(f => f.FactorType == "push"))
                {
                    return SignInPage(activation, "Okta Verify is not set up on this device.", "oie.authenticator.app.non_fips_compliant_enrollment_device_incompatible");
                }

                grant.Amr.UnionWith(["pwd", "mfa", "fastpass"]);
                return Signed(activation);
            }

            if (form["password"] != user.Definition.Password)
            {
                user.FailedAttempts++;
                if (user.FailedAttempts >= state.Settings.MaxFailedAttempts)
                {
                    user.LockedByFailures = true;
                }

                return SignInPage(activation, "Authentication failed", "errors.E0000004");
            }

            user.FailedAttempts = 0;
            grant.Amr.Add("pwd");
            var definition = user.Definition;
            if (definition.Factors.Count == 0 || !definition.MfaAtSignIn)
            {
                return Signed(activation);
            }

            if (definition.Factors.Any(f => f.FactorType == "token:software:totp"))
            {
                return CodePage(activation, "Enter a code from your authenticator app", null);
            }

            if (definition.Factors.FirstOrDefault(f => f.FactorType == "push") is { } push)
            {
                // The push is answered on the phone at once, as the scenario says.
                var result = push.Push?.Result ?? "approve";
                if (result != "approve")
                {
                    return Terminal(result == "reject" ? "You have chosen to reject this login." : "Your push notification has expired.",
                        result == "reject" ? "api.authn.poll.error.push_rejected" : "oktaverify.timeout", 403);
                }

                grant.Amr.Add("mfa");
                return Signed(activation);
            }

            if (definition.Factors.FirstOrDefault(f => f.FactorType is "sms" or "email" or "call") is { } otp)
            {
                activation.SentCode = RandomTokens.Digits(6);
                var to = otp.Profile.GetValueOrDefault("phoneNumber") ?? otp.Profile.GetValueOrDefault("email") ?? definition.Login;
                state.Outbox.Add(new OutboxMessage(definition.Login, otp.Id, otp.FactorType, to, activation.SentCode, state.Now));
                return CodePage(activation, $"Enter the code sent to {to}", null);
            }

            return Terminal("Your device cannot be activated because of an internal error", "idx.device.not.activated.internal.error", 403);
        }
    }

    private static IResult Signed(Activation activation)
    {
        activation.SignedIn = true;
        return ConsentPage(activation);
    }

    private static async Task<IResult> Verify(HttpContext http, SandboxState state, DeviceGrants grants)
    {
        var form = await Form(http.Request);
        lock (state.Sync)
        {
            var activation = Find(state, grants, form);
            if (activation?.User is not { } user)
            {
                return UserCodePage("", "Invalid code. Try again.");
            }

            var passcode = form["passcode"].ToString().Trim();
            var ok = activation.SentCode is not null
                ? passcode == activation.SentCode
                : user.Definition.Factors.Where(f => f.FactorType == "token:software:totp")
                    .Any(f => OieAuthenticator.CheckTotp(state, user, f, passcode) == TotpResult.Ok);
            if (!ok)
            {
                return CodePage(activation, "Enter a code from your authenticator app", "Invalid code. Try again.");
            }

            activation.Grant.Amr.Add("mfa");
            return Signed(activation);
        }
    }

    private static async Task<IResult> Consent(HttpContext http, SandboxState state, DeviceGrants grants)
    {
        var form = await Form(http.Request);
        lock (state.Sync)
        {
            var activation = Find(state, grants, form);
            if (activation is not { SignedIn: true, User: { } user })
            {
                return UserCodePage("", "Invalid code. Try again.");
            }

            grants.Activations.Remove(activation.Id);
            var grant = activation.Grant;
            if (form["decision"] != "allow")
            {
                grant.Status = "denied";
                return Terminal("Your device cannot be activated because you did not allow access", "idx.device.not.activated.consent.denied");
            }

            grant.Status = "approved";
            grant.User = user;
            if (SessionEndpoints.CurrentSession(http, state) is null)
            {
                var session = SessionEndpoints.StartSession(state, new SessionTokenGrant
                {
                    Token = RandomTokens.SessionToken(),
                    User = user,
                    ExpiresAt = state.Now.AddSeconds(state.Settings.SessionTokenLifetimeSeconds),
                    MfaVerified = grant.Amr.Contains("mfa"),
                });
                AppPageEndpoints.SetSidCookie(http, session);
            }

            return Terminal("Device activated. Follow the instructions on your device for next steps", "idx.device.activated");
        }
    }
}
