using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Login;

namespace Keyman.Core.Delivery;

/// <summary>Where the credential endpoint gets the credentials it serves.</summary>
public interface ICredentialSource
{
    Task<AwsCredentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The login's credentials, renewed through the same Okta session, app and role (<see cref="LoginFlow.RefreshAsync"/>,
/// as reup does) once less than the refresh lead is left: refresh_before, default 10 minutes, at most a quarter of the
/// lifetime. One refresh at a time; callers that arrive meanwhile get its result. No prompt while the Okta session lives.
/// </summary>
public sealed class RefreshingCredentials(KeymanContext context, LoginFlow flow, KeymanConfig config, LoginResult first) : ICredentialSource
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private LoginResult _current = first;

    public async Task<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(Volatile.Read(ref _current)))
        {
            return _current.Credentials;
        }

        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsFresh(_current))
            {
                context.Log.Info("The AWS credentials are due for renewal; refreshing them through the Okta session");
                var renewed = await flow.RefreshAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _current, renewed);
                context.Log.Info($"New AWS credentials, valid until {renewed.Credentials.ExpirationRfc3339}");
            }

            return _current.Credentials;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh(LoginResult result)
    {
        var lifetime = result.Credentials.Expiration - result.IssuedAt;
        var lead = config.RefreshLead(lifetime > TimeSpan.Zero ? lifetime : TimeSpan.Zero, KeymanConfig.DefaultReupBefore);
        return result.Credentials.Expiration - context.Time.GetUtcNow() > lead;
    }
}
