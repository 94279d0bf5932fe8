using System.Net;
using System.Net.Http.Headers;
using Keyman.Core.Ui;

namespace Keyman.Fuzz;

/// <summary>Answers every request with the same body: the fuzz input, as the named service would send it.</summary>
internal sealed class FixedResponseHandler(byte[] body, HttpStatusCode status, string mediaType) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return Task.FromResult(new HttpResponseMessage(status) { Content = content, RequestMessage = request });
    }
}

/// <summary>
/// A conversation scripted by the fuzz input: its parts (split at lines "~~~") answer the requests in turn, the last one
/// every request after it. A part may start with a line "HTTP STATUS [LOCATION|-] [SET-COOKIE]" (else 200, no headers).
/// </summary>
internal sealed class ScriptedHandler(byte[] input) : HttpMessageHandler
{
    private static readonly byte[] Separator = "\n~~~\n"u8.ToArray();
    private readonly List<byte[]> _parts = Split(input);
    private int _next;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var part = _parts[Math.Min(_next++, _parts.Count - 1)];
        var status = HttpStatusCode.OK;
        string? location = null;
        string? cookie = null;
        if (part.AsSpan().StartsWith("HTTP "u8))
        {
            var end = part.AsSpan().IndexOf((byte)'\n');
            var head = System.Text.Encoding.UTF8.GetString(part, 0, end < 0 ? part.Length : end).Split(' ', 4);
            part = end < 0 ? [] : part[(end + 1)..];
            status = int.TryParse(head[1], out var code) && code is >= 100 and <= 599 ? (HttpStatusCode)code : HttpStatusCode.OK;
            location = head.Length > 2 && head[2] != "-" ? head[2] : null;
            cookie = head.Length > 3 ? head[3] : null;
        }

        var content = new ByteArrayContent(part);
        content.Headers.ContentType = new MediaTypeHeaderValue(part.FirstOrDefault() is (byte)'{' or (byte)'[' ? "application/json" : "text/html");
        var response = new HttpResponseMessage(status) { Content = content, RequestMessage = request };
        if (location is not null && Uri.TryCreate(location, UriKind.RelativeOrAbsolute, out var url))
        {
            response.Headers.Location = url;
        }

        if (cookie is not null)
        {
            response.Headers.TryAddWithoutValidation("Set-Cookie", cookie);
        }

        return Task.FromResult(response);
    }

    private static List<byte[]> Split(byte[] input)
    {
        var parts = new List<byte[]>();
        var rest = input.AsSpan();
        for (var at = rest.IndexOf(Separator); at >= 0; at = rest.IndexOf(Separator))
        {
            parts.Add(rest[..at].ToArray());
            rest = rest[(at + Separator.Length)..];
        }

        parts.Add(rest.ToArray());
        return parts;
    }
}

/// <summary>A clock that jumps ahead by every wait instead of sleeping, so polling loops run to their end at once.</summary>
internal sealed class JumpingTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            _now += dueTime;
        }

        return base.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}

/// <summary>Builds every message (debug included, so its formatting runs) and drops it.</summary>
internal sealed class NullLog : ILog
{
    public static NullLog Instance { get; } = new();

    public bool DebugEnabled => true;

    public void Debug(string message)
    {
    }

    public void Info(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Error(string message)
    {
    }
}

/// <summary>A user at a terminal who picks the first menu row and alternates "resend" with a code.</summary>
internal sealed class AnsweringInteraction : IInteraction
{
    private int _asked;

    public bool CanPrompt => true;

    public Task<string> AskAsync(string prompt, bool secret, CancellationToken cancellationToken) =>
        Task.FromResult(_asked++ % 2 == 0 ? "resend" : "123456");

    public Task<int> ChooseAsync(string title, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, CancellationToken cancellationToken) =>
        Task.FromResult(0);
}

/// <summary>A read-only stream that hands out at most a few bytes per read, as a slow network does.</summary>
internal sealed class TrickleStream(byte[] data) : Stream
{
    private const int MaxRead = 7;
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, MaxRead), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
