using System.Text;
using Keyman.Core.Delivery;

namespace Keyman.Tests.Delivery;

/// <summary>The credential endpoint's request reader: strict, bounded, never waiting forever.</summary>
public sealed class HttpRequestHeadTests
{
    private static HttpRequestHead? Parse(string head) => HttpRequestHead.Parse(Encoding.Latin1.GetBytes(head));

    [Fact]
    public void A_plain_GET_with_a_token_parses()
    {
        var head = Parse("GET /abc HTTP/1.1\r\nHost: 127.0.0.1:1234\r\nAuthorization:  tok-en \r\nAccept-Encoding: identity");

        Assert.Equal(new HttpRequestHead("GET", "/abc", "tok-en"), head);
    }

    [Theory]
    [InlineData("GET /abc HTTP/1.1\r\nauthorization: x", "x")]
    [InlineData("GET /abc HTTP/1.0", null)]
    public void Header_names_are_case_insensitive_and_the_token_optional(string text, string? token) =>
        Assert.Equal(token, Parse(text)!.Authorization);

    [Theory]
    [InlineData("")]
    [InlineData("GET")]
    [InlineData("GET /abc")]
    [InlineData("GET  /abc HTTP/1.1")]             // two spaces
    [InlineData("GET /abc HTTP/1.1 extra")]
    [InlineData("GET abc HTTP/1.1")]                // not origin-form
    [InlineData("GET http://x/abc HTTP/1.1")]
    [InlineData("GET /abc HTTP/2.0")]
    [InlineData("GET /abc http/1.1")]
    [InlineData("G(T /abc HTTP/1.1")]
    [InlineData("GET /a\tbc HTTP/1.1")]
    [InlineData("GET /abc HTTP/1.1\nHost: x")]      // bare LF
    [InlineData("GET /abc HTTP/1.1\r\nHost x")]     // no colon
    [InlineData("GET /abc HTTP/1.1\r\n: x")]        // empty name
    [InlineData("GET /abc HTTP/1.1\r\nBad Name: x")]
    [InlineData("GET /abc HTTP/1.1\r\nHost: x\r\n folded")]   // obs-fold
    [InlineData("GET /abc HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b")]
    [InlineData("GET /abc HTTP/1.1\r\nX: caf\u00e9")] // not ASCII
    [InlineData("GET /abc HTTP/1.1\r\nX: a\u0000b")]
    public void Malformed_heads_are_refused(string text) => Assert.Null(Parse(text));

    [Fact]
    public void Too_many_header_lines_are_refused()
    {
        var many = string.Concat(Enumerable.Range(0, HttpRequestHead.MaxHeaders + 1).Select(i => $"\r\nX-{i}: 1"));
        Assert.Null(Parse("GET / HTTP/1.1" + many));
        Assert.NotNull(Parse("GET / HTTP/1.1" + string.Concat(Enumerable.Range(0, HttpRequestHead.MaxHeaders).Select(i => $"\r\nX-{i}: 1"))));
    }

    [Fact]
    public async Task Reading_stops_at_the_blank_line_even_across_reads_and_leaves_the_body()
    {
        using var stream = new TrickleStream(Encoding.ASCII.GetBytes("GET /p HTTP/1.1\r\nAuthorization: t\r\n\r\nBODY"), chunk: 1);

        var read = await HttpRequestHead.ReadAsync(stream, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(200, read.Status);
        Assert.Equal("t", read.Head!.Authorization);
    }

    [Fact]
    public async Task An_oversized_head_is_431_without_reading_further()
    {
        var big = "GET /p HTTP/1.1\r\nX: " + new string('a', HttpRequestHead.MaxHeadBytes) + "\r\n\r\n";
        using var stream = new TrickleStream(Encoding.ASCII.GetBytes(big), chunk: 4096);

        var read = await HttpRequestHead.ReadAsync(stream, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(431, read.Status);
        Assert.True(stream.Position <= HttpRequestHead.MaxHeadBytes);
    }

    [Fact]
    public async Task A_malformed_head_is_400_and_a_closed_connection_is_nothing_to_answer()
    {
        using var bad = new MemoryStream(Encoding.ASCII.GetBytes("HELLO\r\n\r\n"));
        Assert.Equal(400, (await HttpRequestHead.ReadAsync(bad, TimeSpan.FromSeconds(5), CancellationToken.None)).Status);

        using var closed = new MemoryStream(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n"));
        Assert.Equal(0, (await HttpRequestHead.ReadAsync(closed, TimeSpan.FromSeconds(5), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_client_that_stops_sending_gets_408_at_the_deadline()
    {
        using var stream = new TrickleStream(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n"), chunk: 100) { HangAtEnd = true };

        var read = await HttpRequestHead.ReadAsync(stream, TimeSpan.FromMilliseconds(200), CancellationToken.None);

        Assert.Equal(408, read.Status);
    }

    /// <summary>Hands out its bytes a few at a time; at the end either EOF or (HangAtEnd) a read that waits for cancellation.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public bool HangAtEnd { get; init; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= data.Length)
            {
                if (HangAtEnd)
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                return 0;
            }

            var n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
            data.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
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
