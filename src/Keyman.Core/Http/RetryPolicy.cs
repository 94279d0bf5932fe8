namespace Keyman.Core.Http;

/// <summary>When a request that failed without an answer may be sent again.</summary>
public enum NetworkRetry
{
    /// <summary>Never: the caller reports the failure at once.</summary>
    Never,

    /// <summary>
    /// A GET always; a POST only when the connection never opened. A POST that may have reached the server (a timeout,
    /// a cut response) is not sent twice: a second MFA verify would replay the code or push twice, a second authn would
    /// count toward lockout, a second InvokeModel would be billed.
    /// </summary>
    UnsentOrIdempotent,
}

/// <summary>
/// How <see cref="RetryHandler"/> treats one service's requests: what is retried, how often, how long it waits. Data
/// only; each client states its own (see <see cref="RetryPolicies"/>).
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>For log lines: "Okta rate limit hit; waiting 11 s".</summary>
    public required string Service { get; init; }

    /// <summary>Attempts per request, the first included, for network failures and retryable answers.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The first backoff; each retry doubles it, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A number in [0, 1] for "equal jitter" (half the step fixed, half random), so parallel clients don't retry in
    /// step; null for none. Tests fix it.
    /// </summary>
    public Func<double>? Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>Time for one attempt until the whole answer is in (body included, when <see cref="BufferResponse"/>).</summary>
    public TimeSpan AttemptTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The longest time without a byte (the wait for the headers included); null for none. For services whose whole
    /// answer may take long but never stays silent that long (Bedrock).
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// The environment variable (seconds) that overrides this service's deadline: <see cref="IdleTimeout"/> when the
    /// policy has one, else <see cref="AttemptTimeout"/>. Read by <see cref="HttpPipeline"/>; see <see cref="HttpTimeouts"/>.
    /// </summary>
    public string? TimeoutVariable { get; init; }

    /// <summary>Read the whole body inside the attempt (so its deadline and size cap cover it); false for streams.</summary>
    public bool BufferResponse { get; init; } = true;

    /// <summary>The largest answer accepted when buffering; larger ones fail as <see cref="ResponseTooLargeException"/>.</summary>
    public long MaxResponseBytes { get; init; } = 4 * 1024 * 1024;

    public NetworkRetry NetworkFailures { get; init; } = NetworkRetry.UnsentOrIdempotent;

    /// <summary>Whether an answer (not a 429 waited out as a rate limit) is worth another attempt; the body is buffered.</summary>
    public Func<HttpResponseMessage, bool> IsRetryable { get; init; } = static r => (int)r.StatusCode >= 500;

    /// <summary>How many 429s are waited out (Retry-After / X-Rate-Limit-Reset, else <see cref="DefaultRateLimitWait"/>); 0: a 429 is just an answer.</summary>
    public int MaxRateLimitWaits { get; init; }

    /// <summary>The most time waited for rate limits per request; a longer wait fails at once, as rate-limited.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan DefaultRateLimitWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Exponential backoff for the attempt that just failed (1-based), capped, with jitter.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var step = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return Jitter is null ? TimeSpan.FromMilliseconds(step) : TimeSpan.FromMilliseconds(step / 2 + Math.Clamp(Jitter(), 0, 1) * step / 2);
    }
}

/// <summary>The answer was larger than the service's cap.</summary>
public sealed class ResponseTooLargeException(long limit, Uri? url)
    : HttpRequestException($"The answer from {url?.GetLeftPart(UriPartial.Path)} is larger than {limit / 1024} KiB")
{
    public long Limit { get; } = limit;
}
