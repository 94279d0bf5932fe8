using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Delivery;
using Keyman.Tests.Support;

namespace Keyman.Tests.Delivery;

/// <summary>The local credential endpoint over real loopback sockets: what it serves, what it refuses, what it logs.</summary>
public sealed class CredentialServerTests : IAsyncLifetime
{
    private static readonly AwsCredentials Keys = new("ASIASERVED", "secret-key-value", "session-token-value", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly RecordingLog _log = new();
    private readonly FakeSource _source = new();
    private CredentialServer _server = null!;

    public Task InitializeAsync()
    {
        _server = CredentialServer.Start(_source, _log, TimeSpan.FromMilliseconds(500));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(int Status, string Head, string Body)> SendAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), text[..split], text[(split + 4)..]);
    }

    private string Get(string? token, string? path = null, string method = "GET") =>
        $"{method} {path ?? _server.Path} HTTP/1.1\r\nHost: 127.0.0.1:{_server.Port}\r\n" + (token is null ? string.Empty : $"Authorization: {token}\r\n") + "\r\n";

    [Fact]
    public async Task A_GET_with_the_token_at_the_path_gets_the_container_credentials_shape()
    {
        var (status, head, body) = await SendAsync(Get(_server.AuthorizationToken));

        Assert.Equal(200, status);
        Assert.Contains("Content-Type: application/json", head, StringComparison.Ordinal);
        Assert.Contains("Connection: close", head, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(["AccessKeyId", "SecretAccessKey", "Token", "Expiration"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("session-token-value", json.RootElement.GetProperty("Token").GetString());
        Assert.Equal("2030-01-02T03:04:05Z", json.RootElement.GetProperty("Expiration").GetString());
    }

    [Fact]
    public async Task The_dotnet_http_client_reads_it_like_an_SDK_would()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url);
        request.Headers.TryAddWithoutValidation("Authorization", _server.AuthorizationToken);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ASIASERVED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    [InlineData("Bearer TOKEN")]
    public async Task No_or_a_wrong_token_is_403_and_tells_nothing(string? token)
    {
        var sent = token?.Replace("TOKEN", _server.AuthorizationToken, StringComparison.Ordinal);

        var (status, _, body) = await SendAsync(Get(sent));

        Assert.Equal(403, status);
        Assert.Equal("{\"Message\":\"invalid Authorization token\"}", body);
        Assert.Equal(0, _source.Calls);
    }

    [Fact]
    public async Task A_wrong_token_on_a_wrong_path_is_still_403()
    {
        Assert.Equal(403, (await SendAsync(Get("wrong", "/other"))).Status);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/other")]
    [InlineData("PATH/x")]
    [InlineData("PATH?x=1")]
    public async Task Another_path_is_404(string path)
    {
        var (status, _, _) = await SendAsync(Get(_server.AuthorizationToken, path.Replace("PATH", _server.Path, StringComparison.Ordinal)));

        Assert.Equal(404, status);
        Assert.Equal(0, _source.Calls);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("HEAD")]
    [InlineData("get")]
    public async Task Another_method_is_405_with_Allow_GET(string method)
    {
        var (status, head, _) = await SendAsync(Get(_server.AuthorizationToken, method: method));

        Assert.Equal(405, status);
        Assert.Contains("Allow: GET", head, StringComparison.Ordinal);
        Assert.Equal(0, _source.Calls);
    }

    [Fact]
    public async Task A_bad_request_line_is_400_and_an_oversized_head_431()
    {
        Assert.Equal(400, (await SendAsync("GET /x\r\n\r\n")).Status);
        Assert.Equal(400, (await SendAsync("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\r\n\r\n")).Status);   // TLS hello bytes
        var big = $"GET {_server.Path} HTTP/1.1\r\nAuthorization: {_server.AuthorizationToken}\r\nX: {new string('a', HttpRequestHead.MaxHeadBytes)}\r\n\r\n";
        Assert.Equal(431, (await SendAsync(big)).Status);
        Assert.Equal(0, _source.Calls);
    }

    [Fact]
    public async Task A_client_that_sends_half_a_request_gets_408_instead_of_holding_the_connection()
    {
        var (status, _, _) = await SendAsync($"GET {_server.Path} HTTP/1.1\r\n");

        Assert.Equal(408, status);
    }

    [Fact]
    public async Task A_renewal_that_fails_is_500_with_its_message()
    {
        _source.Failure = new KeymanException(ExitCodes.Network, "Cannot reach Okta", "Check the network.");

        var (status, _, body) = await SendAsync(Get(_server.AuthorizationToken));

        Assert.Equal(500, status);
        Assert.Contains("Cannot reach Okta", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_listens_on_loopback_only_at_a_random_path_and_token()
    {
        await using var other = CredentialServer.Start(_source, _log);

        Assert.Equal(new Uri($"http://127.0.0.1:{_server.Port}{_server.Path}"), _server.Url);
        Assert.NotEqual(_server.Path, other.Path);
        Assert.NotEqual(_server.AuthorizationToken, other.AuthorizationToken);
        Assert.True(_server.AuthorizationToken.Length >= 40);
        Assert.Equal(
            [("AWS_CONTAINER_CREDENTIALS_FULL_URI", _server.Url.ToString()), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", _server.AuthorizationToken)],
            _server.Variables.Select(v => (v.Key, v.Value)));
        foreach (var address in System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                     .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)
                     .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork))
        {
            using var client = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(address, _server.Port));
        }
    }

    [Fact]
    public async Task The_debug_log_says_what_was_asked_and_answered_never_the_token_or_keys()
    {
        await SendAsync(Get(_server.AuthorizationToken));
        await SendAsync(Get("wrong"));
        await SendAsync(Get(_server.AuthorizationToken, "/nope"));

        var log = _log.All;
        Assert.Contains("GET path ok -> 200", log, StringComparison.Ordinal);
        Assert.Contains("GET refused (no or wrong token) -> 403", log, StringComparison.Ordinal);
        Assert.Contains("GET refused (wrong path) -> 404", log, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.AuthorizationToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Path, log, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-value", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_dispose_nothing_listens()
    {
        var port = _server.Port;
        await _server.DisposeAsync();
        using var client = new TcpClient();

        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        _server = CredentialServer.Start(_source, _log);
    }

    private sealed class FakeSource : ICredentialSource
    {
        private int _calls;

        public int Calls => _calls;

        public KeymanException? Failure { get; set; }

        public Task<AwsCredentials> GetAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Failure is { } e ? Task.FromException<AwsCredentials>(e) : Task.FromResult(Keys);
        }
    }
}
