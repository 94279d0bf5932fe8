namespace Keyman.Core.Aws.Profiles;

/// <summary>One sts:AssumeRole step of a profile chain: <see cref="Profile"/>'s role_arn, assumed with <see cref="SourceProfile"/>'s credentials.</summary>
public sealed record AwsRoleLink(
    string Profile,
    string RoleArn,
    string SourceProfile,
    string? RoleSessionName,
    string? ExternalId,
    int? DurationSeconds);

/// <summary>
/// A profile resolved without any network call: the region, the base credentials (possibly missing or expired) and the
/// roles to assume on top of them. <c>keyman doctor</c> reports this; <see cref="AwsProfiles.ResolveAsync"/> acts on it.
/// </summary>
public sealed record AwsProfilePlan(
    string Profile,
    string ProfileOrigin,
    string Region,
    string RegionOrigin,
    string ConfigPath,
    string CredentialsPath,
    string BaseProfile,
    AwsSigningCredentials? BaseCredentials,
    IReadOnlyList<AwsRoleLink> Roles,
    string? BaseCredentialProcess = null)
{
    /// <summary>The role the profile finally acts as, when it has a role_arn.</summary>
    public string? TargetRoleArn => Roles.Count > 0 ? Roles[^1].RoleArn : null;

    /// <summary>One line for doctor: "source profile default: credentials expire at …" / "expired at … — run keyman" / "no credentials — run keyman".</summary>
    public string DescribeBaseCredentials(DateTimeOffset now)
    {
        var who = BaseCredentials?.Origin == AwsCredentialOrigin.Environment
            ? "environment credentials"
            : Roles.Count > 0 ? $"source profile {BaseProfile}" : $"profile {BaseProfile}";
        if (BaseCredentials is null && BaseCredentialProcess is not null)
        {
            return $"{who}: credentials from credential_process ({BaseCredentialProcess})";
        }

        if (BaseCredentials is null)
        {
            return $"{who}: no credentials in {CredentialsPath} — run keyman";
        }

        if (BaseCredentials.Expiration is not { } expiration)
        {
            return $"{who}: credentials from {BaseCredentials.Describe()}, expiry unknown";
        }

        return BaseCredentials.IsExpired(now)
            ? $"{who}: credentials expired at {AwsCredentials.FormatRfc3339(expiration)} — run keyman"
            : $"{who}: credentials expire at {AwsCredentials.FormatRfc3339(expiration)}";
    }
}

/// <summary>Credentials ready to sign with, for a profile and region.</summary>
public sealed record AwsSession(AwsProfilePlan Plan, AwsSigningCredentials Credentials)
{
    public string Profile => Plan.Profile;

    public string Region => Plan.Region;
}
