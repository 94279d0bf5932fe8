using System.Text.Json;
using Keyman.Core.Okta.Duo;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta;

/// <summary>
/// Okta Classic login: password (/api/v1/authn), every transaction state, MFA with the supported factors, session
/// creation, and application-level (step-up) MFA. Prompts go through <see cref="IInteraction"/>, status through <see cref="ILog"/>;
/// no secret is ever logged or put in an exception message.
/// </summary>
public sealed class OktaAuthenticator
{
    private const int MaxTransactionSteps = 10;

    private const string SupportedFactors =
        "Keyman supports Okta Verify (push or code), Google Authenticator and other TOTP apps, YubiKey OTP, RSA SecurID, " +
        "Symantec VIP, HOTP tokens, SMS, voice call, email, security questions and Duo (push, phone call, passcode)";

    private readonly OktaClient _client;
    private readonly IInteraction _interaction;
    private readonly ILog _log;
    private readonly TimeProvider _time;
    private readonly MfaOptions _options;

    public OktaAuthenticator(OktaClient client, IInteraction interaction, ILog log, TimeProvider time, MfaOptions? options = null)
    {
        _client = client;
        _interaction = interaction;
        _log = log;
        _time = time;
        _options = options ?? new MfaOptions();
    }

    public OktaClient Client => _client;

    /// <summary>Logs in with a password (and MFA when Okta asks), then creates a session whose id becomes the sid cookie.</summary>
    public async Task<OktaSession> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
        {
            throw new KeymanException(ExitCodes.Usage, "Cannot log in to Okta with a blank username or password", "Enter your Okta username and password.");
        }

        AuthnTransaction transaction;
        try
        {
            transaction = await PostTransactionAsync(_client.Api("authn"), new AuthnRequest
            {
                Username = username,
                Password = password,
                Options = new AuthnRequestOptions { MultiOptionalFactorEnroll = false, WarnBeforePasswordExpired = false },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OktaApiException e)
        {
            throw Translate(e, username, inMfa: false);
        }

        var success = await CompleteAsync(transaction, username, cancellationToken).ConfigureAwait(false);
        var profile = success.Embedded?.User?.Profile;
        var name = $"{profile?.FirstName} {profile?.LastName}".Trim();
        var displayName = name.Length > 0 ? name : profile?.Login ?? username;
        _log.Info($"Successfully authed {displayName}");
        if (success.Type == DuoSuccess)
        {
            // Duo's Universal Prompt ends with Okta's sid cookie instead of a sessionToken.
            var session = await _client.GetCurrentSessionAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new KeymanException(ExitCodes.OktaError, "Okta did not accept the session it set after Duo", "Run keyman again; report this with --debug output if it persists.");
            return session with { DisplayName = displayName };
        }

        return await _client.CreateSessionAsync(success.SessionToken!, displayName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Application-level MFA: resumes the transaction of a step-up page and returns a one-time sessionToken.</summary>
    public async Task<StepUpResult> StepUpAsync(string stateToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateToken);
        AuthnTransaction transaction;
        try
        {
            transaction = await PostTransactionAsync(_client.Api("authn"), new AuthnRequest { StateToken = stateToken }, cancellationToken).ConfigureAwait(false);
        }
        catch (OktaApiException e) when (e.ErrorCode is "E0000011" or "E0000004")
        {
            throw new KeymanException(ExitCodes.OktaSessionExpired,
                "Okta did not accept the step-up transaction of the AWS app",
                "Run keyman again. If it keeps failing, your org may use Okta Identity Engine, whose app-level MFA Keyman cannot answer yet.", e);
        }
        catch (OktaApiException e)
        {
            throw Translate(e, null, inMfa: true);
        }

        var success = await CompleteAsync(transaction, null, cancellationToken, stepUp: true).ConfigureAwait(false);
        var next = success.Links?.Next?.Href is { Length: > 0 } href ? _client.Resolve(href) : null;
        _log.Debug(next is not null ? $"Application-level MFA done ({success.Type ?? "SUCCESS"}, continuing at {next.GetLeftPart(UriPartial.Path)})" : "Application-level MFA done (session token received)");
        return new StepUpResult(success.SessionToken, next);
    }

    /// <inheritdoc cref="OktaClient.GetAwsAppsAsync"/>
    public Task<IReadOnlyList<AwsAppLink>> GetAwsAppsAsync(CancellationToken cancellationToken) => _client.GetAwsAppsAsync(cancellationToken);

    /// <inheritdoc cref="OktaClient.GetAppPageAsync"/>
    public Task<AppPage> GetAppPageAsync(string appIdOrLink, string? sessionToken, CancellationToken cancellationToken) =>
        _client.GetAppPageAsync(appIdOrLink, sessionToken, cancellationToken);

    /// <inheritdoc cref="OktaClient.GetCurrentSessionAsync"/>
    public Task<OktaSession?> GetCurrentSessionAsync(CancellationToken cancellationToken) => _client.GetCurrentSessionAsync(cancellationToken);

    /// <inheritdoc cref="OktaClient.RefreshSessionAsync"/>
    public Task<OktaSession?> RefreshSessionAsync(CancellationToken cancellationToken) => _client.RefreshSessionAsync(cancellationToken);

    /// <summary>Walks the transaction until SUCCESS, answering MFA and skipping a password warning.</summary>
    /// <param name="stepUp">A step-up may succeed without a sessionToken when it names where to continue (_links.next).</param>
    private async Task<AuthnTransaction> CompleteAsync(AuthnTransaction transaction, string? username, CancellationToken cancellationToken, bool stepUp = false)
    {
        var who = username ?? "your Okta user";
        for (var step = 0; step < MaxTransactionSteps; step++)
        {
            var status = transaction.Status?.ToUpperInvariant();
            switch (status)
            {
                case "SUCCESS" when transaction.Type == DuoSuccess:
                    return transaction;

                case "SUCCESS":
                    if (string.IsNullOrEmpty(transaction.SessionToken) && !(stepUp && transaction.Links?.Next?.Href is { Length: > 0 }))
                    {
                        throw new KeymanException(ExitCodes.OktaError, "Okta reported SUCCESS without a session token",
                            "Your org may use Okta Identity Engine features Keyman does not support yet; report this with --debug output.");
                    }

                    _log.Debug("Okta authentication succeeded (session token received)");
                    return transaction;

                case "MFA_REQUIRED" or "MFA_CHALLENGE":
                    try
                    {
                        transaction = await RunMfaAsync(transaction, who, stepUp, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OktaApiException e)
                    {
                        throw Translate(e, username, inMfa: true);
                    }

                    break;

                case "PASSWORD_WARN":
                    var days = transaction.Embedded?.Policy?.Expiration?.PasswordExpireDays;
                    _log.Warning(days is null
                        ? "Your Okta password expires soon; change it in the Okta web UI"
                        : $"Your Okta password expires in {days} day(s); change it in the Okta web UI");
                    if (transaction.Links?.Skip?.Href is not { Length: > 0 } skip || string.IsNullOrEmpty(transaction.StateToken))
                    {
                        throw new KeymanException(ExitCodes.PasswordExpired, "Okta asks to change the password before continuing",
                            "Change your password in the Okta web UI, then run keyman again.");
                    }

                    transaction = await PostTransactionAsync(_client.Resolve(skip), new VerifyRequest { StateToken = transaction.StateToken }, cancellationToken).ConfigureAwait(false);
                    break;

                case "MFA_ENROLL" or "MFA_ENROLL_ACTIVATE":
                    throw new KeymanException(ExitCodes.MfaUnavailable, $"Okta requires MFA for {who}, but no MFA factor enrolled is ready",
                        "Enroll an MFA factor (e.g. Okta Verify or Google Authenticator) in the Okta web UI, then run keyman again.");

                case "LOCKED_OUT":
                    throw Locked(who, null);

                case "PASSWORD_EXPIRED":
                    throw Expired(who, null);

                default:
                    throw new KeymanException(ExitCodes.OktaError, $"Okta returned the login state {status ?? "(none)"}, which Keyman cannot handle",
                        "Log in through the Okta web UI to finish what Okta asks for (recovery, password reset...), then run keyman again.");
            }
        }

        throw new KeymanException(ExitCodes.OktaError, "Okta kept asking for more steps; giving up", "Log in through the Okta web UI to see what Okta asks for.");
    }

    /// <param name="stepUp">An app's step-up: Duo's flow ends in Okta's redirect back to the app rather than a new session.</param>
    private async Task<AuthnTransaction> RunMfaAsync(AuthnTransaction transaction, string who, bool stepUp, CancellationToken cancellationToken)
    {
        var stateToken = transaction.StateToken;
        if (string.IsNullOrEmpty(stateToken))
        {
            throw new KeymanException(ExitCodes.OktaError, "Okta asked for MFA without a transaction state", "Try again; report this with --debug output if it persists.");
        }

        var enrolled = Factors(transaction).SelectMany(MfaFactor.Expand).ToList();
        var challengeLink = transaction.Status == "MFA_CHALLENGE" ? transaction.Links?.Next?.Href : null;
        var usable = enrolled
            .Where(f => f.Kind != FactorKind.Unsupported && (f.Raw.Links?.Verify?.Href ?? challengeLink) is { Length: > 0 })
            .ToList();
        if (usable.Count == 0)
        {
            throw NoSupportedFactor(enrolled, who);
        }

        var factor = await ChooseFactorAsync(usable, cancellationToken).ConfigureAwait(false);
        var verify = _client.Resolve(factor.Raw.Links?.Verify?.Href ?? challengeLink!);
        _log.Debug($"Using MFA factor: {factor.Description}");
        return factor.Kind switch
        {
            FactorKind.Push => await PushAsync(factor, verify, stateToken, cancellationToken).ConfigureAwait(false),
            FactorKind.SentCode => await SentCodeAsync(factor, verify, stateToken, cancellationToken).ConfigureAwait(false),
            FactorKind.Question => await QuestionAsync(factor, verify, stateToken, cancellationToken).ConfigureAwait(false),
            FactorKind.Duo => await DuoAsync(factor, verify, stateToken, transaction, stepUp, cancellationToken).ConfigureAwait(false),
            _ => await CodeAsync(factor, verify, stateToken, cancellationToken).ConfigureAwait(false),
        };
    }

    private Task<MfaFactor> ChooseFactorAsync(List<MfaFactor> usable, CancellationToken cancellationToken) =>
        MfaChoice.ChooseAsync(usable, f => f, _options, _log, _interaction, cancellationToken);

    private Task<AuthnTransaction> CodeAsync(MfaFactor factor, Uri verify, string stateToken, CancellationToken cancellationToken)
    {
        RequireTerminal(factor);
        _log.MustShowWarning($"MFA Requirement Detected - Enter your {factor.ProviderName} code here");
        return AskAndVerifyAsync(factor, verify, stateToken, "MFA Passcode: ", secret: true, isAnswer: false, resendFrom: null, cancellationToken);
    }

    private async Task<AuthnTransaction> SentCodeAsync(MfaFactor factor, Uri verify, string stateToken, CancellationToken cancellationToken)
    {
        RequireTerminal(factor);
        var challenge = await PostTransactionAsync(verify, new VerifyRequest { StateToken = stateToken }, cancellationToken).ConfigureAwait(false);
        if (!IsMfaState(challenge))
        {
            return challenge;
        }

        var profile = factor.Raw.Profile;
        _log.Info(factor.FactorType switch
        {
            "call" => $"Okta is calling {profile?.PhoneNumber ?? "your phone"} with a code",
            "email" => $"Okta sent a code by email to {profile?.Email ?? "your address"}",
            _ => $"Okta sent a code by SMS to {profile?.PhoneNumber ?? "your phone"}",
        });
        var next = challenge.Links?.Next?.Href is { Length: > 0 } href ? _client.Resolve(href) : verify;
        var label = factor.FactorType switch { "sms" => "SMS", "call" => "Call", _ => "Email" };
        return await AskAndVerifyAsync(factor, next, challenge.StateToken ?? stateToken, $"{label} code (or 'resend'): ",
            secret: true, isAnswer: false, resendFrom: challenge, cancellationToken).ConfigureAwait(false);
    }

    private Task<AuthnTransaction> QuestionAsync(MfaFactor factor, Uri verify, string stateToken, CancellationToken cancellationToken)
    {
        RequireTerminal(factor);
        _log.MustShow($"Security question: {factor.Raw.Profile?.QuestionText ?? factor.Raw.Profile?.Question ?? "(Okta sent no question text)"}");
        return AskAndVerifyAsync(factor, verify, stateToken, "Answer: ", secret: true, isAnswer: true, resendFrom: null, cancellationToken);
    }

    /// <summary>Asks for a code (or answer) and verifies it, up to MaxCodeAttempts times; "resend" asks Okta to send the code again.</summary>
    private async Task<AuthnTransaction> AskAndVerifyAsync(MfaFactor factor, Uri verify, string stateToken, string prompt, bool secret, bool isAnswer,
        AuthnTransaction? resendFrom, CancellationToken cancellationToken)
    {
        var what = isAnswer ? "answer" : "passcode";
        var maxAttempts = Math.Max(1, _options.MaxCodeAttempts);
        var attempts = 0;
        var resends = 0;
        while (attempts < maxAttempts)
        {
            var input = await AskAsync(factor, prompt, secret, cancellationToken).ConfigureAwait(false);
            if (resendFrom is not null && input.Trim().Equals("resend", StringComparison.OrdinalIgnoreCase))
            {
                var resend = ResendLink(resendFrom);
                if (resend is null || resends >= _options.MaxResends)
                {
                    _log.MustShowWarning(resend is null ? "Okta offers no way to resend this code" : "The code was resent too often; enter the last code you received");
                    attempts++;
                    continue;
                }

                resends++;
                var resent = await PostTransactionAsync(_client.Resolve(resend), new VerifyRequest { StateToken = stateToken }, cancellationToken).ConfigureAwait(false);
                stateToken = resent.StateToken ?? stateToken;
                if (resent.Links?.Next?.Href is { Length: > 0 } nextHref)
                {
                    verify = _client.Resolve(nextHref);
                }

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

            var request = isAnswer
                ? new VerifyRequest { StateToken = stateToken, Answer = value }
                : new VerifyRequest { StateToken = stateToken, PassCode = value };
            try
            {
                var result = await PostTransactionAsync(verify, request, cancellationToken).ConfigureAwait(false);
                if (!IsMfaState(result))
                {
                    return result;
                }

                // e.g. factorResult PASSCODE_REPLAYED or TIME_WINDOW_EXCEEDED: the transaction continues.
                stateToken = result.StateToken ?? stateToken;
                _log.MustShowWarning($"Okta did not accept the {what} ({result.FactorResult ?? result.Status})");
            }
            catch (OktaApiException e) when (e.ErrorCode == "E0000068")
            {
                _log.MustShowWarning(isAnswer ? "Invalid answer" : "Invalid passcode");
            }
        }

        throw new KeymanException(ExitCodes.MfaFailed, $"MFA failed: no valid {what} for {factor.Description} after {maxAttempts} attempts",
            isAnswer
                ? "Check the answer to your security question in the Okta web UI, then run keyman again."
                : "Use a fresh code from the right account (check the device clock for TOTP apps), then run keyman again.");
    }

    private async Task<AuthnTransaction> PushAsync(MfaFactor factor, Uri verify, string stateToken, CancellationToken cancellationToken)
    {
        var transaction = await PostTransactionAsync(verify, new VerifyRequest { StateToken = stateToken }, cancellationToken).ConfigureAwait(false);
        var deadline = _time.GetUtcNow() + _options.PushTimeout;
        _log.MustShow($"Okta Verify push sent to {(factor.Raw.Profile?.Name is { Length: > 0 } device ? device : "your device")}; approve it there");
        using var wait = _interaction.Wait("Waiting for Okta Verify push");
        int? shownNumber = null;
        while (true)
        {
            if (!IsMfaState(transaction))
            {
                return transaction;
            }

            switch (transaction.FactorResult?.ToUpperInvariant())
            {
                case "WAITING":
                    var number = Factors(transaction).FirstOrDefault()?.Embedded?.Challenge?.CorrectAnswer;
                    if (number is not null && number != shownNumber)
                    {
                        _log.MustShowWarning($"Okta Verify: tap {number} on your device");
                        shownNumber = number;
                    }

                    break;
                case "REJECTED":
                    throw new KeymanException(ExitCodes.MfaFailed, "Okta Verify push was rejected",
                        "If you did not reject it yourself, tell your security team. Run keyman again to retry.");
                case "TIMEOUT":
                    throw new KeymanException(ExitCodes.MfaFailed, "Okta Verify push timed out on Okta's side",
                        "Approve the push on your device sooner, then run keyman again.");
                default:
                    throw new KeymanException(ExitCodes.MfaFailed, $"Okta Verify push failed ({transaction.FactorResult ?? "no result"})",
                        "Run keyman again, or choose another MFA factor.");
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new KeymanException(ExitCodes.MfaFailed, $"Okta Verify push timed out: not approved within {_options.PushTimeout.TotalSeconds:0} s",
                    "Approve the push on your device sooner, then run keyman again.");
            }

            await Task.Delay(_options.PushPollInterval > TimeSpan.Zero ? _options.PushPollInterval : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
            var poll = transaction.Links?.Next?.Href is { Length: > 0 } href ? _client.Resolve(href) : verify;
            stateToken = transaction.StateToken ?? stateToken;
            transaction = await PostTransactionAsync(poll, new VerifyRequest { StateToken = stateToken }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A marker type for a transaction finished by Duo's Universal Prompt: Okta's session is already in the sid cookie.</summary>
    private const string DuoSuccess = "keyman:duo-session";

    /// <summary>
    /// Okta Classic's Duo Universal Prompt: verify gives MFA_CHALLENGE with a GET link into Duo; Duo's flow ends in Okta's
    /// session cookie, or, at an app's step-up, in Okta's redirect back to the app (returned as _links.next).
    /// </summary>
    private async Task<AuthnTransaction> DuoAsync(MfaFactor factor, Uri verify, string stateToken, AuthnTransaction current, bool stepUp, CancellationToken cancellationToken)
    {
        var challenge = await PostTransactionAsync(verify, new VerifyRequest { StateToken = stateToken }, cancellationToken).ConfigureAwait(false);
        if (!IsMfaState(challenge))
        {
            return challenge;
        }

        if (challenge.Links?.Next?.Href is not { Length: > 0 } next)
        {
            throw new KeymanException(ExitCodes.MfaFailed, "Okta started Duo without a link to Duo's prompt", "Run keyman again; report this with --debug output if it persists.");
        }

        var duo = new DuoAuthenticator(_client, _interaction, _log, _time, _options);
        if (stepUp)
        {
            var back = await duo.StepUpAsync(_client.Resolve(next), factor.DuoMethod!.Value, cancellationToken).ConfigureAwait(false);
            return new AuthnTransaction
            {
                Status = "SUCCESS",
                Type = DuoSuccess,
                Embedded = challenge.Embedded ?? current.Embedded,
                Links = back is null ? null : new AuthnLinks { Next = new OktaLink { Href = back.AbsoluteUri } },
            };
        }

        await duo.SignInAsync(_client.Resolve(next), factor.DuoMethod!.Value, cancellationToken).ConfigureAwait(false);
        return new AuthnTransaction { Status = "SUCCESS", Type = DuoSuccess, Embedded = challenge.Embedded ?? current.Embedded };
    }

    private async Task<string> AskAsync(MfaFactor factor, string prompt, bool secret, CancellationToken cancellationToken)
    {
        RequireTerminal(factor);
        return await _interaction.AskAsync(prompt, secret, cancellationToken).ConfigureAwait(false) ?? string.Empty;
    }

    private void RequireTerminal(MfaFactor factor)
    {
        if (!_interaction.CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage, $"Okta asks for MFA ({factor.Description}), which needs a terminal to answer",
                "Run keyman in a terminal, or set Okta Verify push as the preferred MFA factor.");
        }
    }

    private Task<AuthnTransaction> PostTransactionAsync(Uri url, AuthnRequest body, CancellationToken cancellationToken) =>
        _client.PostJsonAsync(url, body, OktaJsonContext.Default.AuthnRequest, OktaJsonContext.Default.AuthnTransaction, cancellationToken);

    private Task<AuthnTransaction> PostTransactionAsync(Uri url, VerifyRequest body, CancellationToken cancellationToken) =>
        _client.PostJsonAsync(url, body, OktaJsonContext.Default.VerifyRequest, OktaJsonContext.Default.AuthnTransaction, cancellationToken);

    private static bool IsMfaState(AuthnTransaction transaction) =>
        transaction.Status?.ToUpperInvariant() is "MFA_CHALLENGE" or "MFA_REQUIRED";

    /// <summary>_embedded.factors (array), or _embedded.factor (object for MFA_CHALLENGE; tolerated as an array too).</summary>
    private static List<OktaFactor> Factors(AuthnTransaction transaction)
    {
        var embedded = transaction.Embedded;
        if (embedded?.Factors is { Count: > 0 } factors)
        {
            return factors;
        }

        if (embedded?.Factor is not { } element)
        {
            return [];
        }

        // Read here, not by the client: a wrong shape inside the element must fail like any other malformed answer.
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Object => element.Deserialize(OktaJsonContext.Default.OktaFactor) is { } one ? [one] : [],
                JsonValueKind.Array => element.Deserialize(OktaJsonContext.Default.ListOktaFactor) ?? [],
                _ => [],
            };
        }
        catch (JsonException e)
        {
            throw new KeymanException(ExitCodes.OktaError, $"Okta's MFA answer is not the JSON Keyman expects (_embedded.factor{e.Path?.TrimStart('$')})",
                "Report this with --debug output.", e);
        }
    }

    private static string? ResendLink(AuthnTransaction transaction)
    {
        if (transaction.Links?.Resend is not { } element)
        {
            return null;
        }

        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Array => element.Deserialize(OktaJsonContext.Default.ListOktaLink)?.FirstOrDefault(l => !string.IsNullOrEmpty(l.Href))?.Href,
                JsonValueKind.Object => element.Deserialize(OktaJsonContext.Default.OktaLink)?.Href,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null; // a malformed resend link reads as none: the user is told a resend is not offered
        }
    }

    private static KeymanException NoSupportedFactor(List<MfaFactor> enrolled, string who)
    {
        var names = enrolled.Select(f => f.Description).Distinct().ToList();
        var duo = enrolled.Any(f => f.Provider == "DUO") ? "Duo's retired traditional prompt (factor web) is not supported; ask for Duo Universal Prompt. " : string.Empty;
        var message = names.Count == 0
            ? $"Okta requires MFA for {who} but lists no MFA factor"
            : $"None of the MFA factors enrolled for {who} is supported by Keyman (enrolled: {string.Join(", ", names)})";
        return new KeymanException(ExitCodes.MfaUnavailable, message, $"{duo}{SupportedFactors}; enroll one of them in the Okta web UI.");
    }

    private static KeymanException Translate(OktaApiException e, string? username, bool inMfa)
    {
        var who = username ?? "your Okta user";
        return e.ErrorCode switch
        {
            "E0000004" when !inMfa => new KeymanException(ExitCodes.AuthenticationFailed, $"Okta rejected the username or password for {who}",
                "Check the username and the Okta org; if the password comes from the keyring, run with -R to enter it again.", e),
            "E0000011" => new KeymanException(ExitCodes.OktaSessionExpired, "The Okta login transaction expired",
                "Run keyman again and finish MFA within 5 minutes.", e),
            "E0000069" => Locked(who, e),
            "E0000064" => Expired(who, e),
            _ => e,
        };
    }

    private static KeymanException Locked(string who, Exception? inner) => new(ExitCodes.AccountLocked, $"The Okta account {who} is locked",
        "Unlock it with Okta's self-service unlock (\"Unlock account?\" on the sign-in page) or ask your Okta administrator.", inner);

    private static KeymanException Expired(string who, Exception? inner) => new(ExitCodes.PasswordExpired, $"The Okta password of {who} has expired",
        "Change it in the Okta web UI, then run keyman again.", inner);
}
