using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Login;

namespace Keyman.Core.Delivery;

/// <summary>
/// <c>keyman credential-process --profile NAME</c>: answers from the cache in the secret store while enough lifetime
/// remains; otherwise takes the profile's lock, looks again (another process may have just logged in), and only then
/// logs in (Okta session reuse first), caches and answers. stdout gets the JSON and nothing else.
/// </summary>
public sealed class CredentialProcess(KeymanContext context)
{
    /// <summary>How long to wait for another credential-process of the same profile, which may be waiting for MFA.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// True when the caller reads the output silently (Claude Code's awsCredentialExport): a new Okta sign-in then
    /// fails at once when there is no terminal, instead of waiting for a push nobody knows about.
    /// </summary>
    public bool SignInNeedsTerminal { get; init; }

    /// <summary>The credentials in <paramref name="format"/>, on one line.</summary>
    public async Task<string> GetJsonAsync(string profile, KeymanConfig config, CredentialOutputFormat format, CancellationToken cancellationToken) =>
        CredentialProcessCache.Output(await GetCredentialsAsync(profile, config, cancellationToken).ConfigureAwait(false), format);

    public async Task<AwsCredentials> GetCredentialsAsync(string profile, KeymanConfig config, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        var account = CredentialProcessCache.Account(profile, config, context.Environment);
        if (await TryCacheAsync(account, config, cancellationToken).ConfigureAwait(false) is { } hit)
        {
            return hit;
        }

        using (await CredentialProcessCache.LockAsync(CredentialProcessCache.LockPath(context.Environment, profile), LockTimeout, cancellationToken).ConfigureAwait(false))
        {
            if (await TryCacheAsync(account, config, cancellationToken).ConfigureAwait(false) is { } shared)
            {
                context.Log.Debug("Another keyman credential-process logged in meanwhile; using its credentials");
                return shared;
            }

            context.Log.Info($"New AWS credentials needed for profile {profile}; signing in to Okta");
            using var flow = new LoginFlow(context) { WriteCredentialsFile = false, SignInNeedsTerminal = SignInNeedsTerminal };
            var result = await flow.RunAsync(config with { Name = profile }, cancellationToken).ConfigureAwait(false);
            if (context.Secrets is { } store)
            {
                try
                {
                    var entry = new CredentialProcessCache.Entry(result.Credentials, result.IssuedAt, CredentialProcessCache.OktaAccount(config, context.Environment));
                    await CredentialProcessCache.SetAsync(store, account, entry, cancellationToken,
                        CredentialProcessCache.KnownAccounts(context.Environment, context.Log)).ConfigureAwait(false);
                }
                catch (KeymanException e)
                {
                    context.Log.Warning($"Cannot cache the credentials in {store.Name} ({e.Message.TrimEnd('.')}); every AWS call will log in again.");
                }
            }

            return result.Credentials;
        }
    }

    private async Task<AwsCredentials?> TryCacheAsync(string account, KeymanConfig config, CancellationToken cancellationToken)
    {
        if (context.Secrets is not { } store)
        {
            return null;
        }

        try
        {
            if (await CredentialProcessCache.GetAsync(store, account, cancellationToken).ConfigureAwait(false) is { } entry
                && CredentialProcessCache.IsFresh(entry, config, context.Time.GetUtcNow()))
            {
                context.Log.Debug($"Cached credentials for {CredentialProcessCache.ProfileOf(account)} are valid until {entry.Credentials.ExpirationRfc3339}");
                return entry.Credentials;
            }
        }
        catch (KeymanException e)
        {
            context.Log.Debug($"Credential cache not readable: {e.Message}");
        }

        return null;
    }
}
