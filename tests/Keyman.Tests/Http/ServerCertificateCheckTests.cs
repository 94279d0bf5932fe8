using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Keyman.Core.Http;

namespace Keyman.Tests.Http;

/// <summary>The verdict on a server's chain with the lazily read store: SslStream's policy, nothing looser.</summary>
public sealed class ServerCertificateCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-check-").FullName;
    private readonly X509Certificate2 _root = TestCertificates.NewCa("Check Root");
    private readonly X509Certificate2 _intermediate;
    private readonly ServerCertificateCheck _check;

    public ServerCertificateCheckTests()
    {
        _intermediate = TestCertificates.NewIntermediate(_root, "Check Intermediate");
        var file = Path.Combine(_dir, "roots.pem");
        File.WriteAllText(file, _root.ExportCertificatePem());
        _check = new ServerCertificateCheck(new SystemTrustStore(file, string.Empty), null, new ConcurrentDictionary<string, string>());
    }

    public void Dispose()
    {
        _intermediate.Dispose();
        _root.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_chain_through_the_intermediate_the_server_sent_to_a_trusted_root_is_accepted()
    {
        using var leaf = TestCertificates.NewServerCertificate(_intermediate);
        Assert.Null(_check.CheckChain(leaf, Sent(_intermediate)));
    }

    [Fact]
    public void Without_the_intermediate_the_chain_is_refused()
    {
        using var leaf = TestCertificates.NewServerCertificate(_intermediate);
        Assert.Contains("not issued by a CA this machine trusts", _check.CheckChain(leaf, Sent()), StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        using var leaf = TestCertificates.NewServerCertificate(_root, notAfter: DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal("its certificate has expired or is not valid yet", _check.CheckChain(leaf, Sent()));
    }

    [Fact]
    public void A_certificate_not_meant_for_tls_servers_is_refused()
    {
        using var leaf = TestCertificates.NewServerCertificate(_root, TestCertificates.ClientAuthentication);
        Assert.Equal("its certificate is not valid for a TLS server", _check.CheckChain(leaf, Sent()));
    }

    [Theory]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch)]
    [InlineData(SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors)]
    [InlineData(SslPolicyErrors.RemoteCertificateNotAvailable)]
    public void A_host_name_mismatch_or_no_certificate_is_refused_whatever_the_chain(SslPolicyErrors errors)
    {
        using var leaf = TestCertificates.NewServerCertificate(_root);
        Assert.False(_check.Validate(new object(), leaf, Sent(), errors));
        Assert.True(_check.Validate(new object(), leaf, Sent(), SslPolicyErrors.RemoteCertificateChainErrors));
    }

    private static X509Chain Sent(params X509Certificate2[] certificates)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.ExtraStore.AddRange(certificates);
        return chain;
    }
}
