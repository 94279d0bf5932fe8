using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Keyman.EndToEnd.Hardening;

/// <summary>One request as the hostile server read it.</summary>
public sealed record HostileRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that answers the way a hostile or broken server does: it stalls, trickles,
/// or sends more than anyone asked for. Each connection carries one request (Connection: close); the behaviour gets
/// the request and the raw stream. With a certificate it speaks TLS (the sandbox's, which the tests trust).
/// </summary>
public sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<HostileRequest, Stream, CancellationToken, Task> _behaviour;
    private readonly X509Certificate2? _certificate;
    private readonly Task _accepting;
    private int _requests;

    public HostileServer(Func<HostileRequest, Stream, CancellationToken, Task> behaviour, X509Certificate2? certificate = null)
    {
        _behaviour = behaviour;
        _certificate = certificate;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"{(_certificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Requests read so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The status line and headers, then nothing more until the behaviour writes the body.</summary>
    public static Task WriteHeadAsync(Stream stream, int status, string contentType, long? contentLength, CancellationToken cancellationToken, params string[] extraHeaders)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} X\r\nContent-Type: {contentType}\r\nConnection: close\r\n");
        head.Append(contentLength is { } length ? $"Content-Length: {length}\r\n" : "Transfer-Encoding: chunked\r\n");
        foreach (var header in extraHeaders)
        {
            head.Append(header).Append("\r\n");
        }

        return WriteAsync(stream, Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), cancellationToken);
    }

    /// <summary>One chunk of a chunked body.</summary>
    public static Task WriteChunkAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var framed = new byte[data.Length + 32];
        var prefix = Encoding.ASCII.GetBytes($"{data.Length:x}\r\n");
        prefix.CopyTo(framed, 0);
        data.CopyTo(framed.AsMemory(prefix.Length));
        "\r\n"u8.CopyTo(framed.AsSpan(prefix.Length + data.Length));
        return WriteAsync(stream, framed.AsMemory(0, prefix.Length + data.Length + 2), cancellationToken);
    }

    /// <summary>Sends <paramref name="body"/> one byte at a time, <paramref name="delay"/> apart (a body with a Content-Length).</summary>
    public static async Task TrickleAsync(Stream stream, byte[] body, TimeSpan delay, CancellationToken cancellationToken)
    {
        foreach (var b in body)
        {
            await WriteAsync(stream, new[] { b }, cancellationToken);
            await Task.Delay(delay, cancellationToken);
        }
    }

    /// <summary>Waits until the client gives up (or the server stops).</summary>
    public static Task StallAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(data, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var token = _stop.Token;
        try
        {
            Stream stream = client.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, token);
                stream = tls;
            }

            await using (stream)
            {
                var request = await ReadRequestAsync(stream, token);
                Interlocked.Increment(ref _requests);
                await _behaviour(request, stream, token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client hung up, as clients of hostile servers should.
        }
    }

    private static async Task<HostileRequest> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException("closed before the request ended");
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = new byte[headers.TryGetValue("Content-Length", out var length) ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0];
        await stream.ReadExactlyAsync(body, cancellationToken);
        return new HostileRequest(start[0], start[1], headers, body);
    }
}
