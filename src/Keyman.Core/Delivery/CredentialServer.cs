using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keyman.Core.Ui;

namespace Keyman.Core.Delivery;

/// <summary>
/// The local credential endpoint (aws-vault's --ecs-server; the AWS SDKs' container credential provider): on
/// 127.0.0.1 only, at a random path, answering <c>GET</c> with a valid <c>Authorization</c> token with
/// {"AccessKeyId","SecretAccessKey","Token","Expiration"} from an <see cref="ICredentialSource"/>. A plain
/// TcpListener and a strict, bounded request reader (<see cref="HttpRequestHead"/>), one request per connection:
/// no ASP.NET Core or HttpListener in the AOT binary. Refused: no or wrong token 403, other paths 404, other methods 405.
/// </summary>
public sealed class CredentialServer : IAsyncDisposable
{
    public const string FullUriVariable = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public const string TokenVariable = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

    /// <summary>Connections served at once; more are closed unanswered (a local client needs one or two).</summary>
    public const int MaxConnections = 16;

    private readonly TcpListener _listener;
    private readonly ICredentialSource _source;
    private readonly ILog _log;
    private readonly byte[] _tokenHash;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly Task _accepting;

    private CredentialServer(ICredentialSource source, ILog log, TimeSpan readTimeout)
    {
        _source = source;
        _log = log;
        ReadTimeout = readTimeout;
        Path = "/" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        AuthorizationToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(AuthorizationToken));
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The random path the credentials are served at ("/" + 24 characters).</summary>
    public string Path { get; }

    public string AuthorizationToken { get; }

    public TimeSpan ReadTimeout { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}{Path}");

    /// <summary>What a program needs to use the endpoint: the full URI and the token.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables =>
        [new(FullUriVariable, Url.ToString()), new(TokenVariable, AuthorizationToken)];

    /// <summary>Listens on 127.0.0.1 at a port the system picks.</summary>
    public static CredentialServer Start(ICredentialSource source, ILog log, TimeSpan? readTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            return new CredentialServer(source, log, readTimeout ?? TimeSpan.FromSeconds(5));
        }
        catch (SocketException e)
        {
            throw new KeymanException(ExitCodes.GeneralError, $"Cannot listen on 127.0.0.1 for the credential endpoint: {e.SocketErrorCode}",
                "Check that the loopback interface is up and that no policy forbids local listening sockets.", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || (e is SocketException && _stop.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException e)
            {
                _log.Debug($"Credential endpoint: accept failed ({e.SocketErrorCode})");
                continue;
            }

            if (!_slots.Wait(0))
            {
                client.Dispose();
                _log.Debug("Credential endpoint: too many connections at once; closed one unanswered");
                continue;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(client).ConfigureAwait(false);
                }
                finally
                {
                    _slots.Release();
                }
            });
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                var read = await HttpRequestHead.ReadAsync(stream, ReadTimeout, _stop.Token).ConfigureAwait(false);
                if (read.Status == 0)
                {
                    return;
                }

                var answer = read.Head is { } head ? await AnswerAsync(head).ConfigureAwait(false) : Answer.Refused(read.Status, "request", MalformedMessage(read.Status));
                await stream.WriteAsync(answer.Bytes(), _stop.Token).ConfigureAwait(false);
                _log.Debug($"Credential endpoint: {(read.Head is { } h ? h.Method : "(unreadable request)")} {answer.Note} -> {answer.Status}");
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or Keyman is stopping; nothing to answer.
            }
        }
    }

    /// <summary>Token first (nothing is told without it), then the path, then the method.</summary>
    internal async Task<Answer> AnswerAsync(HttpRequestHead head)
    {
        if (!TokenMatches(head.Authorization))
        {
            return Answer.Refused(403, "refused (no or wrong token)", "invalid Authorization token");
        }

        if (head.Target != Path)
        {
            return Answer.Refused(404, "refused (wrong path)", "not found");
        }

        if (head.Method != "GET")
        {
            return Answer.Refused(405, "path ok, refused (method)", "only GET is allowed");
        }

        try
        {
            var credentials = await _source.GetAsync(_stop.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("AccessKeyId", credentials.AccessKeyId);
                writer.WriteString("SecretAccessKey", credentials.SecretAccessKey);
                writer.WriteString("Token", credentials.SessionToken);
                writer.WriteString("Expiration", credentials.ExpirationRfc3339);
                writer.WriteEndObject();
            }

            return new Answer(200, "path ok", buffer.ToArray());
        }
        catch (KeymanException e)
        {
            _log.Warning($"The credential endpoint could not renew the credentials: {e.Message.TrimEnd('.')}. {e.Hint}");
            return Answer.Refused(500, "path ok, renewal failed", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not in Keyman's own words: say only what kind of failure it was (its message may carry anything).
            _log.Warning($"The credential endpoint could not renew the credentials ({e.GetType().Name})");
            return Answer.Refused(500, "path ok, renewal failed", "Keyman could not renew the credentials; see its log");
        }
    }

    private bool TokenMatches(string? authorization) =>
        authorization is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)), _tokenHash);

    private static string MalformedMessage(int status) => status switch
    {
        408 => "request head not received in time",
        431 => "request head too large",
        _ => "malformed request",
    };

    /// <summary>One response: status, body (JSON), and what the debug log says about it (never a token or key).</summary>
    internal sealed record Answer(int Status, string Note, byte[] Body)
    {
        public static Answer Refused(int status, string note, string message)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("Message", message);
                writer.WriteEndObject();
            }

            return new Answer(status, note, buffer.ToArray());
        }

        public byte[] Bytes()
        {
            var reason = Status switch
            {
                200 => "OK",
                400 => "Bad Request",
                403 => "Forbidden",
                404 => "Not Found",
                405 => "Method Not Allowed",
                408 => "Request Timeout",
                431 => "Request Header Fields Too Large",
                _ => "Internal Server Error",
            };
            var head = $"HTTP/1.1 {Status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\n"
                + (Status == 405 ? "Allow: GET\r\n" : string.Empty) + "Cache-Control: no-store\r\nConnection: close\r\n\r\n";
            return [.. Encoding.ASCII.GetBytes(head), .. Body];
        }
    }
}
