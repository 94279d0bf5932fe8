using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Keyman.Core.Http;

/// <summary>
/// Decides whether a TLS server's certificate is trusted, for one transport: against the CA bundle when one is given
/// (ca_bundle / --ca-bundle / AWS_CA_BUNDLE), else against the system's trust store — read lazily through
/// <see cref="SystemTrustStore"/> when the process took it over, else by .NET as usual. The verdict is .NET's own
/// chain builder's with the same policy SslStream uses (server authentication EKU, no revocation check, host name
/// checked by SslStream); only which certificates it is shown changes. A refusal's reason is kept per host, so the
/// error can say why instead of .NET's generic "SSL connection could not be established".
/// </summary>
internal sealed class ServerCertificateCheck
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", null);

    private readonly SystemTrustStore? _store;
    private readonly X509ChainPolicy? _bundlePolicy;
    private readonly ConcurrentDictionary<string, string> _refusals;

    public ServerCertificateCheck(SystemTrustStore? store, X509ChainPolicy? bundlePolicy, ConcurrentDictionary<string, string> refusals)
    {
        _store = store;
        _bundlePolicy = bundlePolicy;
        _refusals = refusals;
    }

    /// <summary>
    /// The policy of SslStream's own chain: the bundle's; with the lazy store, no roots and no downloads (its verdict
    /// is replaced by <see cref="Validate"/>'s); else null, .NET's default.
    /// </summary>
    public X509ChainPolicy? HandshakePolicy => _bundlePolicy ?? (_store is null ? null : new X509ChainPolicy
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        DisableCertificateDownloads = true,
        RevocationMode = X509RevocationMode.NoCheck,
    });

    /// <summary>SslStream's RemoteCertificateValidationCallback.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        var refusal = errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || certificate is null ? "the server sent no certificate"
            : errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) ? "its certificate is not issued for this host name"
            : CheckChain(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), chain);
        if (refusal is null)
        {
            return true;
        }

        if (sender is SslStream { TargetHostName: { Length: > 0 } host })
        {
            _refusals[host] = refusal;
        }

        return false;
    }

    /// <summary>Null when the chain is trusted, else why not.</summary>
    internal string? CheckChain(X509Certificate2 leaf, X509Chain? handshakeChain)
    {
        var sent = handshakeChain?.ChainPolicy.ExtraStore ?? [];
        if (_store is null)
        {
            return Describe(handshakeChain);
        }

        if (_bundlePolicy is not null)
        {
            // .NET offers the system store's intermediates to a custom-root chain too; the handshake's chain had none.
            using var withSystem = new X509Chain { ChainPolicy = _bundlePolicy.Clone() };
            withSystem.ChainPolicy.ExtraStore.AddRange(sent);
            withSystem.ChainPolicy.ExtraStore.AddRange(NotSelfSigned(_store.LoadAll()));
            return withSystem.Build(leaf) ? null : Describe(withSystem);
        }

        var issuers = _store.FindIssuers(sent.Cast<X509Certificate2>().Prepend(leaf).Select(c => c.IssuerName));
        using (var quick = SystemChain(sent, issuers, downloads: false))
        {
            if (quick.Build(leaf))
            {
                return null;
            }
        }

        using var whole = SystemChain(sent, _store.LoadAll(), downloads: true);
        return whole.Build(leaf) ? null : Describe(whole);
    }

    /// <summary>SslStream's default chain for a client (server authentication, no revocation check) over these roots.</summary>
    private static X509Chain SystemChain(X509Certificate2Collection sent, X509Certificate2Collection store, bool downloads)
    {
        var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        policy.ApplicationPolicy.Add(ServerAuthentication);
        policy.DisableCertificateDownloads = !downloads;
        policy.ExtraStore.AddRange(sent);

        // A custom root store treats what is not self-signed as an intermediate, as .NET's system store does.
        policy.CustomTrustStore.AddRange(store);

        // .NET's system trust includes the user's own .NET root store (~/.dotnet/corefx/cryptography/x509stores/root).
        try
        {
            using var userRoots = new X509Store(StoreName.Root, StoreLocation.CurrentUser);
            userRoots.Open(OpenFlags.ReadOnly);
            policy.CustomTrustStore.AddRange(userRoots.Certificates);
        }
        catch (CryptographicException)
        {
            // No readable user store: .NET's own chain skips it the same way.
        }

        return chain;
    }

    private static X509Certificate2[] NotSelfSigned(X509Certificate2Collection certificates) =>
        certificates.Where(c => !c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToArray();

    private static string Describe(X509Chain? chain)
    {
        var flags = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            return "its certificate has expired or is not valid yet";
        }

        if (flags.HasFlag(X509ChainStatusFlags.Revoked))
        {
            return "its certificate is revoked";
        }

        if (flags.HasFlag(X509ChainStatusFlags.NotValidForUsage))
        {
            return "its certificate is not valid for a TLS server";
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0 || flags == X509ChainStatusFlags.NoError)
        {
            return "its certificate is not issued by a CA this machine trusts (the system's trust store, SSL_CERT_FILE / SSL_CERT_DIR, or the ca_bundle / AWS_CA_BUNDLE file)";
        }

        return $"its certificate chain is invalid ({flags})";
    }
}
