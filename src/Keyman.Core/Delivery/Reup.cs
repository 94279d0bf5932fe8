using System.Globalization;
using Keyman.Core.Config;
using Keyman.Core.Login;

namespace Keyman.Core.Delivery;

/// <summary>
/// reup: keeps the profile fresh until cancelled. Sleeps (TimeProvider, no polling) until the refresh lead before
/// expiry, then gets new credentials through the same Okta session, app and role (<see cref="LoginFlow.RefreshAsync"/>).
/// Passing failures (network, AWS or Okta unavailable, Okta's rate limit, an Okta session that ended under it) are
/// retried after 5 s, up to 5 times in a row; the original retried only connection errors.
/// </summary>
public sealed class Reup(KeymanContext context, LoginFlow flow, KeymanConfig config)
{
    public const int MaxNetworkRetries = 5;

    public static readonly TimeSpan NetworkRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Never refresh more often than this, however short the credentials live.</summary>
    public static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest single sleep. Timers run on a monotonic clock that stops while a laptop sleeps, so a long sleep would
    /// wake late by the length of the suspend; waking at least this often re-reads the wall clock.
    /// </summary>
    public static readonly TimeSpan MaxSleepChunk = TimeSpan.FromSeconds(60);

    /// <summary>Called after every refresh (the CLI uses it to count; tests to stop).</summary>
    public Action<LoginResult>? Refreshed { get; init; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; returns how many refreshes were made.</summary>
    public async Task<int> RunAsync(LoginResult first, CancellationToken cancellationToken)
    {
        var log = context.Log;
        var current = first;
        var refreshes = 0;
        var failures = 0;
        while (true)
        {
            var lifetime = current.Credentials.Expiration - current.IssuedAt;
            var lead = config.RefreshLead(lifetime > TimeSpan.Zero ? lifetime : TimeSpan.Zero, KeymanConfig.DefaultReupBefore);
            var at = current.Credentials.Expiration - lead;
            var wait = at - context.Time.GetUtcNow();
            if (wait < MinimumWait)
            {
                wait = MinimumWait;
            }

            log.Info($"Reup: next refresh at {context.Time.GetUtcNow().Add(wait).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'+00:00'", CultureInfo.InvariantCulture)} (Ctrl-C to stop)");
            try
            {
                var due = context.Time.GetUtcNow().Add(wait);
                for (var left = wait; left > TimeSpan.Zero; left = due - context.Time.GetUtcNow())
                {
                    await Task.Delay(left < MaxSleepChunk ? left : MaxSleepChunk, context.Time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return refreshes;
            }

            try
            {
                current = await flow.RefreshAsync(cancellationToken).ConfigureAwait(false);
                refreshes++;
                failures = 0;
                Refreshed?.Invoke(current);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return refreshes;
            }
            catch (KeymanException e) when (IsPassing(e) && failures < MaxNetworkRetries)
            {
                failures++;
                log.Warning($"{e.Message}; retrying in {NetworkRetryDelay.TotalSeconds:0} s ({failures} of {MaxNetworkRetries})");
                try
                {
                    await Task.Delay(NetworkRetryDelay, context.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return refreshes;
                }

                // Retry right away: the loop computes a wait below the minimum from the (unchanged) expiry.
            }
        }
    }

    /// <summary>Failures that a later try can get past; anything else (a refused role, a wrong password) ends reup.</summary>
    private static bool IsPassing(KeymanException e) =>
        e.ExitCode is ExitCodes.Network or ExitCodes.RateLimited or ExitCodes.OktaSessionExpired;
}
