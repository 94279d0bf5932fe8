using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Keyman.Core.Http;

/// <summary>
/// The system's trust store as .NET on Linux defines it — every certificate in the CA file (SSL_CERT_FILE, else
/// OpenSSL's built-in file) and in every file of the CA folders (SSL_CERT_DIR, ':'-separated, else OpenSSL's built-in
/// folder, else /etc/ssl/certs) — read lazily. .NET parses all of those files (some 150, several hundred
/// certificates) on a process's first TLS handshake, most of a login's own time; here a handshake reads only the
/// certificates that can be issuers of the server's chain: those of the CA file whose subject matches, and the files
/// of a CA folder named by the subject-name hash (&lt;hash&gt;.0, .1…, as update-ca-certificates / c_rehash create them).
/// Whatever that does not find is looked for in the whole store (<see cref="LoadAll"/>), so what is trusted is exactly
/// what .NET trusts, never more. Linux only; <see cref="TakeOverFromRuntime"/> switches .NET's own eager reading off.
/// </summary>
public sealed class SystemTrustStore
{
    private const string FileVariable = "SSL_CERT_FILE";
    private const string DirectoryVariable = "SSL_CERT_DIR";

    /// <summary>Set .NET's variables to this so it finds no CA file nor folder (not a regular file, not a folder).</summary>
    private const string Nowhere = "/dev/null";

    private readonly string? _file;
    private readonly string? _directories;
    private readonly bool _builtIn;

    /// <param name="file">The CA file (SSL_CERT_FILE); null: OpenSSL's built-in one.</param>
    /// <param name="directories">The CA folders (SSL_CERT_DIR, ':'-separated); null: OpenSSL's built-in one.</param>
    public SystemTrustStore(string? file, string? directories)
    {
        _file = file;
        _directories = directories;
        _builtIn = directories is null;
    }

    /// <summary>The process's store once <see cref="TakeOverFromRuntime"/> ran; null: .NET reads the store itself.</summary>
    public static SystemTrustStore? Process { get; private set; }

    /// <summary>
    /// At start-up, before any TLS: remembers where the trust store is and points .NET's native view of SSL_CERT_FILE /
    /// SSL_CERT_DIR at nothing, so .NET's chain builder no longer reads the whole store; <see cref="HttpPipeline"/> then
    /// checks server certificates against this lazily read store instead. The managed environment (what child
    /// processes and <see cref="IEnvironment"/> see) keeps the user's values. No-op off Linux.
    /// </summary>
    public static void TakeOverFromRuntime()
    {
        // libcrypto is loaded on the first handshake (by .NET anyway), not here: `keyman --version` stays as small as before.
        if (!OperatingSystem.IsLinux() || Process is not null
            || !NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "setenv", out var setenv))
        {
            return;
        }

        // Caches the managed copy of the environment now, so later reads and child processes keep the user's values.
        _ = Environment.GetEnvironmentVariables();
        var store = new SystemTrustStore(Environment.GetEnvironmentVariable(FileVariable), Environment.GetEnvironmentVariable(DirectoryVariable));
        if (SetNative(setenv, FileVariable, Nowhere) && SetNative(setenv, DirectoryVariable, Nowhere))
        {
            Process = store;
        }
    }

    /// <summary>
    /// The certificates of the store whose subject is one of <paramref name="subjects"/> (DER), and transitively their
    /// issuers when they are not self-signed; may miss some (a name spelt differently, a folder without hash links).
    /// </summary>
    public X509Certificate2Collection FindIssuers(IEnumerable<X500DistinguishedName> subjects)
    {
        var found = new X509Certificate2Collection();
        var wanted = new List<byte[]>();
        foreach (var subject in subjects)
        {
            Want(wanted, subject.RawData);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var caFile = CaFile() is { } file ? ReadCertificates(file).Select(der => (der, subject: Subject(der))).ToList() : [];
        for (var round = 0; round < 8 && wanted.Count > 0; round++)
        {
            var next = new List<byte[]>();
            var candidates = caFile.Where(c => c.subject is { } s && wanted.Any(w => s.AsSpan().SequenceEqual(w))).Select(c => c.der).ToList();

            foreach (var name in wanted)
            {
                if (LibCrypto.NameHash(name) is not { } hash)
                {
                    continue;
                }

                foreach (var dir in CaDirectories())
                {
                    for (var i = 0; File.Exists(Path.Combine(dir, $"{hash:x8}.{i}")); i++)
                    {
                        candidates.AddRange(ReadCertificates(Path.Combine(dir, $"{hash:x8}.{i}")));
                    }
                }
            }

            foreach (var der in candidates)
            {
                var cert = Load(der);
                if (cert is null || !seen.Add(cert.Thumbprint))
                {
                    cert?.Dispose();
                    continue;
                }

                found.Add(cert);
                if (!cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData))
                {
                    Want(next, cert.IssuerName.RawData);
                }
            }

            wanted = next;
        }

        return found;
    }

    /// <summary>Every certificate of the store, read the way .NET reads it (the slow path, for what the lazy one missed).</summary>
    public X509Certificate2Collection LoadAll()
    {
        var all = new X509Certificate2Collection();
        void AddFile(string path)
        {
            foreach (var der in ReadCertificates(path))
            {
                if (Load(der) is { } cert)
                {
                    all.Add(cert);
                }
            }
        }

        bool AddFolder(string dir)
        {
            var before = all.Count;
            if (Directory.Exists(dir))
            {
                foreach (var path in Directory.EnumerateFiles(dir))
                {
                    AddFile(path);
                }
            }

            return all.Count > before;
        }

        if (CaFile() is { } file)
        {
            AddFile(file);
        }

        var any = false;
        foreach (var dir in CaDirectories())
        {
            any |= AddFolder(dir);
        }

        // .NET's own fallback when the built-in folder holds nothing.
        if (!any && _builtIn)
        {
            AddFolder("/etc/ssl/certs");
        }

        return all;
    }

    /// <summary>The certificates (DER) of a PEM file's CERTIFICATE blocks, or of a DER file; none if unreadable.</summary>
    internal static List<byte[]> ReadCertificates(string path)
    {
        var list = new List<byte[]>();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return list;
        }

        var text = System.Text.Encoding.ASCII.GetString(bytes).AsSpan();
        while (PemEncoding.TryFind(text, out var pem))
        {
            if (text[pem.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[pem.DecodedDataLength];
                if (Convert.TryFromBase64Chars(text[pem.Base64Data], der, out var written))
                {
                    list.Add(der[..written]);
                }
            }

            text = text[pem.Location.End..];
        }

        if (list.Count == 0 && bytes.Length > 0 && bytes[0] == 0x30 && Subject(bytes) is not null)
        {
            list.Add(bytes);
        }

        return list;
    }

    /// <summary>The subject name (DER) of a certificate (DER), read without parsing the rest; null if malformed.</summary>
    internal static byte[]? Subject(byte[] certificate)
    {
        try
        {
            var tbs = new AsnReader(certificate, AsnEncodingRules.BER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.ReadEncodedValue(); // version
            }

            tbs.ReadEncodedValue(); // serial number
            tbs.ReadEncodedValue(); // signature algorithm
            tbs.ReadEncodedValue(); // issuer
            tbs.ReadEncodedValue(); // validity
            return tbs.ReadEncodedValue().ToArray();
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static X509Certificate2? Load(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static void Want(List<byte[]> wanted, byte[] name)
    {
        if (!wanted.Any(w => w.AsSpan().SequenceEqual(name)))
        {
            wanted.Add(name);
        }
    }

    private static unsafe bool SetNative(nint setenv, string name, string value)
    {
        var n = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        var v = System.Text.Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* pn = n, pv = v)
        {
            return ((delegate* unmanaged<byte*, byte*, int, int>)setenv)(pn, pv, 1) == 0;
        }
    }

    private string? CaFile()
    {
        var file = _file ?? LibCrypto.DefaultCertFile;
        return string.IsNullOrEmpty(file) || !File.Exists(file) ? null : Path.GetFullPath(file);
    }

    private IEnumerable<string> CaDirectories() =>
        (_directories ?? LibCrypto.DefaultCertDirectory ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFullPath);
}
