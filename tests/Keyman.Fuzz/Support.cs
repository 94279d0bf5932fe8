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
