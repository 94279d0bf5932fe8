using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Keyman.Sandbox.Hosting;

/// <summary>
/// The sandbox's own TLS: a throw-away CA made at start and a server certificate it signs for 127.0.0.1, ::1 and
/// localhost. Clients trust the CA (its PEM) the way users trust a corporate CA: SSL_CERT_FILE, AWS_CA_BUNDLE.
/// The extensions are those strict verifiers (OpenSSL's X509_STRICT, Python 3.13's default) require.
/// </summary>
public sealed class SandboxCertificates : IDisposable
{
    private SandboxCertificates(X509Certificate2 authority, X509Certificate2 server)
    {
        Authority = authority;
        Server = server;
    }

    /// <summary>The CA, public part only.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 Server { get; }

    public string AuthorityPem => Authority.ExportCertificatePem() + "\n";

    public static SandboxCertificates Create(DateTimeOffset now)
    {
        var notBefore = now.AddHours(-1);
        var notAfter = now.AddDays(30);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=keyman-sandbox test CA, O=Keyman sandbox", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var caSki = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSki);
        caRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSki));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        // Not disposed: the server certificate keeps using this key.
        var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build(true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(ca, notBefore, notAfter, serial);
        var server = signed.CopyWithPrivateKey(serverKey);
        return new SandboxCertificates(X509CertificateLoader.LoadCertificate(ca.RawData), server);
    }

    /// <summary>A handler for in-process clients (tests) that trusts this CA alone, as a client with SSL_CERT_FILE would.</summary>
    public SocketsHttpHandler TrustingHandler(bool allowAutoRedirect = true, bool useCookies = true)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(Authority);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = allowAutoRedirect,
            UseCookies = useCookies,
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions { CertificateChainPolicy = policy },
        };
    }

    /// <summary>Writes the CA as PEM (write-then-rename, like the ready file).</summary>
    public void WriteAuthorityPem(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, AuthorityPem);
        File.Move(temp, path, overwrite: true);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }
}
