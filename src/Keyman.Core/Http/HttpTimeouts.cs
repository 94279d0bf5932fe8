using System.Globalization;

namespace Keyman.Core.Http;

/// <summary>
/// The deadlines users may override, one environment variable per service, in seconds (README "Limits"):
/// <c>KEYMAN_OKTA_TIMEOUT</c> (Okta's whole answer, 30 s), <c>KEYMAN_STS_TIMEOUT</c> (STS's whole answer, 30 s),
/// <c>KEYMAN_BEDROCK_TIMEOUT</c> (Bedrock: the longest time without a byte, headers and stream included, 60 s).
/// </summary>
public static class HttpTimeouts
{
    public const string Okta = "KEYMAN_OKTA_TIMEOUT";
    public const string Sts = "KEYMAN_STS_TIMEOUT";
    public const string Bedrock = "KEYMAN_BEDROCK_TIMEOUT";

    /// <summary>The longest deadline a variable may set: one hour.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(1);

    /// <summary>The variable's value; null when unset or empty.</summary>
    /// <exception cref="KeymanException">Config when it is not a number of seconds in (0, 3600].</exception>
    public static TimeSpan? Read(IEnvironment? environment, string? variable)
    {
        if (variable is null || environment?.Get(variable) is not { Length: > 0 } text)
        {
            return null;
        }

        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds <= 0 || seconds > Max.TotalSeconds)
        {
            throw new KeymanException(ExitCodes.Config, $"{variable} is not a number of seconds between 0 and 3600",
                $"Set {variable} to the deadline in seconds (e.g. {variable}=120), or unset it for the default.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The policy with its deadline from <see cref="RetryPolicy.TimeoutVariable"/> when that is set.</summary>
    public static RetryPolicy Apply(RetryPolicy policy, IEnvironment? environment)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (Read(environment, policy.TimeoutVariable) is not { } value)
        {
            return policy;
        }

        // Bedrock's idle time: the whole attempt's own cap grows with it, so it never cuts an answer that still flows.
        return policy.IdleTimeout is null
            ? policy with { AttemptTimeout = value }
            : policy with { IdleTimeout = value, AttemptTimeout = policy.AttemptTimeout == Timeout.InfiniteTimeSpan || policy.AttemptTimeout >= value ? policy.AttemptTimeout : value };
    }
}
