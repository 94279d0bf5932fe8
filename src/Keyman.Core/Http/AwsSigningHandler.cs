namespace Keyman.Core.Http;

/// <summary>
/// Signs each AWS request with SigV4 as it goes out. It sits under <see cref="RetryHandler"/>, so every attempt is
/// signed afresh, at its own time.
/// </summary>
public sealed class AwsSigningHandler(AwsRequestSigner signer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        await signer.SignAsync(request, body, cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
