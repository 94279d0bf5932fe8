using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Login;
using Keyman.Core.Okta;
using Keyman.Core.Secrets;

namespace Keyman.Core.Logout;

/// <summary>
/// <c>keyman logout</c>: ends the kept Okta session (DELETE /api/v1/sessions/me with its sid) and forgets it, the
/// credential_process cache entries that came through it and, when asked, the cached password. For the configured
/// org and user, or (<see cref="All"/>) for every one the <see cref="SecretIndex"/> names. Returns what it did, in
/// words, one line each; never a secret.
/// </summary>
public sealed class KeymanLogout(KeymanContext context)
{
    /// <summary>Every org and user Keyman keeps something for, not only the configured one.</summary>
    public bool All { get; init; }

    /// <summary>Forget the cached Okta password too.</summary>
    public bool Password { get; init; }

    public async Task<IReadOnlyList<string>> RunAsync(KeymanConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var env = context.Environment;
        if (config.Org is null && !All)
        {
            throw new KeymanException(ExitCodes.Config, "No Okta org is set, so Keyman cannot tell whose session to end",
                "Pass -o/--org (and -u/--username), or --all to log out of every org and user Keyman keeps a session for.");
        }

        var store = context.Secrets ?? new NoSecretStore();
        var index = SecretIndex.For(env, context.Log);
        var configured = config.Org is null ? null : CredentialProcessCache.OktaAccount(config, env);
        var oktaAccounts = All
            ? index.Accounts(OktaSessions.SessionService).Append(configured).OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [configured!];

        var done = new List<string>();
        foreach (var account in oktaAccounts)
        {
            done.Add(await EndSessionAsync(store, account, cancellationToken));
        }

        foreach (var account in index.Accounts(CredentialProcessCache.Service).Order(StringComparer.Ordinal))
        {
            var entry = CredentialProcessCache.Deserialize(await TryAsync(() => store.GetAsync(CredentialProcessCache.Service, account, cancellationToken), null));
            if (All || (entry?.Okta is { } okta && oktaAccounts.Contains(okta)))
            {
                await TryAsync(() => store.RemoveAsync(CredentialProcessCache.Service, account, cancellationToken), false);
                done.Add($"Forgot the cached credential_process credentials of profile {CredentialProcessCache.ProfileOf(account)}");
            }
        }

        if (Password)
        {
            var users = oktaAccounts.Select(a => a[(a.LastIndexOf('|') + 1)..]);
            if (All)
            {
                users = users.Concat(index.Accounts(OktaSessions.PasswordService));
            }

            foreach (var user in users.Distinct(StringComparer.Ordinal))
            {
                var removed = await TryAsync(() => store.RemoveAsync(OktaSessions.PasswordService, user, cancellationToken), false);
                done.Add(removed
                    ? $"Forgot the Okta password of {user} ({store.Name})"
                    : $"No Okta password of {user} was kept");
            }
        }

        return done;
    }

    private async Task<string> EndSessionAsync(ISecretStore store, string account, CancellationToken cancellationToken)
    {
        var bar = account.LastIndexOf('|');
        var (org, user) = (account[..Math.Max(bar, 0)], account[(bar + 1)..]);
        var stored = await TryAsync(() => store.GetAsync(OktaSessions.SessionService, account, cancellationToken), null);
        var sid = stored is null ? null : OktaSessions.Parse(stored).Sid;
        if (sid is null)
        {
            await TryAsync(() => store.RemoveAsync(OktaSessions.SessionService, account, cancellationToken), false);
            return $"No Okta session of {user} at {org} was kept";
        }

        string outcome;
        try
        {
            using var okta = new OktaClient(new Uri(org), context.Http, context.Log, context.Time) { SessionId = sid };
            outcome = await okta.EndSessionAsync(cancellationToken).ConfigureAwait(false)
                ? $"Ended the Okta session of {user} at {org}"
                : $"The Okta session of {user} at {org} had already ended";
        }
        catch (Exception e) when (e is KeymanException or UriFormatException)
        {
            context.Log.Warning($"Could not end the Okta session of {user} at {org} ({e.Message.TrimEnd('.')}); forgetting it here all the same");
            outcome = $"Forgot the Okta session of {user} at {org} (Okta was not told)";
        }

        await TryAsync(() => store.RemoveAsync(OktaSessions.SessionService, account, cancellationToken), false);
        return outcome;
    }

    /// <summary>A store that fails is reported in the log and treated as holding nothing.</summary>
    private async Task<T> TryAsync<T>(Func<Task<T>> call, T nothing)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KeymanException e)
        {
            context.Log.Warning($"The secret store is not available: {e.Message.TrimEnd('.')}");
            return nothing;
        }
    }
}
