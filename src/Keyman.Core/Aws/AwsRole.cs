namespace Keyman.Core.Aws;

/// <summary>
/// One role the SAML assertion lets the user assume, with the SAML provider (principal) that vouches for it.
/// </summary>
public sealed record AwsRole(string RoleArn, string PrincipalArn)
{
    /// <summary>The partition: aws, aws-us-gov or aws-cn (ARN field 1).</summary>
    public string Partition => ArnField(RoleArn, 1);

    /// <summary>The 12-digit account ID (ARN field 4).</summary>
    public string AccountId => ArnField(RoleArn, 4);

    /// <summary>
    /// Everything after "role/", so a role with a path keeps it: role/team/Admin gives "team/Admin"
    /// (aws_okta_keyman took only the first segment and gave "team").
    /// </summary>
    public string RoleName
    {
        get
        {
            var resource = ArnField(RoleArn, 5);
            return resource.StartsWith("role/", StringComparison.Ordinal) ? resource["role/".Length..] : resource;
        }
    }

    /// <summary>The last segment of <see cref="RoleName"/>: "Admin" for role/team/Admin.</summary>
    public string RoleBaseName
    {
        get
        {
            var name = RoleName;
            var slash = name.LastIndexOf('/');
            return slash < 0 ? name : name[(slash + 1)..];
        }
    }

    /// <summary>"123456789012/Dev", the form used in menus, hints and logs.</summary>
    public string Display => $"{AccountId}/{RoleName}";

    private static string ArnField(string arn, int index)
    {
        // arn:partition:service:region:account:resource — the resource may itself hold ':' so split at most 6 ways.
        var parts = arn.Split(':', 6);
        return parts.Length > index ? parts[index] : string.Empty;
    }
}
