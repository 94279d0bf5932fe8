namespace Keyman.Core.Okta.Idx;

/// <summary>
/// Turns IDX messages (<c>messages.value[]</c> on the answer or on a form field: message, i18n.key, class) into
/// one-line failures with a fix and an exit code. Keys are those of Okta's captured answers
/// (okta/okta-signin-widget playground/mocks/data/idp/idx/error-*.json) and of its i18n login.properties.
/// </summary>
internal static class IdxErrors
{
    public const string DeviceFlowHint =
        "Sign in with a browser instead: set oidc_client_id (an Okta OIDC native app allowed as a web SSO client of the AWS app) and run keyman --device.";

    /// <summary>Error messages of the answer and of every field of its forms (nested forms included).</summary>
    public static List<IdxMessage> Errors(IdxResponse response)
    {
        var errors = response.AllMessages.Where(m => m.IsError && !IsPlaceholder(m)).ToList();
        foreach (var form in response.Forms)
        {
            Collect(form.Fields, errors);
        }

        return errors;
    }

    /// <summary>A wrong one-time code: the challenge goes on and the user may try again.</summary>
    public static bool IsWrongCode(IdxMessage message) => message.Key is { } key && (
        key.Equals("api.authn.error.PASSCODE_INVALID", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("authfactor.challenge.soft_token.", StringComparison.OrdinalIgnoreCase)
        || key.Equals("incorrectAnswer", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("authfactor.challenge.question_factor.", StringComparison.OrdinalIgnoreCase)
        || key.Equals("errors.E0000113", StringComparison.OrdinalIgnoreCase));

    public static KeymanException ToException(IdxMessage message, string who)
    {
        var key = message.Key ?? string.Empty;
        var text = string.IsNullOrWhiteSpace(message.Message) ? key : message.Message.Trim();
        bool Is(params string[] keys) => keys.Any(k => key.Equals(k, StringComparison.OrdinalIgnoreCase));
        bool Starts(string prefix) => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

        if (Is("idx.session.expired", "error.expired.session", "errors.E0000011", "E0000011", "core.system.transaction_resource_not_found"))
        {
            return SessionExpired(text);
        }

        if (Is("incorrectPassword", "errors.E0000004", "E0000004", "password.passwordIncorrect"))
        {
            return new KeymanException(ExitCodes.AuthenticationFailed, $"Okta rejected the username or password for {who}",
                "Check the username and the Okta org; if the password comes from the keyring, run with -R to enter it again.");
        }

        if (Is("errors.E0000119", "errors.E0000069", "E0000069", "error.auth.lockedOut") || Starts("oie.selfservice.unlock_user"))
        {
            return Locked(who);
        }

        if (Is("errors.E0000064", "E0000064") || Starts("password.expired"))
        {
            return PasswordExpired(who);
        }

        if (Starts("oie.authenticator.duo"))
        {
            // error-authenticator-duo-verification-failed.json / -timeout.json
            return new KeymanException(ExitCodes.MfaFailed, $"Okta did not accept Duo's answer: {text}",
                "Run keyman again; if it keeps failing, ask your Okta administrator to check the Duo authenticator.");
        }

        if (Is("api.authn.poll.error.push_rejected"))
        {
            return PushRejected();
        }

        if (IsWrongCode(message) || Is("authfactor.challenge.suspended_factor"))
        {
            return new KeymanException(ExitCodes.MfaFailed, $"MFA failed: {text}",
                "Use a fresh code from the right account (check the device clock for TOTP apps), then run keyman again.");
        }

        if (Is("oie.assurance.unsatisfiable") || Starts("idx.error.code.access_denied.device_assurance") || Starts("idx.device_assurance")
            || Starts("oie.authenticator.oktaverify.method.fastpass") || Starts("oie.okta_verify.fastpass") || Starts("authfactor.webauthn"))
        {
            return BrowserRequired($"Okta's policy for this app needs what a terminal cannot give: {text}");
        }

        if (Is("idx.error.user.not.assigned.to.app", "idx.error.code.user_not_assigned"))
        {
            return new KeymanException(ExitCodes.NoAwsApps, $"Okta says {who} may not use this AWS app: {text}",
                "Ask your Okta administrator to assign you the AWS app, or fix appid in your config.");
        }

        if (Is("tooManyRequests", "errors.E0000047", "E0000047", "errors.E0000150", "errors.E0000151"))
        {
            return new KeymanException(ExitCodes.RateLimited, $"Okta rate limit hit during sign-in: {text}", "Wait a minute and run keyman again.");
        }

        return new KeymanException(ExitCodes.OktaError, $"Okta stopped the sign-in: {text}{(key.Length > 0 ? $" ({key})" : string.Empty)}",
            "Sign in once in a browser to see what Okta asks for; --debug shows the steps.");
    }

    public static KeymanException SessionExpired(string? detail = null) => new(ExitCodes.OktaSessionExpired,
        detail is null ? "The Okta sign-in expired (IDX state handle)" : $"The Okta sign-in expired (IDX state handle): {detail}",
        "Run keyman again and finish MFA within the time Okta gives (usually 5 minutes).");

    public static KeymanException Locked(string who) => new(ExitCodes.AccountLocked, $"The Okta account {who} is locked",
        "Unlock it with Okta's self-service unlock (\"Unlock account?\" on the sign-in page) or ask your Okta administrator.");

    public static KeymanException PasswordExpired(string who) => new(ExitCodes.PasswordExpired, $"The Okta password of {who} has expired",
        "Change it in the Okta web UI, then run keyman again.");

    public static KeymanException PushRejected() => new(ExitCodes.MfaFailed, "Okta Verify push was rejected",
        "If you did not reject it yourself, tell your security team. Run keyman again to retry.");

    public static KeymanException BrowserRequired(string message) => new(ExitCodes.BrowserRequired, message, DeviceFlowHint);

    /// <summary>Okta's widget mocks list empty "error.*.required" messages next to the real one; they say nothing.</summary>
    private static bool IsPlaceholder(IdxMessage message) => string.IsNullOrWhiteSpace(message.Message) && message.Key is not "idx.session.expired";

    private static void Collect(IReadOnlyList<IdxField> fields, List<IdxMessage> into)
    {
        foreach (var field in fields)
        {
            if (field.Messages?.Value is { } messages)
            {
                into.AddRange(messages.Where(m => m.IsError && !IsPlaceholder(m)));
            }

            if (field.Form?.Value is { } nested)
            {
                Collect(nested, into);
            }
        }
    }
}
