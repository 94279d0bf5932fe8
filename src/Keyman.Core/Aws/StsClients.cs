using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;

namespace Keyman.Core.Aws;

/// <summary>Builds the AWSSDK STS client the same way for every STS call Keyman makes (SAML, AssumeRole, GetCallerIdentity).</summary>
internal static class StsClients
{
    /// <param name="endpoint">An AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL override, or null for the regional endpoint.</param>
    /// <param name="handler">A transport for tests; null for the SDK's own.</param>
    public static AmazonSecurityTokenServiceClient Create(AWSCredentials credentials, string region, Uri? endpoint, HttpMessageHandler? handler, int maxErrorRetry, TimeSpan timeout)
    {
        var config = new AmazonSecurityTokenServiceConfig
        {
            // Keyman resolves endpoint overrides itself, from the injected environment.
            IgnoreConfiguredEndpointUrls = true,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = maxErrorRetry,
            Timeout = timeout,
        };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (handler is not null)
        {
            config.HttpClientFactory = new HandlerHttpClientFactory(handler, timeout);
        }

        return new AmazonSecurityTokenServiceClient(credentials, config);
    }

    /// <summary>True when the SDK call failed for want of a connection or an answer (anywhere in the inner chain), not by a refusal.</summary>
    public static bool IsNetworkFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is HttpRequestException or System.Net.Sockets.SocketException or TimeoutException or IOException or OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Hands the SDK HttpClients over an injected handler.</summary>
    private sealed class HandlerHttpClientFactory(HttpMessageHandler handler, TimeSpan timeout) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(handler, disposeHandler: false) { Timeout = timeout };

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}
