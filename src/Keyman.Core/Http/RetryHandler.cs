using System.Globalization;
using System.Net;
using Keyman.Core.Ui;

namespace Keyman.Core.Http;

/// <summary>
/// The one retry loop of every HTTP call: bounded attempts with exponential backoff and jitter, a deadline per attempt
/// (body included when buffered), 429s waited out within a cap using Retry-After or X-Rate-Limit-Reset, and never a
/// POST sent twice when it may have reached the server. The last answer (or failure) goes back to the client, which
/// maps it to a <see cref="KeymanException"/>; what happened is on the request's <see cref="HttpRequestMessage.Options"/>.
/// </summary>
public sealed class RetryHandler(RetryPolicy policy, ILog log, TimeProvider time) : DelegatingHandler
{
    /// <summary>Attempts made for the request.</summary>
    public static readonly HttpRequestOptionsKey<int> Attempts = new("keyman.attempts");

    /// <summary>Time spent waiting out rate limits.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> RateLimitWaited = new("keyman.rate-limit-waited");

    /// <summary>For a 429 given back: the wait the server asked for (<see cref="TimeSpan.MaxValue"/> when beyond reason).</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> RateLimitReset = new("keyman.rate-limit-reset");

    /// <summary>A server's wait beyond this (seconds) is not a wait but a refusal.</summary>
    private const long MaxHint = 366L * 24 * 3600;

    public RetryPolicy Policy => policy;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var waits = 0;
        var waited = TimeSpan.Zero;
        var path = request.RequestUri?.AbsolutePath;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            attempt++;
            request.Options.Set(Attempts, attempt);
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException && e is not ResponseTooLargeException && !cancellationToken.IsCancellationRequested)
            {
                // A deadline that passed is not retried: the deadline bounds the whole answer, and a server that sent
                // nothing in time is not faster on the next attempt (three GETs of 30 s would make 93 s).
                if (attempt >= policy.MaxAttempts || e is TimeoutException || !MaySendAgain(request, e))
                {
                    throw;
                }

                var delay = policy.Backoff(attempt);
                log.Debug($"{request.Method} {path} failed ({e.Message}); retrying in {delay.TotalSeconds:0.#} s");
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            log.Debug($"{request.Method} {path} -> {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.TooManyRequests && policy.MaxRateLimitWaits > 0)
            {
                var wait = RateLimitWait(response, time.GetUtcNow(), rateLimitReset: true) ?? policy.DefaultRateLimitWait;
                if (waits >= policy.MaxRateLimitWaits || wait > policy.MaxRateLimitWait - waited)
                {
                    request.Options.Set(RateLimitWaited, waited);
                    request.Options.Set(RateLimitReset, wait);
                    return response;
                }

                response.Dispose();
                waits++;
                waited += wait;
                attempt--;
                log.Warning($"{policy.Service} rate limit hit; waiting {Math.Ceiling(wait.TotalSeconds):0} s");
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (attempt < policy.MaxAttempts && policy.IsRetryable(response))
            {
                var delay = policy.Backoff(attempt);
                // A Retry-After wins when it asks for longer, within the cap. (Not X-Rate-Limit-Reset: Okta sends that on
                // every answer, as the end of the current window, not as a request to wait.)
                if (RateLimitWait(response, time.GetUtcNow(), rateLimitReset: false) is { } hint && hint > delay)
                {
                    if (hint > policy.MaxRateLimitWait)
                    {
                        return response;
                    }

                    delay = hint;
                }

                log.Debug($"{policy.Service} answered {(int)response.StatusCode}; retrying in {delay.TotalSeconds:0.#} s");
                response.Dispose();
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (policy.AttemptTimeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(policy.AttemptTimeout);
        }

        // The idle timer: restarted by every chunk of the body, so it bounds the time without a byte, the wait for
        // the headers included.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        if (policy.IdleTimeout is { } idleTimeout)
        {
            idle.CancelAfter(idleTimeout);
        }

        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, idle.Token).ConfigureAwait(false);
            if (policy.BufferResponse)
            {
                if (response.Content.Headers.ContentLength > policy.MaxResponseBytes)
                {
                    throw new ResponseTooLargeException(policy.MaxResponseBytes, request.RequestUri);
                }

                await BufferAsync(response, policy.MaxResponseBytes, request.RequestUri, idle, policy.IdleTimeout).ConfigureAwait(false);
            }

            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            var what = deadline.IsCancellationRequested || policy.IdleTimeout is not { } wait
                ? string.Create(CultureInfo.InvariantCulture, $"no answer within {policy.AttemptTimeout.TotalSeconds:0.#} s")
                : string.Create(CultureInfo.InvariantCulture, $"nothing received for {wait.TotalSeconds:0.#} s");
            throw new TimeoutException(what, e);
        }
        catch (IOException e)
        {
            response?.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded, e.Message, e);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the body into memory, at most <paramref name="limit"/> bytes, and puts it back as the content; each chunk
    /// restarts the idle timer.
    /// </summary>
    private static async Task BufferAsync(HttpResponseMessage response, long limit, Uri? url, CancellationTokenSource idle, TimeSpan? idleTimeout)
    {
        var cancellationToken = idle.Token;
        var content = response.Content;
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new ResponseTooLargeException(limit, url);
            }

            buffer.Write(chunk, 0, read);
            if (idleTimeout is { } wait)
            {
                idle.CancelAfter(wait);
            }
        }

        var buffered = new ByteArrayContent(buffer.ToArray());
        foreach (var (name, headerValues) in content.Headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                buffered.Headers.TryAddWithoutValidation(name, headerValues);
            }
        }

        response.Content = buffered;
        content.Dispose();
    }

    private bool MaySendAgain(HttpRequestMessage request, Exception e)
    {
        if (policy.NetworkFailures == NetworkRetry.Never)
        {
            return false;
        }

        var neverSent = e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError };
        return request.Method != HttpMethod.Post || neverSent;
    }

    /// <summary>
    /// The wait a 429/503 asks for: for a 429, X-Rate-Limit-Reset (Okta: epoch seconds; one second more so the same
    /// window is not hit again), else Retry-After (seconds or a date). Values beyond reason come back as <see cref="TimeSpan.MaxValue"/>
    /// so the caller fails as rate-limited instead of overflowing.
    /// </summary>
    internal static TimeSpan? RateLimitWait(HttpResponseMessage response, DateTimeOffset now, bool rateLimitReset)
    {
        if (rateLimitReset && response.Headers.TryGetValues("X-Rate-Limit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch))
        {
            var nowSeconds = now.ToUnixTimeSeconds();
            if (epoch <= nowSeconds)
            {
                return TimeSpan.FromSeconds(1);
            }

            return epoch - nowSeconds > MaxHint ? TimeSpan.MaxValue : DateTimeOffset.FromUnixTimeSeconds(epoch) - now + TimeSpan.FromSeconds(1);
        }

        if (response.Headers.TryGetValues("Retry-After", out var retryAfter) && retryAfter.FirstOrDefault()?.Trim() is { Length: > 0 } raw)
        {
            if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                return seconds switch
                {
                    < 0 => TimeSpan.Zero,
                    > MaxHint => TimeSpan.MaxValue,
                    _ => TimeSpan.FromSeconds(seconds),
                };
            }

            if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - now;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromSeconds(MaxHint) ? TimeSpan.MaxValue : wait;
            }
        }

        return null;
    }
}
