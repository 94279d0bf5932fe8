using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;

namespace Keyman.Sandbox.Idx;

/// <summary>
/// The Identity Engine API the hosted sign-in page speaks (POST /idp/idx/...), answering ion+json. Each handler checks
/// that the transaction is at a step offering that form, applies it, and answers the next state (IdxResponder).
/// </summary>
internal static class IdxEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/idp/idx/introspect", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Introspect, byStateToken: true));
        app.MapPost("/idp/idx/identify", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Identify));
        app.MapPost("/idp/idx/challenge", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Challenge));
        app.MapPost("/idp/idx/challenge/answer", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Answer));
        app.MapPost("/idp/idx/challenge/resend", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Resend));
        // Okta Verify push polls at authenticators/poll (signed-nonce mocks); older widget mocks use challenge/poll.
        app.MapPost("/idp/idx/authenticators/poll", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Poll));
        app.MapPost("/idp/idx/challenge/poll", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Poll));
        app.MapPost("/idp/idx/cancel", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, Cancel));
        app.MapPost("/idp/idx/credential/enroll", (HttpContext http, SandboxState state, IdxStore store) => Handle(http, state, store, EnrollInBrowserOnly));
    }

    private delegate IResult Step(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body);

    private static async Task<IResult> Handle(HttpContext http, SandboxState state, IdxStore store, Step step, bool byStateToken = false)
    {
        if (!state.Settings.IsIdentityEngine)
        {
            return OktaJson.NotFound(http.Request.Path.Value ?? "/idp/idx");
        }

        var body = await OktaJson.ReadBodyAsync(http.Request);
        if (body is null)
        {
            return IdxJson.Ion(new JsonObject
            {
                ["version"] = "1.0.0",
                ["messages"] = IdxJson.Messages(IdxJson.Message("The request body was not well-formed.", "E0000003")),
            }, 400);
        }

        var handle = OktaJson.String(body, "stateHandle") ?? (byStateToken ? OktaJson.String(body, "stateToken") : null);
        lock (state.Sync)
        {
            var tx = store.Find(state, handle);
            return tx is null ? IdxJson.SessionExpired() : step(state, store, OktaJson.OrgUrl(http.Request), tx, body);
        }
    }

    private static IResult Introspect(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body) =>
        IdxResponder.Respond(state, org, tx, tx.Step == IdxStep.Denied ? 403 : 200);

    private static IResult WrongStep(SandboxState state, string org, IdxTransaction tx) =>
        IdxResponder.Respond(state, org, tx, 400, IdxJson.Message("The request is not valid in the current state of the transaction.", "E0000079"));

    private static IResult Identify(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body)
    {
        if (tx.Step != IdxStep.Identify)
        {
            return WrongStep(state, org, tx);
        }

        var identifier = OktaJson.String(body, "identifier");
        if (string.IsNullOrWhiteSpace(identifier))
        {
            return IdxResponder.Respond(state, org, tx, 400, IdxJson.Message("This field cannot be left blank", "model.validation.field.blank"));
        }

        var password = body["credentials"] is JsonObject credentials ? OktaJson.String(credentials, "passcode") : null;
        if (!state.Users.TryGetValue(identifier.Trim(), out var user))
        {
            return AuthenticationFailed(state, org, tx);
        }

        if (user.IsLockedOut)
        {
            return state.Settings.ShowLockoutFailures
                ? IdxResponder.Respond(state, org, tx, 403, IdxJson.Message("Your account is locked. Please contact your administrator.", "errors.E0000119"))
                : AuthenticationFailed(state, org, tx);
        }

        if (!state.Settings.IdentifierFirst)
        {
            if (password != user.Definition.Password)
            {
                return RecordFailure(state, user) ? Locked(state, store, tx) : AuthenticationFailed(state, org, tx);
            }

            user.FailedAttempts = 0;
            tx.PasswordVerified = true;
        }

        tx.User = user;
        return Advance(state, org, tx);
    }

    /// <summary>error-identify-with-piv.json's message; the same for an unknown user and a wrong password.</summary>
    private static IResult AuthenticationFailed(SandboxState state, string org, IdxTransaction tx) =>
        IdxResponder.Respond(state, org, tx, 401, IdxJson.Message("Authentication failed", "errors.E0000004"));

    private static IResult Locked(SandboxState state, IdxStore store, IdxTransaction tx)
    {
        store.ByStateHandle.Remove(tx.StateHandle);
        return IdxJson.Ion(new JsonObject
        {
            ["version"] = "1.0.0",
            ["messages"] = IdxJson.Messages(IdxJson.Message("Your account is locked because of too many authentication attempts.", "errors.E0000069")),
        }, 403);
    }

    /// <summary>Counts a wrong answer; true when it locked the user (maxFailedAttempts).</summary>
    private static bool RecordFailure(SandboxState state, UserRuntime user)
    {
        user.FailedAttempts++;
        if (user.FailedAttempts < state.Settings.MaxFailedAttempts)
        {
            return false;
        }

        user.LockedByFailures = true;
        return true;
    }

    /// <summary>Moves the transaction to what the policy asks next, and answers that state.</summary>
    private static IResult Advance(SandboxState state, string org, IdxTransaction tx)
    {
        MoveOn(state, tx);
        return IdxResponder.Respond(state, org, tx, tx.Step == IdxStep.Denied ? 403 : 200);
    }

    /// <summary>
    /// The policy's next step for an identified user: the password, enrolment, a denial, the second factor (auto-challenged
    /// when only one is possible), the expired password, or success. Also how a step-up page starts from a session.
    /// </summary>
    internal static void MoveOn(SandboxState state, IdxTransaction tx)
    {
        var user = tx.User!;
        var definition = user.Definition;
        var secondFactor = tx.App.StepUp || tx.App.BrowserOnly is not null
            || (tx.BoundSessionId is null && definition.MfaAtSignIn && definition.Factors.Count > 0);
        if (!tx.PasswordVerified)
        {
            tx.Step = IdxStep.Password;
        }
        else if (definition.Status == "MFA_ENROLL")
        {
            tx.Step = IdxStep.Enroll;
        }
        else if (tx.App.BrowserOnly == "device_assurance")
        {
            tx.Step = IdxStep.Denied;
        }
        else if (secondFactor && !tx.FactorVerified)
        {
            var allowed = IdxResponder.Allowed(tx);
            if (allowed.Count == 0)
            {
                tx.Step = IdxStep.Enroll;
            }
            else if (allowed is [{ Methods: [var only] } single])
            {
                // One authenticator with one method: the challenge starts at once.
                StartChallenge(state, tx, single.Authenticator, only);
            }
            else
            {
                tx.Step = IdxStep.SelectAuthenticator;
            }
        }
        else if (definition.Status == "PASSWORD_EXPIRED" && tx.BoundSessionId is null)
        {
            tx.Step = IdxStep.ExpiredPassword;
        }
        else
        {
            tx.Step = IdxStep.Success;
            tx.Current = null;
        }
    }

    private static void StartChallenge(SandboxState state, IdxTransaction tx, OieAuthenticator authenticator, string method)
    {
        tx.Current = authenticator;
        tx.CurrentMethod = method;
        tx.PushOutcome = null;
        switch (method)
        {
            case "push" or "signed_nonce":
                tx.Step = IdxStep.Poll;
                tx.PushPolls = 0;
                tx.User!.ManualPushDecision = null;
                break;
            case "sms" or "voice" or "email":
                tx.Step = IdxStep.Challenge;
                SendCode(state, tx);
                break;
            default:
                tx.Step = IdxStep.Challenge;
                break;
        }
    }

    /// <summary>Phone and email codes go to the outbox (GET /_sandbox/outbox), as the Classic factors' do.</summary>
    private static void SendCode(SandboxState state, IdxTransaction tx)
    {
        var code = RandomTokens.Digits(6);
        var factor = tx.Current!.FactorFor(tx.CurrentMethod!);
        tx.SentCode = code;
        state.Outbox.Add(new OutboxMessage(tx.User!.Definition.Login, factor.Id, factor.FactorType, tx.Current.Destination(tx.CurrentMethod!), code, state.Now));
    }

    private static IResult Challenge(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body)
    {
        if (tx.Step is not (IdxStep.SelectAuthenticator or IdxStep.Challenge or IdxStep.Poll or IdxStep.PushRejected))
        {
            return WrongStep(state, org, tx);
        }

        var choice = body["authenticator"] as JsonObject;
        var id = choice is null ? null : OktaJson.String(choice, "id");
        var method = choice is null ? null : OktaJson.String(choice, "methodType");
        var allowed = IdxResponder.Allowed(tx).FirstOrDefault(a => a.Authenticator.Id == id);
        if (allowed.Authenticator is null)
        {
            return IdxResponder.Respond(state, org, tx, 400, IdxJson.Message("The authenticator is not available for this sign-in.", "errors.E0000007"));
        }

        method ??= allowed.Methods.Count == 1 ? allowed.Methods[0] : null;
        if (allowed.Authenticator.Key == "duo" && method == "idp")
        {
            method = "duo";
        }

        if (method is null || !allowed.Methods.Contains(method))
        {
            return IdxResponder.Respond(state, org, tx, 400, IdxJson.Message("Choose a method for this authenticator.", "api.validation.methodType"));
        }

        StartChallenge(state, tx, allowed.Authenticator, method);
        return IdxResponder.Respond(state, org, tx);
    }

    private static IResult Answer(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body)
    {
        var credentials = body["credentials"] as JsonObject ?? [];
        var passcode = OktaJson.String(credentials, "passcode");
        var user = tx.User;
        if (user is null)
        {
            return WrongStep(state, org, tx);
        }

        switch (tx.Step)
        {
            case IdxStep.Password:
                if (passcode != user.Definition.Password)
                {
                    return RecordFailure(state, user) ? Locked(state, store, tx)
                        : IdxResponder.Respond(state, org, tx, 401, IdxJson.Message("Password is incorrect", "incorrectPassword"));
                }

                user.FailedAttempts = 0;
                tx.PasswordVerified = true;
                return Advance(state, org, tx);
            case IdxStep.ExpiredPassword:
                if (passcode is null || passcode.Length < 8 || passcode == user.Definition.Password)
                {
                    return IdxResponder.Respond(state, org, tx, 400, IdxJson.Message("Password requirements were not met.", "password.complexity.requirements"));
                }

                tx.Step = IdxStep.Success;
                return IdxResponder.Respond(state, org, tx);
            case IdxStep.Challenge:
                var wrong = CheckChallenge(state, tx, credentials, passcode);
                if (wrong is null)
                {
                    user.FailedAttempts = 0;
                    tx.FactorVerified = true;
                    tx.SentCode = null;
                    return Advance(state, org, tx);
                }

                // A replayed code is not a guess: it does not count towards lockout.
                if (wrong.Value.Counts && RecordFailure(state, user))
                {
                    return Locked(state, store, tx);
                }

                return IdxResponder.Respond(state, org, tx, wrong.Value.Status, wrong.Value.Message);
            default:
                return WrongStep(state, org, tx);
        }
    }

    /// <summary>Null when right; else the message the widget's error mocks show for that authenticator.</summary>
    private static (JsonObject Message, int Status, bool Counts)? CheckChallenge(SandboxState state, IdxTransaction tx, JsonObject credentials, string? passcode)
    {
        var method = tx.CurrentMethod!;
        var factor = tx.Current!.FactorFor(method);
        switch (method)
        {
            case "otp" or "totp":
                var result = passcode is null ? TotpResult.Wrong : OieAuthenticator.CheckTotp(state, tx.User!, factor, passcode);
                return result switch
                {
                    TotpResult.Ok => null,
                    // error-authenticator-verification-on-google-otp-used-passcode.json
                    TotpResult.Replayed => (IdxJson.Message("API error: Each code can only be used once. Please wait for a new code and try again.", "authfactor.challenge.soft_token.used_passcode"), 400, false),
                    // error-authenticator-verification-on-google-otp-invalid-passcode.json
                    _ => (IdxJson.Message("API error: Your code doesn't match our records. Please try again.", "authfactor.challenge.soft_token.invalid_passcode"), 400, true),
                };
            case "security_question":
                var answer = OktaJson.String(credentials, "answer");
                return answer is not null && string.Equals(answer.Trim(), factor.Answer, StringComparison.OrdinalIgnoreCase)
                    ? null
                    : (IdxJson.Message("Your answer doesn't match our records. Please try again.", "authfactor.challenge.question_factor.answer_invalid"), 400, true);
            case "sms" or "voice" or "email":
                return passcode is not null && tx.SentCode is not null && passcode.Trim() == tx.SentCode
                    ? null
                    // error-401-invalid-otp-passcode.json / error-authenticator-challenge-phone-invalid-otp.json
                    : (IdxJson.Message("Invalid code. Try again.", "api.authn.error.PASSCODE_INVALID"), 401, true);
            case "duo":
                // error-authenticator-duo-verification-failed.json: Okta checks Duo Web's signed response (AUTH…:APP…).
                var signature = OktaJson.String(credentials, "signatureData");
                return Duo.DuoWebSignature.ReadResponse(Duo.DuoState.Of(state), signature, state.Now) == tx.User!.Definition.Login
                    ? null
                    : (IdxJson.Message("Duo web signature verification failed.", "oie.authenticator.duo.method.duo.verification_failed"), 400, false);
            default:
                // webauthn: a terminal has no authenticator to sign with; any answer fails.
                return (IdxJson.Message("There was a problem verifying your security key. Please try again.", "authfactor.webauthn.error.invalid_assertion"), 400, true);
        }
    }

    private static IResult Poll(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body)
    {
        if (tx.Step is IdxStep.Success or IdxStep.PushRejected)
        {
            return IdxResponder.Respond(state, org, tx);
        }

        if (tx.Step != IdxStep.Poll)
        {
            return WrongStep(state, org, tx);
        }

        if (tx.CurrentMethod == "signed_nonce")
        {
            // FastPass: only Okta Verify on this device can answer the loopback probe; from a terminal nothing ever does.
            return IdxResponder.Respond(state, org, tx);
        }

        var user = tx.User!;
        var push = tx.Current!.FactorFor("push").Push ?? new Scenario.ScenarioPush();
        tx.PushPolls++;
        var result = push.Result.ToLowerInvariant() switch
        {
            "manual" => user.ManualPushDecision ?? "waiting",
            "never" => "waiting",
            _ when tx.PushPolls < push.AfterPolls => "waiting",
            "approve" => "approve",
            "reject" => "reject",
            "timeout" => "timeout",
            _ => "waiting",
        };
        switch (result)
        {
            case "approve":
                user.ManualPushDecision = null;
                tx.FactorVerified = true;
                return Advance(state, org, tx);
            case "reject" or "timeout":
                user.ManualPushDecision = null;
                tx.Step = IdxStep.PushRejected;
                tx.PushOutcome = result == "reject" ? "rejected" : "timeout";
                return IdxResponder.Respond(state, org, tx);
            default:
                return IdxResponder.Respond(state, org, tx);
        }
    }

    private static IResult Resend(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body)
    {
        if (tx.Step == IdxStep.Challenge && tx.CurrentMethod is "sms" or "voice" or "email")
        {
            SendCode(state, tx);
            return IdxResponder.Respond(state, org, tx);
        }

        if (tx.Step is IdxStep.Poll or IdxStep.PushRejected && tx.CurrentMethod == "push")
        {
            StartChallenge(state, tx, tx.Current!, "push");
            return IdxResponder.Respond(state, org, tx);
        }

        return WrongStep(state, org, tx);
    }

    /// <summary>Cancel ends the transaction; the answer is a fresh sign-in at the identify step.</summary>
    private static IResult Cancel(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body)
    {
        store.ByStateHandle.Remove(tx.StateHandle);
        var fresh = store.Start(state, tx.App, tx.FromUri, null);
        return IdxResponder.Respond(state, org, fresh);
    }

    /// <summary>Enrolling an authenticator needs its app, a QR code or a browser; the sandbox does not emulate enrolment.</summary>
    private static IResult EnrollInBrowserOnly(SandboxState state, IdxStore store, string org, IdxTransaction tx, JsonObject body) =>
        tx.Step == IdxStep.Enroll
            ? IdxResponder.Respond(state, org, tx, 400, IdxJson.Message("Enrolment is not emulated by the sandbox; set the authenticator up in a browser.", "sandbox.enrollment.not_emulated"))
            : WrongStep(state, org, tx);
}
