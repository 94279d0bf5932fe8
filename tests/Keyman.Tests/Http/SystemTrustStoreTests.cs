using System.Security.Cryptography.X509Certificates;
using Keyman.Core.Http;

namespace Keyman.Tests.Http;

/// <summary>The lazily read system trust store: which certificates a handshake reads, and that the hash names match OpenSSL's.</summary>
public sealed class SystemTrustStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-trust-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>OpenSSL's subject-name hash of a certificate, as `openssl x509 -subject_hash` prints it.</summary>
    internal static uint SubjectHash(X509Certificate2 certificate) =>
        LibCrypto.NameHash(certificate.SubjectName.RawData) ?? throw new InvalidOperationException("no libcrypto");

    [Fact]
    public void The_subject_hash_names_the_files_of_the_system_folder_as_update_ca_certificates_did()
    {
        var links = Directory.Exists("/etc/ssl/certs") ? Directory.GetFiles("/etc/ssl/certs", "*.0") : [];
        if (links.Length == 0)
        {
            return; // no hashed CA folder on this machine
        }

        foreach (var link in links)
        {
            using var cert = X509CertificateLoader.LoadCertificateFromFile(link);
            Assert.Equal(Path.GetFileNameWithoutExtension(link), SubjectHash(cert).ToString("x8"));
        }
    }

    [Fact]
    public void Only_the_issuers_of_the_names_asked_for_are_read_from_the_file_and_the_hash_links()
    {
        using var inFile = TestCertificates.NewCa("In The File");
        using var inFolder = TestCertificates.NewCa("In The Folder");
        using var elsewhere = TestCertificates.NewCa("Not Asked For");
        var file = Path.Combine(_dir, "bundle.pem");
        File.WriteAllText(file, elsewhere.ExportCertificatePem() + "\n" + inFile.ExportCertificatePem() + "\n");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "certs")).FullName;
        File.WriteAllText(Path.Combine(folder, $"{SubjectHash(inFolder):x8}.0"), inFolder.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, $"{SubjectHash(elsewhere):x8}.0"), elsewhere.ExportCertificatePem());
        var store = new SystemTrustStore(file, folder);

        var found = store.FindIssuers([inFile.SubjectName, inFolder.SubjectName]);

        Assert.Equal(
            new[] { inFile.Thumbprint, inFolder.Thumbprint }.Order(),
            found.Select(c => c.Thumbprint).Order());
        Assert.Empty(store.FindIssuers([new X500DistinguishedName("CN=Nobody")]));
    }

    [Fact]
    public void A_cross_signed_ca_in_the_store_brings_its_own_issuer()
    {
        using var root = TestCertificates.NewCa("Old Root");
        using var cross = TestCertificates.NewIntermediate(root, "New Root");
        var file = Path.Combine(_dir, "bundle.pem");
        File.WriteAllText(file, cross.ExportCertificatePem() + "\n" + root.ExportCertificatePem() + "\n");

        var found = new SystemTrustStore(file, string.Empty).FindIssuers([cross.SubjectName]);

        Assert.Equal(new[] { cross.Thumbprint, root.Thumbprint }.Order(), found.Select(c => c.Thumbprint).Order());
    }

    [Fact]
    public void The_whole_store_is_what_dotnet_reads_every_certificate_of_the_file_and_of_every_file_in_the_folders()
    {
        using var a = TestCertificates.NewCa("A");
        using var b = TestCertificates.NewCa("B");
        using var c = TestCertificates.NewCa("C");
        var file = Path.Combine(_dir, "bundle.pem");
        File.WriteAllText(file, a.ExportCertificatePem());
        var one = Directory.CreateDirectory(Path.Combine(_dir, "one")).FullName;
        var two = Directory.CreateDirectory(Path.Combine(_dir, "two")).FullName;
        File.WriteAllText(Path.Combine(one, "b.pem"), b.ExportCertificatePem());
        File.WriteAllBytes(Path.Combine(two, "c.der"), c.RawData);
        File.WriteAllText(Path.Combine(two, "not-a-cert.txt"), "hello");

        var all = new SystemTrustStore(file, one + ":" + two).LoadAll();

        Assert.Equal(new[] { a.Thumbprint, b.Thumbprint, c.Thumbprint }.Order(), all.Select(x => x.Thumbprint).Order());
    }

    [Fact]
    public void Trusted_certificate_blocks_with_openssl_aux_data_are_skipped_as_dotnet_skips_them()
    {
        using var ca = TestCertificates.NewCa("Aux");
        var file = Path.Combine(_dir, "aux.pem");
        File.WriteAllText(file, ca.ExportCertificatePem().Replace("CERTIFICATE", "TRUSTED CERTIFICATE", StringComparison.Ordinal));

        Assert.Empty(SystemTrustStore.ReadCertificates(file));
    }
}
