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

/// <summary>Where a set of AWS credentials came from.</summary>
public enum AwsCredentialOrigin
{
    /// <summary>AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.</summary>
    Environment,

    /// <summary>Static keys in the shared credentials file (~/.aws/credentials).</summary>
    CredentialsFile,

    /// <summary>Printed by the profile's credential_process command.</summary>
    CredentialProcess,

    /// <summary>Static keys in the config file (~/.aws/config).</summary>
    ConfigFile,

    /// <summary>sts:AssumeRole for a profile's role_arn.</summary>
    AssumedRole,
}

/// <summary>
/// Credentials to sign AWS requests with, and where they came from. <see cref="ToString"/> never shows the secret key
/// or the session token.
/// </summary>
public sealed record AwsSigningCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string? SessionToken,
    DateTimeOffset? Expiration,
    AwsCredentialOrigin Origin,
    string? Profile,
    string? FilePath,
    string? RoleArn = null)
{
    public bool IsExpired(DateTimeOffset now) => Expiration is { } expiration && expiration <= now;

    /// <summary>For messages: "profile default in /home/me/.aws/credentials", "the AWS_ACCESS_KEY_ID environment variables", …</summary>
    public string Describe() => Origin switch
    {
        AwsCredentialOrigin.Environment => "the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables",
        AwsCredentialOrigin.AssumedRole => $"role {RoleArn} (assumed for profile {Profile})",
        AwsCredentialOrigin.CredentialProcess => $"the credential_process of profile {Profile}",
        _ => $"profile {Profile} in {FilePath}",
    };

    public override string ToString() =>
        $"AwsSigningCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***, SessionToken = {(SessionToken is null ? "null" : "***")}, "
        + $"Expiration = {(Expiration is { } e ? AwsCredentials.FormatRfc3339(e) : "unknown")}, Origin = {Origin}, Profile = {Profile}, FilePath = {FilePath}, RoleArn = {RoleArn} }}";
}
