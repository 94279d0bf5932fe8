using System.Globalization;
using Keyman.Core.Aws;
using Keyman.Core.Delivery;
using Keyman.Core.Login;
using Keyman.Core.Secrets;

namespace Keyman.Core.Overview;

/// <summary>Where a profile's credentials are: the AWS credentials file, or Keyman's credential_process cache.</summary>
public enum ProfileSource
{
    CredentialsFile,
    CredentialProcessCache,
}

/// <summary>One profile Keyman wrote or caches: its role (the IAM role ARN, when known) and when it expires.</summary>
public sealed record ProfileStatus(string Profile, ProfileSource Source, string? RoleArn, DateTimeOffset? Expires);

/// <summary>An Okta session Keyman keeps, as last seen: alive until <see cref="ExpiresAt"/> (null: not known), or ended.</summary>
public sealed record SessionStatus(string Org, string User, bool Alive, DateTimeOffset? ExpiresAt);

/// <summary>What <c>keyman status</c> shows. Holds no secret.</summary>
public sealed record StatusReport(string Store, string CredentialsFile, IReadOnlyList<ProfileStatus> Profiles, IReadOnlyList<SessionStatus> Sessions);

/// <summary>
/// Reads, without contacting Okta or AWS, what Keyman has left on this machine: the credentials file's profiles that
/// carry x_security_token_expires (the key Keyman writes), the credential_process cache entries and the Okta sessions
/// the <see cref="SecretIndex"/> names (read back from the secret store for their expiry and role), plus the session
/// of the configured org and user. Secrets are read only to take those two facts out of them.
/// </summary>
public sealed class KeymanStatus(KeymanContext context)
{
    /// <param name="configured">The Okta session account of the current config (<see cref="OktaSessions.AccountFor"/>), when there is one.</param>
    public async Task<StatusReport> ReadAsync(string? configured, CancellationToken cancellationToken)
    {
        var env = context.Environment;
        var path = CredentialsFile.ResolvePath(env);
        var profiles = new List<ProfileStatus>(FromCredentialsFile(path));
        var index = SecretIndex.For(env, context.Log);
        var store = context.Secrets;
        var now = context.Time.GetUtcNow();

        foreach (var account in index.Accounts(CredentialProcessCache.Service))
        {
            if (await TryGetAsync(CredentialProcessCache.Service, account, cancellationToken) is { } text
                && CredentialProcessCache.Deserialize(text) is { } entry)
            {
                profiles.Add(new ProfileStatus(CredentialProcessCache.ProfileOf(account), ProfileSource.CredentialProcessCache,
                    entry.Credentials.AssumedRoleArn is { } arn ? AwsArn.RoleOf(arn) : null, entry.Credentials.Expiration));
            }
        }

        var sessions = new List<SessionStatus>();
        var accounts = index.Accounts(OktaSessions.SessionService).ToList();
        if (configured is not null && !accounts.Contains(configured))
        {
            accounts.Insert(0, configured);
        }

        foreach (var account in accounts)
        {
            var bar = account.LastIndexOf('|');
            var (org, user) = bar < 0 ? (account, string.Empty) : (account[..bar], account[(bar + 1)..]);
            var stored = await TryGetAsync(OktaSessions.SessionService, account, cancellationToken);
            var (sid, expires) = stored is null ? (null, null) : OktaSessions.Parse(stored);
            var alive = sid is not null && (expires is null || expires > now);
            if (alive || account == configured)
            {
                sessions.Add(new SessionStatus(org, user, alive, alive ? expires : null));
            }
        }

        return new StatusReport(store?.Name ?? "none", path,
            profiles.OrderBy(p => p.Profile, StringComparer.Ordinal).ThenBy(p => p.Source).ToList(), sessions);
    }

    private async Task<string?> TryGetAsync(string service, string account, CancellationToken cancellationToken)
    {
        if (context.Secrets is not { } store)
        {
            return null;
        }

        try
        {
            return await store.GetAsync(service, account, cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException e)
        {
            context.Log.Debug($"Cannot read {service} from {store.Name}: {e.Message}");
            return null;
        }
    }

    private List<ProfileStatus> FromCredentialsFile(string path)
    {
        var profiles = new List<ProfileStatus>();
        IniFile file;
        try
        {
            file = IniFile.Load(path, "the AWS credentials file");
        }
        catch (Exception e) when (e is KeymanException or IOException or UnauthorizedAccessException)
        {
            context.Log.Warning($"Cannot read {path}: {e.Message}");
            return profiles;
        }

        foreach (var name in file.SectionNames)
        {
            var section = file.Section(name)!;
            if (!section.TryGetValue("x_security_token_expires", out var expires))
            {
                continue;
            }

            DateTimeOffset? expiry = DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var e) ? e : null;
            var role = section.TryGetValue("x_principal_arn", out var principal) ? AwsArn.RoleOf(principal) : null;
            profiles.Add(new ProfileStatus(name, ProfileSource.CredentialsFile, role, expiry));
        }

        return profiles;
    }
}
