using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;
using static Keyman.Tests.Okta.OktaFixtures;

namespace Keyman.Tests.Http;

/// <summary>The one retry handler, seen through the clients that use it and directly.</summary>
public class RetryHandlerTests
{
    private static void RateLimited(OktaHarness h, string header, string value) =>
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000047", "API call exceeded rate limit due to too many requests."), HttpStatus.Code(429),
            configure: r => r.Headers.TryAddWithoutValidation(header, value));

    [Theory]
    [InlineData("X-Rate-Limit-Reset", "9223372036854775807")]
    [InlineData("X-Rate-Limit-Reset", "99999999999999")]
    [InlineData("Retry-After", "9223372036854775807")]
    [InlineData("Retry-After", "3000000000")]
    public async Task A_reset_beyond_reason_fails_as_rate_limited_at_once(string header, string value)
    {
        using var h = new OktaHarness();
        RateLimited(h, header, value);

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.RateLimited, e.ExitCode);
        Assert.StartsWith("Okta rate limit hit for /api/v1/authn", e.Message, StringComparison.Ordinal);
        Assert.Empty(h.Delays);
        Assert.Single(h.Handler.Requests);
    }

    [Theory]
    [InlineData("X-Rate-Limit-Reset", "-9223372036854775808", 1)]
    [InlineData("X-Rate-Limit-Reset", "0", 1)]
    [InlineData("Retry-After", "-5", 0)]
    [InlineData("Retry-After", "7", 7)]
    public async Task A_reset_in_the_past_or_near_is_waited_out(string header, string value, int seconds)
    {
        using var h = new OktaHarness();
        RateLimited(h, header, value);
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Equal(seconds == 0 ? [] : [TimeSpan.FromSeconds(seconds)], h.Delays);
        Assert.Equal(2, h.Handler.To("/api/v1/authn").Count());
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_backoff_is_honoured_and_one_beyond_the_cap_is_not_waited()
    {
        var handler = new TestHttpMessageHandler();
        var time = new InstantTimeProvider();
        handler.On(HttpMethod.Get, "/x", _ => Answer(HttpStatusCode.ServiceUnavailable, ("Retry-After", "4")));
        handler.On(HttpMethod.Get, "/x", _ => Answer(HttpStatusCode.ServiceUnavailable, ("Retry-After", "86400")));
        using var client = new HttpPipeline(transport: handler).CreateClient(Policy(), new RecordingLog(), time);

        using var response = await client.GetAsync(new Uri("https://example.com/x"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(4)], time.Delays);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_server_error_is_retried_after_the_backoff_even_though_okta_names_its_rate_limit_window()
    {
        // Okta sends X-Rate-Limit-Reset on every answer: the end of the window, not a request to wait.
        using var h = new OktaHarness();
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000009", "Internal Server Error"), HttpStatusCode.InternalServerError,
            configure: r => r.Headers.Add("X-Rate-Limit-Reset", h.Time.GetUtcNow().AddSeconds(59).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Success());
        h.SessionCreated();

        await h.LoginAsync();

        Assert.Equal([TimeSpan.FromSeconds(1)], h.Delays);
    }

    [Fact]
    public async Task Backoff_doubles_with_equal_jitter_and_is_capped()
    {
        var policy = Policy() with { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8), Jitter = () => 0 };
        Assert.Equal([0.5, 1, 2, 4, 4], Enumerable.Range(1, 5).Select(a => policy.Backoff(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(8), (policy with { Jitter = () => 1 }).Backoff(40));
        Assert.Equal(TimeSpan.FromSeconds(2), (policy with { Jitter = null }).Backoff(2));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_get_is_retried_after_a_cut_answer_a_post_is_not()
    {
        var handler = new TestHttpMessageHandler();
        handler.Throw(HttpMethod.Get, "/x", () => new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        handler.On(HttpMethod.Get, "/x", _ => Answer(HttpStatusCode.OK));
        handler.Throw(HttpMethod.Post, "/x", () => new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."), sticky: true);
        using var client = new HttpPipeline(transport: handler).CreateClient(Policy(), new RecordingLog(), new InstantTimeProvider());

        using var ok = await client.GetAsync(new Uri("https://example.com/x"));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri("https://example.com/x"), new StringContent("{}")));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, handler.Requests.Count(r => r.Method == HttpMethod.Get));
        Assert.Single(handler.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task A_body_that_trickles_past_the_deadline_is_a_network_error_naming_the_deadline()
    {
        var options = new OktaClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 1, ProductVersion = "1.2.3" };
        using var h = new OktaHarness(options: options);
        h.Handler.On(HttpMethod.Post, "/api/v1/authn", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new TricklingStream("{\"status\":\"SUCCESS\"")) { Headers = { { "Content-Type", "application/json" } } },
        });

        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Equal("Cannot reach Okta at https://acme.okta.com: no answer within 0.3 s", e.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_answer_over_the_cap_is_refused()
    {
        using var h = new OktaHarness(options: new OktaClientOptions { MaxResponseBytes = 1024, ProductVersion = "1.2.3" });
        var big = "{\"status\":\"SUCCESS\",\"pad\":\"" + new string('x', 4096) + "\"}";
        h.Handler.On(HttpMethod.Post, "/api/v1/authn", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            // No Content-Length: the cap holds while reading, not only by the header.
            Content = new StreamContent(new TricklingStream(big, delay: TimeSpan.Zero)) { Headers = { { "Content-Type", "application/json" } } },
        });

        var e = await Assert.ThrowsAsync<KeymanException>(h.LoginAsync);

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Equal("Okta's answer for /api/v1/authn is larger than 1 KiB", e.Message);
    }

    private static RetryPolicy Policy() => new() { Service = "Test", MaxAttempts = 3, Jitter = null, MaxRateLimitWait = TimeSpan.FromSeconds(60) };

    private static HttpResponseMessage Answer(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>A body that arrives one byte at a time, <paramref name="delay"/> apart, with no length known up front.</summary>
    private sealed class TricklingStream(string text, TimeSpan? delay = null) : Stream
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(text);
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay ?? TimeSpan.FromSeconds(1), cancellationToken);
            if (_position >= _bytes.Length)
            {
                // Never ends: a server that stops sending without closing.
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (delay == TimeSpan.Zero)
            {
                var n = Math.Min(buffer.Length, _bytes.Length - _position);
                _bytes.AsMemory(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            buffer.Span[0] = _bytes[_position++];
            return 1;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
