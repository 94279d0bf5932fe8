using System.Globalization;

namespace Keyman.Core.Aws;

/// <summary>Temporary AWS credentials from STS. <see cref="ToString"/> never shows the secret key or the session token.</summary>
public sealed record AwsCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string? AssumedRoleArn = null)
{
    /// <summary>The expiry as RFC 3339 UTC with second precision, e.g. 2025-08-22T15:35:24Z.</summary>
    public string ExpirationRfc3339 => FormatRfc3339(Expiration);

    public override string ToString() =>
        $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***, SessionToken = ***, Expiration = {ExpirationRfc3339}, AssumedRoleArn = {AssumedRoleArn} }}";

    public static string FormatRfc3339(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
