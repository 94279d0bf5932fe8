using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using OtpNet;

namespace Keyman.Sandbox.Okta;

/// <summary>The Classic Authentication API: /api/v1/authn and factor verification.</summary>
internal static class AuthnEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/authn", Authenticate);
        app.MapPost("/api/v1/authn/introspect", Introspect);
        app.MapPost("/api/v1/authn/cancel", Cancel);
        app.MapPost("/api/v1/authn/factors/{factorId}/verify", (HttpContext http, SandboxState state, string factorId) =>
            Verify(http, state, factorId, resend: false));
        app.MapPost("/api/v1/authn/factors/{factorId}/verify/resend", (HttpContext http, SandboxState state, string factorId) =>
            Verify(http, state, factorId, resend: true));
        Duo.DuoOktaSide.Map(app);
        Duo.DuoPromptEndpoints.Map(app);
        Duo.DuoSinglePageEndpoints.Map(app);
    }

    private static async Task<IResult> Authenticate(HttpContext http, SandboxState state)
    {
        var body = await OktaJson.ReadBodyAsync(http.Request);
        if (body is null)
        {
            return OktaJson.MalformedBody();
        }

        var org = OktaJson.OrgUrl(http.Request);
        if (http.Request.Cookies["DT"] is null)
        {
            // Okta names the device on its first sign-in; remember-device and new-device policies key on it.
            http.Response.Cookies.Append("DT", RandomTokens.DeviceToken(), new CookieOptions
            {
                Path = "/",
                MaxAge = TimeSpan.FromDays(730),
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = http.Request.IsHttps ? SameSiteMode.None : SameSiteMode.Unspecified,
            });
        }

        var username = OktaJson.String(body, "username");
        var stateToken = OktaJson.String(body, "stateToken");
        lock (state.Sync)
        {
            if (username is null && stateToken is not null)
            {
                // {stateToken} alone: the current state of a transaction (how app-level step-up starts).
                var tx = FindTransaction(state, stateToken);
                return tx is null ? OktaJson.InvalidToken() : OktaJson.Json(OktaJson.Transaction(org, tx, state));
            }

            if (string.IsNullOrEmpty(username))
            {
                return OktaJson.ValidationFailed("username", "The field cannot be left blank");
            }

            var password = OktaJson.String(body, "password");
            if (!state.Users.TryGetValue(username, out var user))
            {
                return OktaJson.AuthenticationFailed();
            }

            if (user.IsLockedOut)
            {
                return state.Settings.ShowLockoutFailures ? LockedOut(org) : OktaJson.AuthenticationFailed();
            }

            if (password != user.Definition.Password)
            {
                // Wrong passwords count towards lockout like wrong MFA answers do.
                RecordFailure(state, user);
                return OktaJson.AuthenticationFailed();
            }

            user.FailedAttempts = 0;
            var definition = user.Definition;
            if (definition.Status == "MFA_ENROLL")
            {
                return OktaJson.Json(OktaJson.Transaction(org, NewTransaction(state, user, "MFA_ENROLL")));
            }

            if (definition.Factors.Count > 0 && definition.MfaAtSignIn)
            {
                return OktaJson.Json(OktaJson.Transaction(org, NewTransaction(state, user, "MFA_REQUIRED")));
            }

            if (definition.Status == "PASSWORD_EXPIRED")
            {
                return OktaJson.Json(OktaJson.Transaction(org, NewTransaction(state, user, "PASSWORD_EXPIRED")));
            }

            return OktaJson.Json(Success(state, org, user, mfaVerified: false, tx: null));
        }
    }

    private static async Task<IResult> Introspect(HttpContext http, SandboxState state)
    {
        var body = await OktaJson.ReadBodyAsync(http.Request);
        if (body is null)
        {
            return OktaJson.MalformedBody();
        }

        lock (state.Sync)
        {
            var tx = FindTransaction(state, OktaJson.String(body, "stateToken"));
            return tx is null ? OktaJson.InvalidToken() : OktaJson.Json(OktaJson.Transaction(OktaJson.OrgUrl(http.Request), tx, state));
        }
    }

    private static async Task<IResult> Cancel(HttpContext http, SandboxState state)
    {
        var body = await OktaJson.ReadBodyAsync(http.Request);
        if (body is null)
        {
            return OktaJson.MalformedBody();
        }

        lock (state.Sync)
        {
            var tx = FindTransaction(state, OktaJson.String(body, "stateToken"));
            if (tx is null)
            {
                return OktaJson.InvalidToken();
            }

            state.Transactions.Remove(tx.StateToken);
            return OktaJson.Json(new JsonObject { ["status"] = "UNAUTHENTICATED" });
        }
    }

    private static async Task<IResult> Verify(HttpContext http, SandboxState state, string factorId, bool resend)
    {
        var body = await OktaJson.ReadBodyAsync(http.Request);
        if (body is null)
        {
            return OktaJson.MalformedBody();
        }

        var org = OktaJson.OrgUrl(http.Request);
        lock (state.Sync)
        {
            var stateToken = OktaJson.String(body, "stateToken");
            if (stateToken is null)
            {
                return OktaJson.ValidationFailed("stateToken", "The field cannot be left blank");
            }

            var tx = FindTransaction(state, stateToken);
            if (tx is null)
            {
                return OktaJson.InvalidToken();
            }

            if (tx.Status is not ("MFA_REQUIRED" or "MFA_CHALLENGE"))
            {
                return OktaJson.WrongState();
            }

            var user = tx.User;
            var factor = user.Definition.Factors.FirstOrDefault(f => f.Id == factorId || (factorId == "webauthn" && f.FactorType == "webauthn"));
            if (factor is null)
            {
                return OktaJson.NotFound($"{factorId} (UserFactor)");
            }

            if (user.IsLockedOut)
            {
                return OktaJson.UserLocked();
            }

            var passCode = OktaJson.String(body, "passCode");
            return factor.FactorType switch
            {
                "token:software:totp" => CheckAnswer(state, org, tx, CheckTotp(state, user, factor, passCode)),
                "token:hardware" or "token" or "token:hotp" => CheckAnswer(state, org, tx, CheckOneTimeCode(user, factor, passCode)),
                "question" => CheckAnswer(state, org, tx, CheckQuestion(factor, OktaJson.String(body, "answer")), WrongAnswerCause),
                "sms" or "call" or "email" => OneTimePasscode(state, org, tx, factor, passCode, resend),
                "push" => Push(state, org, tx, factor, resend),
                "webauthn" or "u2f" => WebAuthn(state, org, tx, factor, body),
                "claims_provider" when factor.Duo is not null => Duo.DuoOktaSide.Challenge(org, tx, factor),
                _ => OktaJson.Error(400, "E0000001", "Api validation failed: factorType", "This factor type is not supported by the sandbox."),
            };
        }
    }

    private enum Outcome
    {
        Ok,
        Wrong,
        Replayed,
        Missing,
    }

    /// <summary>A wrong security answer: the same E0000068 as a wrong code, with its own cause (okta-signin-widget's MFA_VERIFY_invalid_answer fixture).</summary>
    private const string WrongAnswerCause = "Your answer doesn't match our records. Please try again.";

    private static IResult CheckAnswer(SandboxState state, string org, AuthnTransaction tx, Outcome outcome, string? wrongCause = null)
    {
        switch (outcome)
        {
            case Outcome.Ok:
                return OktaJson.Json(FactorVerified(state, org, tx));
            case Outcome.Missing:
                return OktaJson.ValidationFailed("passCode", "The field cannot be left blank");
            case Outcome.Replayed:
                // A replayed code is not a guess; it does not count towards lockout.
                return OktaJson.InvalidPasscode("Each code can only be used once. Please wait for a new code and try again.");
            default:
                return RecordFailure(state, tx.User) ? LockAndFail(state, tx)
                    : wrongCause is null ? OktaJson.InvalidPasscode() : OktaJson.InvalidPasscode(wrongCause);
        }
    }

    /// <summary>Real TOTP check: RFC 6238, 30 s steps, ±1 step; a code of an already used step is a replay.</summary>
    private static Outcome CheckTotp(SandboxState state, UserRuntime user, ScenarioFactor factor, string? passCode)
    {
        if (passCode is null)
        {
            return Outcome.Missing;
        }

        if (factor.Secret is null)
        {
            return Outcome.Wrong;
        }

        var totp = new Totp(Base32Encoding.ToBytes(factor.Secret));
        if (!totp.VerifyTotp(state.Now.UtcDateTime, passCode.Trim(), out var step, new VerificationWindow(previous: 1, future: 1)))
        {
            return Outcome.Wrong;
        }

        if (user.LastTotpStep.TryGetValue(factor.Id, out var lastStep) && step <= lastStep)
        {
            return Outcome.Replayed;
        }

        user.LastTotpStep[factor.Id] = step;
        return Outcome.Ok;
    }

    private static Outcome CheckOneTimeCode(UserRuntime user, ScenarioFactor factor, string? passCode)
    {
        if (passCode is null)
        {
            return Outcome.Missing;
        }

        var key = factor.Id + ":" + passCode;
        if (user.UsedOneTimeCodes.Contains(key))
        {
            return Outcome.Replayed;
        }

        if (!factor.Codes.Contains(passCode))
        {
            return Outcome.Wrong;
        }

        user.UsedOneTimeCodes.Add(key);
        return Outcome.Ok;
    }

    private static Outcome CheckQuestion(ScenarioFactor factor, string? answer)
    {
        if (answer is null)
        {
            return Outcome.Missing;
        }

        return string.Equals(answer.Trim(), factor.Answer, StringComparison.OrdinalIgnoreCase) ? Outcome.Ok : Outcome.Wrong;
    }

    /// <summary>sms / call / email: a POST without passCode sends a code (to the outbox); with one, verifies it.</summary>
    private static IResult OneTimePasscode(SandboxState state, string org, AuthnTransaction tx, ScenarioFactor factor, string? passCode, bool resend)
    {
        if (passCode is null || resend)
        {
            var code = RandomTokens.Digits(6);
            tx.Status = "MFA_CHALLENGE";
            tx.ChallengedFactorId = factor.Id;
            tx.SentCode = code;
            tx.FactorResult = "CHALLENGE";
            var to = factor.Profile.GetValueOrDefault("phoneNumber") ?? factor.Profile.GetValueOrDefault("email") ?? tx.User.Definition.Login;
            state.Outbox.Add(new OutboxMessage(tx.User.Definition.Login, factor.Id, factor.FactorType, to, code, state.Now));
            var body = OktaJson.Transaction(org, tx);
            body.Remove("factorResult");
            return OktaJson.Json(body);
        }

        var ok = tx.ChallengedFactorId == factor.Id && tx.SentCode is not null && passCode.Trim() == tx.SentCode;
        return CheckAnswer(state, org, tx, ok ? Outcome.Ok : Outcome.Wrong);
    }

    /// <summary>Okta Verify push: the first POST sends it (WAITING), later POSTs to the same href poll.</summary>
    private static IResult Push(SandboxState state, string org, AuthnTransaction tx, ScenarioFactor factor, bool resend)
    {
        var behaviour = factor.Push ?? new ScenarioPush();
        var pending = tx.ChallengedFactorId == factor.Id && tx.FactorResult == "WAITING";
        if (!pending || resend)
        {
            tx.Status = "MFA_CHALLENGE";
            tx.ChallengedFactorId = factor.Id;
            tx.PushPolls = 0;
            tx.FactorResult = "WAITING";
            tx.User.ManualPushDecision = null;
            return OktaJson.Json(OktaJson.Transaction(org, tx));
        }

        tx.PushPolls++;
        var result = behaviour.Result.ToLowerInvariant() switch
        {
            "manual" => tx.User.ManualPushDecision switch
            {
                "approve" => "SUCCESS",
                "reject" => "REJECTED",
                _ => "WAITING",
            },
            "never" => "WAITING",
            _ when tx.PushPolls < behaviour.AfterPolls => "WAITING",
            "approve" => "SUCCESS",
            "reject" => "REJECTED",
            "timeout" => "TIMEOUT",
            _ => "WAITING",
        };
        if (result == "SUCCESS")
        {
            tx.User.ManualPushDecision = null;
            return OktaJson.Json(FactorVerified(state, org, tx));
        }

        if (result != "WAITING")
        {
            tx.User.ManualPushDecision = null;
        }

        tx.FactorResult = result;
        return OktaJson.Json(OktaJson.Transaction(org, tx));
    }

    /// <summary>WebAuthn needs a real authenticator: the sandbox issues the challenge but rejects any assertion.</summary>
    private static IResult WebAuthn(SandboxState state, string org, AuthnTransaction tx, ScenarioFactor factor, JsonObject body)
    {
        if (OktaJson.String(body, "signatureData") is null)
        {
            tx.Status = "MFA_CHALLENGE";
            tx.ChallengedFactorId = factor.Id;
            tx.FactorResult = "CHALLENGE";
            var json = OktaJson.Transaction(org, tx);
            json["challengeType"] = "FACTOR";
            return OktaJson.Json(json);
        }

        return CheckAnswer(state, org, tx, Outcome.Wrong);
    }

    /// <summary>A factor was verified: the transaction moves on (PASSWORD_EXPIRED) or succeeds.</summary>
    private static JsonObject FactorVerified(SandboxState state, string org, AuthnTransaction tx)
    {
        tx.User.FailedAttempts = 0;
        if (tx.Kind == TransactionKind.PrimaryAuthentication && tx.User.Definition.Status == "PASSWORD_EXPIRED")
        {
            tx.Status = "PASSWORD_EXPIRED";
            tx.ChallengedFactorId = null;
            tx.FactorResult = null;
            return OktaJson.Transaction(org, tx);
        }

        return Success(state, org, tx.User, mfaVerified: true, tx);
    }

    private static JsonObject Success(SandboxState state, string org, UserRuntime user, bool mfaVerified, AuthnTransaction? tx)
    {
        if (tx is { Kind: TransactionKind.AppStepUp })
        {
            return StepUpSuccess(state, org, tx);
        }

        var now = state.Now;
        var grant = new SessionTokenGrant
        {
            Token = RandomTokens.SessionToken(),
            User = user,
            ExpiresAt = now.AddSeconds(state.Settings.SessionTokenLifetimeSeconds),
            MfaVerified = mfaVerified,
        };
        state.SessionTokens[grant.Token] = grant;

        if (tx is not null)
        {
            tx.Status = "SUCCESS";
            tx.Completed = true;
            state.Transactions.Remove(tx.StateToken);
        }

        return new JsonObject
        {
            ["expiresAt"] = OktaJson.Time(grant.ExpiresAt),
            ["status"] = "SUCCESS",
            ["sessionToken"] = grant.Token,
            ["_embedded"] = new JsonObject { ["user"] = OktaJson.User(user.Definition) },
        };
    }

    /// <summary>
    /// The end of an app-level step-up: SUCCESS of type SESSION_STEP_UP, with no sessionToken (the browser already has
    /// its session) and _links.next to /login/step-up/redirect, which finishes the step-up and returns to the app.
    /// Shape: okta-signin-widget's SUCCESS_session_step_up fixture and captured org responses.
    /// </summary>
    private static JsonObject StepUpSuccess(SandboxState state, string org, AuthnTransaction tx)
    {
        tx.Status = "SUCCESS";
        tx.ChallengedFactorId = null;
        tx.FactorResult = null;
        var embedded = new JsonObject { ["user"] = OktaJson.User(tx.User.Definition) };
        OktaJson.AddStepUpContext(embedded, org, state, tx);
        return new JsonObject
        {
            ["stateToken"] = tx.StateToken,
            ["type"] = "SESSION_STEP_UP",
            ["expiresAt"] = OktaJson.Time(tx.ExpiresAt),
            ["status"] = "SUCCESS",
            ["_embedded"] = embedded,
            ["_links"] = new JsonObject
            {
                ["next"] = new JsonObject
                {
                    ["name"] = "original",
                    ["href"] = $"{org}/login/step-up/redirect?stateToken={Uri.EscapeDataString(tx.StateToken)}",
                    ["hints"] = new JsonObject { ["allow"] = new JsonArray("GET") },
                },
                ["cancel"] = OktaJson.Cancel(org),
            },
        };
    }

    /// <summary>A step-up transaction that has reached SUCCESS and waits for its redirect. Caller holds the lock.</summary>
    internal static AuthnTransaction? FinishedStepUp(SandboxState state, string? stateToken) =>
        FindTransaction(state, stateToken) is { Kind: TransactionKind.AppStepUp, Status: "SUCCESS" } tx ? tx : null;

    internal static AuthnTransaction NewTransaction(SandboxState state, UserRuntime user, string status,
        TransactionKind kind = TransactionKind.PrimaryAuthentication, string? sessionId = null, string? appInstanceId = null, string? fromUri = null)
    {
        var tx = new AuthnTransaction
        {
            StateToken = RandomTokens.StateToken(),
            User = user,
            Kind = kind,
            ExpiresAt = state.Now.AddSeconds(state.Settings.TransactionLifetimeSeconds),
            Status = status,
            BoundSessionId = sessionId,
            StepUpAppInstanceId = appInstanceId,
            FromUri = fromUri,
        };
        state.Transactions[tx.StateToken] = tx;
        return tx;
    }

    private static AuthnTransaction? FindTransaction(SandboxState state, string? stateToken)
    {
        if (stateToken is null || !state.Transactions.TryGetValue(stateToken, out var tx))
        {
            return null;
        }

        if (tx.ExpiresAt <= state.Now || tx.Completed)
        {
            state.Transactions.Remove(stateToken);
            return null;
        }

        return tx;
    }

    /// <summary>Counts a failure; true when it locked the user.</summary>
    private static bool RecordFailure(SandboxState state, UserRuntime user)
    {
        user.FailedAttempts++;
        if (user.FailedAttempts >= state.Settings.MaxFailedAttempts)
        {
            user.LockedByFailures = true;
            return true;
        }

        return false;
    }

    private static IResult LockAndFail(SandboxState state, AuthnTransaction tx)
    {
        state.Transactions.Remove(tx.StateToken);
        return OktaJson.UserLocked();
    }

    private static IResult LockedOut(string org) => OktaJson.Json(new JsonObject
    {
        ["status"] = "LOCKED_OUT",
        ["_links"] = new JsonObject
        {
            ["next"] = OktaJson.Link($"{org}/api/v1/authn/recovery/unlock", "unlock"),
        },
    });
}
