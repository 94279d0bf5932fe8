using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Keyman.Core.Aws;

namespace Keyman.Core.Http;

/// <summary>
/// Signs AWS requests with SigV4 through AWSSDK.Core's public signer, for one signing name (Bedrock uses "bedrock" for
/// both the control plane and the runtime; STS "sts"). The signer canonicalises the path as sent, percent-encoded again (non-S3 rule), so
/// /model/x-v2%3A0/invoke signs as /model/x-v2%253A0/invoke; the session token is signed as X-Amz-Security-Token.
/// </summary>
public sealed class AwsRequestSigner
{

    private static readonly string[] SignedContentHeaders = ["content-type"];
    private static readonly string[] SignatureHeaders = ["Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256"];

    private readonly AWSCredentials _credentials;
    private readonly RegionEndpoint _region;
    private readonly TimeProvider _time;
    private readonly string _service;

    public AwsRequestSigner(AwsSigningCredentials credentials, string region, string service, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        _service = service;
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        _credentials = credentials.SessionToken is null
            ? new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey)
            : new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
        _region = RegionEndpoint.GetBySystemName(region);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Adds Authorization, X-Amz-Date, X-Amz-Content-SHA256 and (for session credentials) X-Amz-Security-Token.</summary>
    /// <param name="body">The exact bytes of the request content, or null for none.</param>
    public async Task SignAsync(HttpRequestMessage request, byte[]? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI", nameof(request));
        var signing = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = uri,
            Content = body ?? [],
        };
        foreach (var name in SignatureHeaders)
        {
            // A retry signs afresh: the previous attempt's signature must not be signed again.
            request.Headers.Remove(name);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (name.StartsWith("x-amz", StringComparison.OrdinalIgnoreCase) && !name.Equals("x-amz-date", StringComparison.OrdinalIgnoreCase)
                || name.Equals("accept", StringComparison.OrdinalIgnoreCase))
            {
                signing.Headers[name] = string.Join(",", values.Select(v => v.Trim()));
            }
        }

        if (request.Content is not null)
        {
            foreach (var name in SignedContentHeaders)
            {
                if (request.Content.Headers.TryGetValues(name, out var values))
                {
                    signing.Headers[name] = string.Join(",", values.Select(v => v.Trim()));
                }
            }
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = _credentials,
            Region = _region,
            Service = _service,
            SignedAt = _time.GetUtcNow().UtcDateTime,
        };
        var result = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in result.Headers)
        {
            if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
