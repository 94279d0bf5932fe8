using System.Globalization;
using Keyman.Core.Config;
using Keyman.Core.Okta;
using Keyman.Core.Secrets;

namespace Keyman.Core.Login;

/// <summary>
/// Gets Keyman an active Okta session, cheapest way first: the session already held (reup), the one kept in the
/// secret store by an earlier run (checked and extended through /api/v1/sessions/me), and only then the password
/// (from the keychain with password_cache, else a prompt) plus MFA, through the org's chain of sign-in flows. Keeps the new session (and a password Okta has
/// just accepted) in the secret store for the next run.
/// </summary>
internal sealed class OktaSessions(KeymanContext context, OktaClient okta, SignInChain chain, Uri baseUrl, string username, KeymanConfig config)
{
    /// <summary>The AWS app link the sign-in may start from (the Identity Engine's sign-in does), once known.</summary>
    public string? AppLink { get; set; }

    /// <summary>The original's keyring entry: service "aws_okta_keyman", account = the username.</summary>
    public const string PasswordService = "aws_okta_keyman";

    public const string SessionService = "keyman-okta-session";

    private readonly SafeSecrets _secrets = new(context);
    private bool _passwordResetDone;

    private string SessionAccount => AccountFor(baseUrl, username);

    /// <summary>The secret store account of an org's session: "https://acme.okta.com|jane@acme.com".</summary>
    public static string AccountFor(Uri baseUrl, string username) => $"{baseUrl.GetLeftPart(UriPartial.Authority)}|{username}";

    /// <summary>True: a sign-in (password, MFA, push) without a terminal fails at once rather than wait unseen.</summary>
    public bool SignInNeedsTerminal { get; init; }

    /// <summary>
    /// The password prompt names who is signing in where: "Okta password for jane@acme.okta.com:", or
    /// "Okta password for jane@acme.com at acme.okta.com:" when the username is already an email address.
    /// </summary>
    public static string PasswordPrompt(Uri baseUrl, string username) =>
        $"Okta password for {username}{(username.Contains('@', StringComparison.Ordinal) ? " at " : "@")}{baseUrl.Authority}:";

    private bool PasswordCache => config.PasswordCache == true || config.PasswordReset == true;

    /// <summary>
    /// Makes sure there is an Okta session; returns the AWS app's page instead when the sign-in ended there (the
    /// device authorization flow, which leaves no Okta session to keep).
    /// </summary>
    public async Task<AppPage?> EnsureAsync(bool allowReuse, CancellationToken cancellationToken)
    {
        var log = context.Log;
        if (okta.SessionId is not null)
        {
            if (await okta.RefreshSessionAsync(cancellationToken).ConfigureAwait(false) is { } current)
            {
                log.Debug($"Okta session still active until {Format(current.ExpiresAt)}");
                await KeepAsync(current, cancellationToken).ConfigureAwait(false);
                return null;
            }

            log.Warning("The Okta session has ended; logging in again");
            okta.SessionId = null;
        }
        else if (allowReuse && await _secrets.GetAsync(SessionService, SessionAccount, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            var (sid, expiresAt) = Parse(stored);
            if (sid is not null && (expiresAt is null || expiresAt > context.Time.GetUtcNow()))
            {
                okta.SessionId = sid;
                if (await okta.RefreshSessionAsync(cancellationToken).ConfigureAwait(false) is { } reused)
                {
                    log.Info($"Reusing the Okta session of {reused.Login ?? username} (active until {Format(reused.ExpiresAt)})");
                    await KeepAsync(reused, cancellationToken).ConfigureAwait(false);
                    return null;
                }

                okta.SessionId = null;
            }

            log.Debug("The kept Okta session has ended; logging in with the password");
            await _secrets.RemoveAsync(SessionService, SessionAccount, cancellationToken).ConfigureAwait(false);
        }

        return await LoginAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<AppPage?> LoginAsync(CancellationToken cancellationToken)
    {
        var log = context.Log;
        if (SignInNeedsTerminal && !context.Interaction.CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage, "The Okta session has ended and signing in again needs you (password or MFA), but no terminal is reachable",
                "Run keyman in a terminal (e.g. keyman credential-process --profile NAME) to sign in; this call then answers from the cache.");
        }

        string? cached = null;
        if (PasswordCache)
        {
            if (config.PasswordReset == true && !_passwordResetDone)
            {
                _passwordResetDone = true;
                if (await _secrets.RemoveAsync(PasswordService, username, cancellationToken, warn: true).ConfigureAwait(false))
                {
                    log.Info("Removed the cached Okta password; enter it again");
                }
            }
            else
            {
                cached = await _secrets.GetAsync(PasswordService, username, cancellationToken, warn: true).ConfigureAwait(false);
                if (cached is not null)
                {
                    log.Info($"Using the Okta password kept in {_secrets.StoreName}");
                }
            }
        }

        var password = cached ?? await AskAsync(cancellationToken).ConfigureAwait(false);
        SignInResult result;
        try
        {
            result = await chain.SignInAsync(new SignInRequest(username, password, AppLink), cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException e) when (cached is not null && e.ExitCode == ExitCodes.AuthenticationFailed)
        {
            log.Warning("Okta rejected the cached password; removing it from the keychain");
            await _secrets.RemoveAsync(PasswordService, username, cancellationToken, warn: true).ConfigureAwait(false);
            password = await AskAsync(cancellationToken).ConfigureAwait(false);
            result = await chain.SignInAsync(new SignInRequest(username, password, AppLink), cancellationToken).ConfigureAwait(false);
        }

        // Stored only now that Okta has accepted it (the original stores it before checking).
        if (PasswordCache && password != cached
            && await _secrets.SetAsync(PasswordService, username, password, cancellationToken, warn: true).ConfigureAwait(false))
        {
            log.Info($"Saved the Okta password in {_secrets.StoreName}");
        }

        if (result.Session is { } session)
        {
            await KeepAsync(session, cancellationToken).ConfigureAwait(false);
        }

        return result.AppPage;
    }

    private async Task<string> AskAsync(CancellationToken cancellationToken)
    {
        if (!context.Interaction.CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage, "Keyman needs the Okta password but cannot prompt (no terminal)",
                "Run keyman once in a terminal (with -P to keep the password in the keychain), then retry.");
        }

        var password = await context.Interaction.AskAsync(PasswordPrompt(baseUrl, username), secret: true, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(password))
        {
            throw new KeymanException(ExitCodes.AuthenticationFailed, "The password is empty", "Type your Okta password at the prompt.");
        }

        return password;
    }

    private Task KeepAsync(OktaSession session, CancellationToken cancellationToken) =>
        _secrets.SetAsync(SessionService, SessionAccount,
            session.Id + "|" + (session.ExpiresAt is { } e ? e.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) : string.Empty),
            cancellationToken);

    internal static (string? Sid, DateTimeOffset? ExpiresAt) Parse(string stored)
    {
        var bar = stored.IndexOf('|', StringComparison.Ordinal);
        var sid = bar < 0 ? stored : stored[..bar];
        DateTimeOffset? expires = bar >= 0 && DateTimeOffset.TryParse(stored[(bar + 1)..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var e) ? e : null;
        return (sid.Length > 0 ? sid : null, expires);
    }

    private static string Format(DateTimeOffset? value) =>
        value is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'+00:00'", CultureInfo.InvariantCulture) : "(unknown)";
}

/// <summary>
/// The secret store as the login uses it: a service the store fails for (missing, locked) is reported once and then
/// treated as empty, so Keyman prompts instead; a secret is never written anywhere else. Failures are per service:
/// where there is no keychain the password fails while the session may still go to the cache files.
/// </summary>
internal sealed class SafeSecrets(KeymanContext context)
{
    private readonly Dictionary<string, string> _failures = new(StringComparer.Ordinal);
    private bool _warned;

    public string StoreName => context.Secrets?.Name ?? "no secret store";

    public async Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken, bool warn = false)
    {
        if (!Usable(service, warn, out var store))
        {
            return null;
        }

        try
        {
            return await store.GetAsync(service, account, cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException e)
        {
            Fail(service, e, warn);
            return null;
        }
    }

    public async Task<bool> SetAsync(string service, string account, string secret, CancellationToken cancellationToken, bool warn = false)
    {
        if (!Usable(service, warn, out var store))
        {
            return false;
        }

        try
        {
            await store.SetAsync(service, account, secret, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KeymanException e)
        {
            Fail(service, e, warn);
            return false;
        }
    }

    public async Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken, bool warn = false)
    {
        if (!Usable(service, warn, out var store))
        {
            return false;
        }

        try
        {
            return await store.RemoveAsync(service, account, cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException e)
        {
            Fail(service, e, warn);
            return false;
        }
    }

    private bool Usable(string service, bool warn, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ISecretStore? store)
    {
        store = context.Secrets;
        if (store is null)
        {
            _failures.TryAdd(service, "no secret store is configured");
        }

        if (_failures.TryGetValue(service, out var failure))
        {
            if (warn && !_warned)
            {
                _warned = true;
                context.Log.Warning($"The secret store is not available, so Keyman asks for the password and does not keep it: {failure}");
            }

            return false;
        }

        return store is not null;
    }

    private void Fail(string service, KeymanException e, bool warn)
    {
        var failure = _failures[service] = e.Hint is null ? e.Message : $"{e.Message.TrimEnd('.')}. {e.Hint}";
        if (!warn)
        {
            context.Log.Debug($"Secret store not available ({failure}); the Okta session is not kept");
        }

        _ = Usable(service, warn, out _);
    }
}
