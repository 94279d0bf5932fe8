using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keyman.Core.Ui;

namespace Keyman.Core.Http;

/// <summary>Whose servers a request goes to; AWS calls may trust their own CA bundle (AWS_CA_BUNDLE).</summary>
public enum HttpTarget
{
    /// <summary>Okta and anything else: the <c>ca_bundle</c> setting, else the system's trust store.</summary>
    Default,

    /// <summary>STS, Bedrock, the console sign-in, AWS's SAML page: AWS_CA_BUNDLE, else as <see cref="Default"/>.</summary>
    Aws,
}

/// <summary>
/// The one factory of every HTTP client: <see cref="RetryHandler"/> (the service's <see cref="RetryPolicy"/>) over an
/// optional <see cref="AwsSigningHandler"/> over one pooled transport per trust store, shared by the whole run, so a
/// login's several Okta calls reuse one connection. The transport follows no redirects and keeps no cookies (Okta's
/// client sends its sid cookie and follows same-origin redirects itself), decompresses, and uses the proxy of
/// HTTPS_PROXY / HTTP_PROXY / NO_PROXY (SocketsHttpHandler's default proxy reads them). Tests give their own
/// innermost handler instead.
/// </summary>
public sealed class HttpPipeline : IDisposable
{
    public const string AwsCaBundleVariable = "AWS_CA_BUNDLE";

    private readonly HttpMessageHandler? _transport;
    private readonly IEnvironment? _environment;
    private readonly Dictionary<string, SocketsHttpHandler> _pools = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, string> _refusals = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="environment">Where AWS_CA_BUNDLE is read; null for none.</param>
    /// <param name="transport">The innermost handler for tests; not disposed. Null: pooled sockets.</param>
    public HttpPipeline(IEnvironment? environment = null, HttpMessageHandler? transport = null)
    {
        _environment = environment;
        _transport = transport;
    }

    /// <summary>A PEM file of CA certificates to trust instead of the system's (the config's <c>ca_bundle</c> / --ca-bundle).</summary>
    public string? CaBundle { get; set; }

    /// <summary>The system trust store read lazily (<see cref="SystemTrustStore"/>); null: .NET reads the whole store itself.</summary>
    public SystemTrustStore? SystemTrust { get; init; } = SystemTrustStore.Process;

    /// <summary>Time to open a connection (TCP + TLS).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The handler chain for one client: retry, then signing (AWS calls with credentials), then the shared transport.</summary>
    public HttpMessageHandler CreateHandler(RetryPolicy policy, ILog log, TimeProvider time, HttpTarget target = HttpTarget.Default, AwsRequestSigner? signer = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy = HttpTimeouts.Apply(policy, _environment);
        HttpMessageHandler inner = new SharedTransport(Transport(target), _refusals);
        if (signer is not null)
        {
            inner = new AwsSigningHandler(signer) { InnerHandler = inner };
        }

        return new RetryHandler(policy, log, time) { InnerHandler = inner };
    }

    /// <summary>An HttpClient over <see cref="CreateHandler"/>; the policy's deadlines bound each attempt, so no client timeout.</summary>
    public HttpClient CreateClient(RetryPolicy policy, ILog log, TimeProvider time, HttpTarget target = HttpTarget.Default, AwsRequestSigner? signer = null) =>
        new(CreateHandler(policy, log, time, target, signer), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var pool in _pools.Values)
            {
                pool.Dispose();
            }

            _pools.Clear();
        }
    }

    private HttpMessageHandler Transport(HttpTarget target)
    {
        if (_transport is not null)
        {
            return _transport;
        }

        var bundle = target == HttpTarget.Aws && _environment?.Get(AwsCaBundleVariable) is { Length: > 0 } aws ? aws : CaBundle;
        lock (_gate)
        {
            if (!_pools.TryGetValue(bundle ?? string.Empty, out var pool))
            {
                pool = CreateTransport(bundle, ConnectTimeout, SystemTrust, _refusals);
                _pools[bundle ?? string.Empty] = pool;
            }

            return pool;
        }
    }

    /// <summary>
    /// Pooled sockets: no redirects, no cookie container, decompression, the environment's proxy, and the server's
    /// certificate checked by <see cref="ServerCertificateCheck"/> against the CA bundle when given, else the system's
    /// trust store (<paramref name="systemTrust"/> when given, else .NET's); refusals are noted in <paramref name="refusals"/> by host.
    /// </summary>
    public static SocketsHttpHandler CreateTransport(string? caBundle, TimeSpan connectTimeout, SystemTrustStore? systemTrust = null, ConcurrentDictionary<string, string>? refusals = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = connectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        };
        X509ChainPolicy? bundlePolicy = null;
        if (!string.IsNullOrEmpty(caBundle))
        {
            bundlePolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            bundlePolicy.CustomTrustStore.AddRange(LoadBundle(caBundle));
        }

        var check = new ServerCertificateCheck(systemTrust, bundlePolicy, refusals ?? new(StringComparer.OrdinalIgnoreCase));
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            CertificateChainPolicy = check.HandshakePolicy,
            RemoteCertificateValidationCallback = check.Validate,
        };
        return handler;
    }

    private static X509Certificate2Collection LoadBundle(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new KeymanException(ExitCodes.Config, $"Cannot read the CA bundle {path}: " + e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "the file does not exist",
                UnauthorizedAccessException => "permission denied",
                CryptographicException => "it is not a PEM file of certificates",
                _ => "read error",
            }, "Point ca_bundle / --ca-bundle / AWS_CA_BUNDLE at a PEM file of your CA certificates.", e);
        }

        if (roots.Count == 0)
        {
            throw new KeymanException(ExitCodes.Config, $"The CA bundle {path} holds no certificate",
                "Point ca_bundle / --ca-bundle / AWS_CA_BUNDLE at a PEM file with -----BEGIN CERTIFICATE----- blocks.");
        }

        return roots;
    }

    /// <summary>
    /// Passes requests to the shared transport without disposing it with the client, and says why a server's
    /// certificate was refused instead of .NET's "SSL connection could not be established".
    /// </summary>
    private sealed class SharedTransport(HttpMessageHandler transport, ConcurrentDictionary<string, string> refusals) : DelegatingHandler(transport)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError
                && request.RequestUri is { } uri && refusals.TryRemove(uri.IdnHost, out var reason))
            {
                throw new HttpRequestException(HttpRequestError.SecureConnectionError, $"the TLS connection to {uri.IdnHost} was refused: {reason}", e);
            }
        }

        protected override void Dispose(bool disposing)
        {
            // The transport belongs to the pipeline (or the test), not to this client.
        }
    }
}
