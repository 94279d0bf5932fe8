using System.Text.Json;
using System.Text.Json.Nodes;
using Keyman.Core.Okta.Duo;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Idx;

/// <summary>The username and password for an IDX sign-in; the password is left out of <see cref="ToString"/>.</summary>
public sealed record IdxCredentials(string Username, string Password)
{
    public override string ToString() => $"IdxCredentials {{ Username = {Username}, Password = (hidden) }}";
}

/// <summary>
/// Okta Identity Engine sign-in from the terminal: walks the IDX remediations from the app's sign-in page to the
/// success redirect, as Okta's sign-in page does (okta/okta-idx-golang walks them the same way): identify, the password,
/// the authenticator menu, codes (3 tries, "resend" for phone and email), the Okta Verify push poll with its number
/// challenge. Menus, prompts and log lines are Classic's (<see cref="OktaAuthenticator"/>), and so is <c>--factor</c>.
/// Prompts go through <see cref="IInteraction"/>, status through <see cref="ILog"/>; no secret is logged.
/// </summary>
public sealed class IdxSignIn
{
    private const int MaxSteps = 20;
    private const int MaxSameStep = 3;

    private readonly IdxClient _client;
    private readonly IInteraction _interaction;
    private readonly ILog _log;
    private readonly TimeProvider _time;
    private readonly MfaOptions _options;

    public IdxSignIn(IdxClient client, IInteraction interaction, ILog log, TimeProvider time, MfaOptions? options = null)
    {
        _client = client;
        _interaction = interaction;
        _log = log;
        _time = time;
        _options = options ?? new MfaOptions();
    }

    /// <summary>The Duo client (the one Okta Classic's Duo factor uses); without it Duo is left to a browser.</summary>
    internal DuoAuthenticator? Duo { get; init; }

    /// <summary>
    /// Signs in from the <paramref name="stateToken"/> of the sign-in page (<see cref="IdxSignInPage.FindStateToken"/>)
    /// and returns the success redirect (<c>/login/token/redirect?stateToken=…</c>), to be followed as given, with the
    /// same cookies, to the app's SAML form. <paramref name="credentials"/> may be null for a step-up, where Okta
    /// already knows the user and asks only for the missing factor; it is needed when Okta asks who the user is.
    /// </summary>
    public async Task<Uri> SignInAsync(string stateToken, IdxCredentials? credentials, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateToken);
        var walk = new Walk(credentials);
        var response = await _client.IntrospectAsync(stateToken, cancellationToken).ConfigureAwait(false);
        for (var step = 0; step < MaxSteps; step++)
        {
            walk.Who = credentials?.Username ?? response.User?.Value?.Identifier ?? walk.Who;
            if (response.Success?.Href is { Length: > 0 } href)
            {
                _log.Debug("Okta Identity Engine sign-in succeeded (success redirect received)");
                return _client.Resolve(href);
            }

            if (IdxErrors.Errors(response) is [var error, ..])
            {
                throw IdxErrors.ToException(error, walk.Who);
            }

            response = await NextAsync(response, walk, cancellationToken).ConfigureAwait(false);
        }

        throw new KeymanException(ExitCodes.OktaError, "Okta kept asking for more sign-in steps; giving up",
            "Sign in through a browser to see what Okta asks for.");
    }

    private Task<IdxResponse> NextAsync(IdxResponse response, Walk walk, CancellationToken cancellationToken)
    {
        if (response.Form("identify") is { } identify)
        {
            return IdentifyAsync(identify, walk, cancellationToken);
        }

        if (response.Form("challenge-poll") is { } poll)
        {
            return PollAsync(response, poll, walk, cancellationToken);
        }

        if (response.Form("challenge-authenticator") is { } challenge)
        {
            return ChallengeAsync(response, challenge, walk, cancellationToken);
        }

        if (response.Form("authenticator-verification-data") is { } data)
        {
            return VerificationDataAsync(response, data, walk, cancellationToken);
        }

        if (response.Form("select-authenticator-authenticate") is { } menu)
        {
            return SelectAsync(response, menu, walk, cancellationToken);
        }

        if (response.Form("skip") is { } skip && response.Form("reenroll-authenticator-warning") is not null)
        {
            _log.Warning("Your Okta password expires soon; change it in the Okta web UI");
            return SubmitAsync(skip, new(), walk, cancellationToken);
        }

        if (response.Form("reenroll-authenticator") is not null)
        {
            throw IdxErrors.PasswordExpired(walk.Who);
        }

        if (response.Forms.FirstOrDefault(f => f.Name is "select-authenticator-enroll" or "enroll-authenticator" or "enroll-poll" or "authenticator-enrollment-data") is { } enroll)
        {
            throw EnrollmentRequired(response, enroll, walk.Who);
        }

        if (response.Forms.FirstOrDefault(f => f.Name is "redirect-idp" or "launch-authenticator" or "device-challenge-poll" or "device-assurance-grace-period") is { } browser)
        {
            throw IdxErrors.BrowserRequired($"Okta's policy for this app asks for a step only a browser can take ({browser.Name})");
        }

        if (response.Form("unlock-account") is not null)
        {
            throw IdxErrors.Locked(walk.Who);
        }

        var names = string.Join(", ", response.Forms.Select(f => f.Name).OfType<string>());
        throw names.Length == 0 && response.Intent is null && response.StateHandle is null
            ? IdxErrors.SessionExpired()
            : new KeymanException(ExitCodes.OktaError,
                names.Length == 0 ? "Okta's sign-in ended without success" : $"Okta's sign-in asks for a step Keyman cannot take ({names})",
                "Sign in through a browser to see what Okta asks for; --debug shows the steps.");
    }

    private Task<IdxResponse> IdentifyAsync(IdxForm form, Walk walk, CancellationToken cancellationToken)
    {
        var credentials = RequireCredentials(walk, "your username");
        var values = new Dictionary<string, object?> { ["identifier"] = credentials.Username };
        if (form.Field("credentials") is not null)
        {
            values["credentials"] = new Dictionary<string, object?> { ["passcode"] = credentials.Password };
            walk.PasswordsSent++;
        }

        _log.Debug($"Identifying to Okta as {credentials.Username}{(form.Field("credentials") is null ? string.Empty : " (with the password)")}");
        return SubmitAsync(form, values, walk, cancellationToken);
    }

    /// <summary>A phone with several methods and no auto-challenge: say which one (the one chosen, the preferred, else the first).</summary>
    private Task<IdxResponse> VerificationDataAsync(IdxResponse response, IdxForm form, Walk walk, CancellationToken cancellationToken)
    {
        var methods = form.Field("authenticator")?.Form?.Value?.FirstOrDefault(f => f.Name == "methodType")?.Options?
            .Select(o => o.Value is { ValueKind: JsonValueKind.String } v ? v.GetString() : null).OfType<string>().ToList() ?? [];
        var current = response.Current;
        var method = walk.Chosen?.MethodType
            ?? methods.FirstOrDefault(m => !string.IsNullOrWhiteSpace(_options.PreferredFactor)
                && IdxChoice.FactorFor(current?.Key, m, current?.Profile).Matches(_options.PreferredFactor))
            ?? methods.FirstOrDefault();
        if (walk.Chosen is null && method is not null)
        {
            walk.Chosen = IdxChoice.ForMethod(current, method);
        }

        return SubmitAsync(form, new() { ["authenticator"] = new Dictionary<string, object?> { ["methodType"] = method } }, walk, cancellationToken);
    }

    private async Task<IdxResponse> SelectAsync(IdxResponse response, IdxForm form, Walk walk, CancellationToken cancellationToken)
    {
        var choices = IdxChoice.From(response, form);
        var password = choices.FirstOrDefault(c => c.IsPassword);
        IdxChoice choice;
        if (password is not null && walk.PasswordsSent == 0 && walk.Credentials is not null)
        {
            choice = password;
        }
        else
        {
            var usable = choices.Where(c => !c.IsPassword && c.Factor.Kind != FactorKind.Unsupported).ToList();
            if (usable.Count == 0)
            {
                throw NoUsableChoice(choices.Where(c => !c.IsPassword).ToList(), walk.Who);
            }

            choice = await ChooseAsync(usable, cancellationToken).ConfigureAwait(false);
        }

        walk.Chosen = choice;
        _log.Debug($"Using {(choice.IsPassword ? "the password" : $"MFA factor: {choice.Factor.Description}")}");
        var values = new Dictionary<string, object?> { ["authenticator"] = IdxFormBody.Build(form.Name ?? "authenticator", choice.OptionFields, choice.FormValues()) };
        var next = await SubmitAsync(form, values, walk, cancellationToken).ConfigureAwait(false);
        if (choice.Factor.Kind == FactorKind.Push)
        {
            var device = choice.Authenticator?.Profile?.DeviceName is { Length: > 0 } name ? name : "your device";
            _log.MustShow($"Okta Verify push sent to {device}; approve it there");
        }

        return next;
    }

    private Task<IdxChoice> ChooseAsync(List<IdxChoice> usable, CancellationToken cancellationToken) =>
        MfaChoice.ChooseAsync(usable, c => c.Factor, _options, _log, _interaction, cancellationToken);

    private async Task<IdxResponse> ChallengeAsync(IdxResponse response, IdxForm form, Walk walk, CancellationToken cancellationToken)
    {
        var current = response.Current;
        if (current?.Key == "okta_password" || current?.Type == "password" || walk.Chosen?.IsPassword == true && current is null)
        {
            var credentials = RequireCredentials(walk, "your password");
            if (walk.PasswordsSent > 0 && walk.Chosen?.IsPassword != true)
            {
                // Okta asks for the password again after it was sent: it did not take it.
                throw IdxErrors.ToException(new IdxMessage { I18n = new IdxI18n { Key = "incorrectPassword" } }, walk.Who);
            }

            walk.PasswordsSent++;
            walk.Chosen = null;
            return await SubmitAsync(form, Passcode(credentials.Password), walk, cancellationToken).ConfigureAwait(false);
        }

        var factor = walk.Chosen is { IsPassword: false } chosen ? chosen.Factor
            : current is not null ? IdxChoice.ForCurrent(current)
            : throw new KeymanException(ExitCodes.OktaError, "Okta asks for an MFA answer without saying for which authenticator", "Report this with --debug output.");
        walk.Chosen = null;
        if (factor.DuoMethod is not null || current?.Key == IdxChoice.DuoKey)
        {
            return await DuoAsync(current, form, factor, cancellationToken).ConfigureAwait(false);
        }

        if (factor.Kind == FactorKind.Unsupported)
        {
            throw NoUsableChoice([], walk.Who, factor);
        }

        RequireTerminal(factor);
        switch (factor.Kind)
        {
            case FactorKind.Question:
                var question = current?.Profile?.Question ?? current?.ContextualData?.EnrolledQuestion?.Question
                    ?? form.Field("credentials")?.Form?.Value?.FirstOrDefault(f => f.Name == "questionKey")?.Label;
                _log.MustShow($"Security question: {question ?? "(Okta sent no question text)"}");
                return await AnswerAsync(response, factor, "Answer: ", isAnswer: true, cancellationToken).ConfigureAwait(false);
            case FactorKind.SentCode:
                var profile = factor.Raw.Profile;
                _log.Info(factor.FactorType switch
                {
                    "call" => $"Okta is calling {profile?.PhoneNumber ?? "your phone"} with a code",
                    "email" => $"Okta sent a code by email to {profile?.Email ?? "your address"}",
                    _ => $"Okta sent a code by SMS to {profile?.PhoneNumber ?? "your phone"}",
                });
                var label = factor.FactorType switch { "sms" => "SMS", "call" => "Call", _ => "Email" };
                return await AnswerAsync(response, factor, $"{label} code (or 'resend'): ", isAnswer: false, cancellationToken).ConfigureAwait(false);
            default:
                _log.MustShowWarning($"MFA Requirement Detected - Enter your {factor.ProviderName} code here");
                return await AnswerAsync(response, factor, "MFA Passcode: ", isAnswer: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The Duo authenticator's challenge, as the sign-in page answers it: Duo's frame opened with the challenge's host and
    /// signed request, the chosen Duo method (from the menu, <c>--factor</c>/<c>-d</c>, else Duo's own menu), and Duo's
    /// signed response posted back as signatureData.
    /// </summary>
    private async Task<IdxResponse> DuoAsync(IdxAuthenticator? current, IdxForm form, MfaFactor factor, CancellationToken cancellationToken)
    {
        var data = current?.ContextualData;
        if (Duo is null || data?.IntegrationType is { } type && !type.Equals("IFRAME", StringComparison.OrdinalIgnoreCase))
        {
            throw IdxErrors.BrowserRequired($"Okta's Duo authenticator is set up for a browser ({data?.IntegrationType ?? "no terminal client"})");
        }

        if (data?.Host is not { Length: > 0 } host || data.SignedToken is not { Length: > 0 } signedToken)
        {
            throw new KeymanException(ExitCodes.MfaFailed, "Okta's Duo challenge names no Duo host or signed request",
                "Run keyman again; if it persists, ask your Okta administrator to check the Duo authenticator.");
        }

        var method = factor.DuoMethod
            ?? (await MfaChoice.ChooseAsync([.. MfaFactor.Expand(factor.Raw)], f => f, _options, _log, _interaction, cancellationToken).ConfigureAwait(false)).DuoMethod
            ?? DuoMethod.Push;
        var signature = await Duo.SignFrameAsync(host, signedToken, method, cancellationToken).ConfigureAwait(false);
        var credentials = new Dictionary<string, object?> { ["signatureData"] = signature };
        return await _client.SubmitAsync(form, IdxFormBody.Build(form, new Dictionary<string, object?> { ["credentials"] = credentials }), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for a code (or answer) and submits it, up to MaxCodeAttempts times; "resend" asks Okta to send the code again.</summary>
    private async Task<IdxResponse> AnswerAsync(IdxResponse response, MfaFactor factor, string prompt, bool isAnswer, CancellationToken cancellationToken)
    {
        var what = isAnswer ? "answer" : "passcode";
        var maxAttempts = Math.Max(1, _options.MaxCodeAttempts);
        var attempts = 0;
        var resends = 0;
        while (attempts < maxAttempts)
        {
            var form = response.Form("challenge-authenticator")
                ?? throw new KeymanException(ExitCodes.OktaError, "Okta's sign-in lost the MFA answer form", "Run keyman again.");
            var input = await _interaction.AskAsync(prompt, isAnswer, cancellationToken).ConfigureAwait(false) ?? string.Empty;
            if (factor.Kind == FactorKind.SentCode && input.Trim().Equals("resend", StringComparison.OrdinalIgnoreCase))
            {
                var resend = response.Current?.Resend ?? response.Form("resend");
                if (resend is null || resends >= _options.MaxResends)
                {
                    _log.MustShowWarning(resend is null ? "Okta offers no way to resend this code" : "The code was resent too often; enter the last code you received");
                    attempts++;
                    continue;
                }

                resends++;
                var resent = await _client.SubmitAsync(resend, IdxFormBody.Build(resend), cancellationToken).ConfigureAwait(false);
                if (IdxErrors.Errors(resent) is [var resendError, ..])
                {
                    throw IdxErrors.ToException(resendError, "your Okta user");
                }

                response = resent;
                _log.MustShow($"Okta sent a new code by {factor.ChannelName}");
                continue;
            }

            attempts++;
            var value = isAnswer ? input.Trim() : string.Concat(input.Where(c => !char.IsWhiteSpace(c)));
            if (value.Length == 0)
            {
                _log.MustShowWarning(isAnswer ? "No answer entered" : "No code entered");
                continue;
            }

            var credentials = isAnswer ? new Dictionary<string, object?> { ["answer"] = value } : new Dictionary<string, object?> { ["passcode"] = value };
            var result = await _client.SubmitAsync(form, IdxFormBody.Build(form, new Dictionary<string, object?> { ["credentials"] = credentials }), cancellationToken).ConfigureAwait(false);
            var errors = IdxErrors.Errors(result);
            if (errors.Count == 0 || !errors.All(IdxErrors.IsWrongCode) || result.Form("challenge-authenticator") is null)
            {
                return result;
            }

            _log.MustShowWarning(isAnswer ? "Invalid answer" : "Invalid passcode");
            response = result;
        }

        throw new KeymanException(ExitCodes.MfaFailed, $"MFA failed: no valid {what} for {factor.Description} after {maxAttempts} attempts",
            isAnswer
                ? "Check the answer to your security question in the Okta web UI, then run keyman again."
                : "Use a fresh code from the right account (check the device clock for TOTP apps), then run keyman again.");
    }

    private async Task<IdxResponse> PollAsync(IdxResponse response, IdxForm poll, Walk walk, CancellationToken cancellationToken)
    {
        var current = response.Current;
        if (current?.Methods?.Any(m => (m.Type ?? m.MethodType) == "signed_nonce") == true)
        {
            throw IdxErrors.BrowserRequired("Okta's policy for this app asks for Okta FastPass, which a terminal cannot give");
        }

        walk.Chosen = null;
        var deadline = _time.GetUtcNow() + _options.PushTimeout;
        using var waiting = _interaction.Wait("Waiting for Okta Verify push");
        string? shownNumber = null;
        while (true)
        {
            if (response.Current?.ContextualData?.CorrectAnswer is { } answer && Text(answer) is { Length: > 0 } number && number != shownNumber)
            {
                _log.MustShowWarning($"Okta Verify: tap {number} on your device");
                shownNumber = number;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new KeymanException(ExitCodes.MfaFailed, $"Okta Verify push timed out: not approved within {_options.PushTimeout.TotalSeconds:0} s",
                    "Approve the push on your device sooner, then run keyman again.");
            }

            var wait = poll.Refresh is > 0 and var ms ? TimeSpan.FromMilliseconds(ms) : _options.PushPollInterval;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
            response = await _client.SubmitAsync(poll, IdxFormBody.Build(poll), cancellationToken).ConfigureAwait(false);
            if (IdxErrors.Errors(response) is [var error, ..])
            {
                throw error.Key is "core.system.transaction_resource_not_found" or "E0000010"
                    ? new KeymanException(ExitCodes.MfaFailed, "Okta Verify push timed out on Okta's side", "Approve the push on your device sooner, then run keyman again.")
                    : IdxErrors.ToException(error, walk.Who);
            }

            if (response.Form("challenge-poll") is not { } next || response.Success is not null)
            {
                return response;
            }

            poll = next;
        }
    }

    private async Task<IdxResponse> SubmitAsync(IdxForm form, Dictionary<string, object?> values, Walk walk, CancellationToken cancellationToken)
    {
        var name = form.Name ?? "(unnamed)";
        walk.Steps[name] = walk.Steps.GetValueOrDefault(name) + 1;
        if (walk.Steps[name] > MaxSameStep)
        {
            throw new KeymanException(ExitCodes.OktaError, $"Okta kept asking for the sign-in step \"{name}\"; giving up",
                "Sign in through a browser to see what Okta asks for; --debug shows the steps.");
        }

        return await _client.SubmitAsync(form, IdxFormBody.Build(form, values), cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, object?> Passcode(string secret) =>
        new() { ["credentials"] = new Dictionary<string, object?> { ["passcode"] = secret } };

    private IdxCredentials RequireCredentials(Walk walk, string what) => walk.Credentials
        ?? throw new KeymanException(ExitCodes.Usage, $"Okta's sign-in asks for {what}, but Keyman has none for this step",
            "Run keyman with your Okta username (-u) so that it can log in.");

    private void RequireTerminal(MfaFactor factor)
    {
        if (!_interaction.CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage, $"Okta asks for MFA ({factor.Description}), which needs a terminal to answer",
                "Run keyman in a terminal, or set Okta Verify push as the preferred MFA factor.");
        }
    }

    private static KeymanException NoUsableChoice(List<IdxChoice> choices, string who, MfaFactor? only = null)
    {
        var factors = only is not null ? [only] : choices.Select(c => c.Factor).ToList();
        var names = factors.Select(f => f.Description).Distinct().ToList();
        if (factors.Count > 0 && factors.All(f => f.FactorType is "signed_nonce" or "webauthn" or "u2f" or "idp" or "web"))
        {
            return IdxErrors.BrowserRequired($"Okta asks {who} for {string.Join(" or ", names)}, which a terminal cannot give");
        }

        return new KeymanException(ExitCodes.MfaUnavailable,
            names.Count == 0 ? $"Okta requires MFA for {who} but lists no authenticator" : $"None of the authenticators Okta offers {who} is supported by Keyman ({string.Join(", ", names)})",
            "Enroll Okta Verify, Google Authenticator, a phone or email in the Okta web UI, then run keyman again.");
    }

    private static KeymanException EnrollmentRequired(IdxResponse response, IdxForm form, string who)
    {
        var labels = form.Field("authenticator")?.Options?.Select(o => o.Label).OfType<string>().Distinct().ToList() ?? [];
        if (labels.Count == 0 && response.Current?.DisplayName is { Length: > 0 } current)
        {
            labels.Add(current);
        }

        var which = labels.Count == 0 ? "an authenticator" : string.Join(" or ", labels);
        return new KeymanException(ExitCodes.MfaUnavailable, $"Okta requires {who} to enroll {which} before signing in to this app",
            "Enrolment happens in the browser: sign in to Okta in a browser, set it up when Okta asks, then run keyman again.");
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    /// <summary>What this walk has done so far.</summary>
    private sealed class Walk(IdxCredentials? credentials)
    {
        public IdxCredentials? Credentials { get; } = credentials;

        public string Who { get; set; } = credentials?.Username ?? "your Okta user";

        public int PasswordsSent { get; set; }

        /// <summary>The menu choice just submitted, so the following challenge knows its factor.</summary>
        public IdxChoice? Chosen { get; set; }

        public Dictionary<string, int> Steps { get; } = new(StringComparer.Ordinal);
    }
}
