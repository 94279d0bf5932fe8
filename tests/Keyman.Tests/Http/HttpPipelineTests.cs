using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keyman.Core;
using Keyman.Core.Http;
using Keyman.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keyman.Tests.Http;

/// <summary>The pipeline against a real TLS server on loopback whose certificate comes from a CA of the test's own.</summary>
public sealed class HttpPipelineTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-tls-").FullName;
    private readonly HashSet<string> _connections = [];
    private WebApplication _server = null!;

    private string CaBundle => Path.Combine(_dir, "ca.pem");

    private string OtherCaBundle => Path.Combine(_dir, "other-ca.pem");

    private Uri Url { get; set; } = null!;

    private static RetryPolicy Policy => new() { Service = "Test", MaxAttempts = 1 };

    public async Task InitializeAsync()
    {
        using var ca = TestCertificates.NewCa("Keyman Test CA");
        using var other = TestCertificates.NewCa("Some Other CA");
        File.WriteAllText(CaBundle, ca.ExportCertificatePem());
        File.WriteAllText(OtherCaBundle, other.ExportCertificatePem());
        var serverCert = TestCertificates.NewServerCertificate(ca);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(serverCert)));
        _server = builder.Build();
        _server.MapGet("/ping", (HttpContext context) =>
        {
            lock (_connections)
            {
                _connections.Add(context.Connection.Id);
            }

            return "pong";
        });
        await _server.StartAsync();
        Url = new Uri(_server.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/ping");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_ca_bundle_is_trusted_and_connections_are_reused_across_clients()
    {
        using var pipeline = new HttpPipeline { CaBundle = CaBundle };
        for (var i = 0; i < 3; i++)
        {
            using var client = pipeline.CreateClient(Policy, new RecordingLog(), TimeProvider.System);
            Assert.Equal("pong", await client.GetStringAsync(Url));
        }

        Assert.Single(_connections);
    }

    [Fact]
    public async Task Without_the_bundle_or_with_another_ca_the_server_is_not_trusted()
    {
        using var system = new HttpPipeline();
        using var other = new HttpPipeline { CaBundle = OtherCaBundle };
        foreach (var pipeline in new[] { system, other })
        {
            using var client = pipeline.CreateClient(Policy, new RecordingLog(), TimeProvider.System);
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(Url));
            Assert.Equal(HttpRequestError.SecureConnectionError, e.HttpRequestError);
        }
    }

    [Fact]
    public async Task Aws_calls_trust_AWS_CA_BUNDLE_and_others_do_not()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string> { [HttpPipeline.AwsCaBundleVariable] = CaBundle }, _dir);
        using var pipeline = new HttpPipeline(env);
        using var aws = pipeline.CreateClient(Policy, new RecordingLog(), TimeProvider.System, HttpTarget.Aws);
        using var okta = pipeline.CreateClient(Policy, new RecordingLog(), TimeProvider.System);

        Assert.Equal("pong", await aws.GetStringAsync(Url));
        await Assert.ThrowsAsync<HttpRequestException>(() => okta.GetStringAsync(Url));
    }

    [Fact]
    public async Task With_the_lazily_read_system_store_its_ca_file_is_trusted_and_another_ca_is_refused_with_the_reason()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-certs")).FullName;
        using var trusting = new HttpPipeline { SystemTrust = new SystemTrustStore(CaBundle, empty) };
        using var refusing = new HttpPipeline { SystemTrust = new SystemTrustStore(OtherCaBundle, empty) };
        using var ok = trusting.CreateClient(Policy, new RecordingLog(), TimeProvider.System);
        using var refused = refusing.CreateClient(Policy, new RecordingLog(), TimeProvider.System);

        Assert.Equal("pong", await ok.GetStringAsync(Url));
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetStringAsync(Url));
        Assert.Equal(HttpRequestError.SecureConnectionError, e.HttpRequestError);
        Assert.Equal("the TLS connection to localhost was refused: its certificate is not issued by a CA this machine trusts "
            + "(the system's trust store, SSL_CERT_FILE / SSL_CERT_DIR, or the ca_bundle / AWS_CA_BUNDLE file)", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_the_lazily_read_system_store_a_ca_in_its_folder_is_trusted_with_or_without_a_hash_link(bool hashLink)
    {
        // update-ca-certificates names a link by the subject hash; .NET also trusts a file without one, and so do we.
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "certs")).FullName;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(CaBundle);
        var name = hashLink ? $"{SystemTrustStoreTests.SubjectHash(ca):x8}.0" : "keyman-test-ca.pem";
        File.Copy(CaBundle, Path.Combine(folder, name));
        using var pipeline = new HttpPipeline { SystemTrust = new SystemTrustStore(Path.Combine(_dir, "none.pem"), folder) };
        using var client = pipeline.CreateClient(Policy, new RecordingLog(), TimeProvider.System);

        Assert.Equal("pong", await client.GetStringAsync(Url));
    }

    [Fact]
    public async Task With_the_lazily_read_system_store_a_ca_bundle_still_trusts_only_the_bundle()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-certs")).FullName;
        using var systemTrustsIt = new HttpPipeline { SystemTrust = new SystemTrustStore(CaBundle, empty), CaBundle = OtherCaBundle };
        using var bundleTrustsIt = new HttpPipeline { SystemTrust = new SystemTrustStore(OtherCaBundle, empty), CaBundle = CaBundle };
        using var refused = systemTrustsIt.CreateClient(Policy, new RecordingLog(), TimeProvider.System);
        using var ok = bundleTrustsIt.CreateClient(Policy, new RecordingLog(), TimeProvider.System);

        Assert.Equal("pong", await ok.GetStringAsync(Url));
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetStringAsync(Url));
        Assert.Contains("not issued by a CA this machine trusts", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.pem", null, "the file does not exist")]
    [InlineData("empty.pem", "", "holds no certificate")]
    [InlineData("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "holds no certificate")]
    public async Task An_unusable_bundle_is_a_config_error(string name, string? content, string expected)
    {
        var path = Path.Combine(_dir, name);
        if (content is not null)
        {
            File.WriteAllText(path, content);
        }

        using var pipeline = new HttpPipeline { CaBundle = path };
        var e = Assert.Throws<KeymanException>(() => pipeline.CreateClient(Policy, new RecordingLog(), TimeProvider.System));

        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("ca_bundle", e.Hint, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void The_transport_follows_no_redirects_keeps_no_cookies_and_uses_the_environment_proxy()
    {
        using var transport = HttpPipeline.CreateTransport(null, TimeSpan.FromSeconds(15));
        Assert.False(transport.AllowAutoRedirect);
        Assert.False(transport.UseCookies);
        Assert.True(transport.UseProxy);
        Assert.Null(transport.Proxy); // null: HttpClient.DefaultProxy, which reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY
    }
}
