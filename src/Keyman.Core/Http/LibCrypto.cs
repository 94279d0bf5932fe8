using System.Runtime.InteropServices;

namespace Keyman.Core.Http;

/// <summary>
/// The few OpenSSL calls <see cref="SystemTrustStore"/> needs that .NET does not expose: the built-in trust locations
/// (used when SSL_CERT_FILE / SSL_CERT_DIR are unset) and the subject-name hash that names the files of a hashed
/// certificate folder (c_rehash / update-ca-certificates). Loaded on first use from the libcrypto .NET itself uses.
/// </summary>
internal static unsafe class LibCrypto
{
    private static readonly Lazy<Functions?> Loaded = new(Load);

    /// <summary>OpenSSL's built-in CA file (e.g. /usr/lib/ssl/cert.pem), or null.</summary>
    public static string? DefaultCertFile => Loaded.Value is { } f ? Marshal.PtrToStringUTF8(f.DefaultCertFile()) : null;

    /// <summary>OpenSSL's built-in CA folder (e.g. /usr/lib/ssl/certs), or null.</summary>
    public static string? DefaultCertDirectory => Loaded.Value is { } f ? Marshal.PtrToStringUTF8(f.DefaultCertDir()) : null;

    /// <summary>X509_NAME_hash of a DER-encoded name, the way `openssl x509 -subject_hash` prints it; null if unknown.</summary>
    public static uint? NameHash(ReadOnlySpan<byte> der)
    {
        if (Loaded.Value is not { } f || der.IsEmpty)
        {
            return null;
        }

        fixed (byte* start = der)
        {
            var cursor = start;
            var name = f.DecodeName(0, &cursor, der.Length);
            if (name == 0)
            {
                return null;
            }

            try
            {
                var ok = 1;
                var hash = f.HashEx is not null ? f.HashEx(name, 0, 0, &ok) : f.Hash(name);
                return ok == 1 ? (uint)hash : null;
            }
            finally
            {
                f.FreeName(name);
            }
        }
    }

    private static Functions? Load()
    {
        foreach (var soname in (ReadOnlySpan<string>)["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (!NativeLibrary.TryLoad(soname, out var lib))
            {
                continue;
            }

            if (NativeLibrary.TryGetExport(lib, "X509_get_default_cert_file", out var file)
                && NativeLibrary.TryGetExport(lib, "X509_get_default_cert_dir", out var dir)
                && NativeLibrary.TryGetExport(lib, "d2i_X509_NAME", out var decode)
                && NativeLibrary.TryGetExport(lib, "X509_NAME_free", out var free))
            {
                // 3.x: X509_NAME_hash_ex (X509_NAME_hash is a macro there); 1.1: X509_NAME_hash.
                NativeLibrary.TryGetExport(lib, "X509_NAME_hash_ex", out var hashEx);
                NativeLibrary.TryGetExport(lib, "X509_NAME_hash", out var hash);
                if (hashEx != 0 || hash != 0)
                {
                    return new Functions
                    {
                        DefaultCertFile = (delegate* unmanaged<nint>)file,
                        DefaultCertDir = (delegate* unmanaged<nint>)dir,
                        DecodeName = (delegate* unmanaged<nint, byte**, nint, nint>)decode,
                        FreeName = (delegate* unmanaged<nint, void>)free,
                        HashEx = (delegate* unmanaged<nint, nint, nint, int*, nuint>)hashEx,
                        Hash = (delegate* unmanaged<nint, nuint>)hash,
                    };
                }
            }

            NativeLibrary.Free(lib);
        }

        return null;
    }

    private sealed class Functions
    {
        public required delegate* unmanaged<nint> DefaultCertFile { get; init; }

        public required delegate* unmanaged<nint> DefaultCertDir { get; init; }

        /// <summary>d2i_X509_NAME(X509_NAME **a, const unsigned char **pp, long length).</summary>
        public required delegate* unmanaged<nint, byte**, nint, nint> DecodeName { get; init; }

        public required delegate* unmanaged<nint, void> FreeName { get; init; }

        /// <summary>X509_NAME_hash_ex(const X509_NAME *x, OSSL_LIB_CTX *libctx, const char *propq, int *ok) (3.x), or null.</summary>
        public required delegate* unmanaged<nint, nint, nint, int*, nuint> HashEx { get; init; }

        /// <summary>X509_NAME_hash(X509_NAME *x) (1.1), or null.</summary>
        public required delegate* unmanaged<nint, nuint> Hash { get; init; }
    }
}
