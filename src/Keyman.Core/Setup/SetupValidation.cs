using System.Text.RegularExpressions;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Okta;

namespace Keyman.Core.Setup;

/// <summary>
/// Checks each answer of <c>keyman setup</c> as it is typed (or passed as a flag): the normalized value, or a
/// <see cref="KeymanException"/> (exit 2) whose message says what is wrong and whose hint says what to type instead.
/// </summary>
public static partial class SetupValidation
{
    public static string Org(string value)
    {
        var org = value.Trim();
        RefusePlaceholder("Okta org", org, "your org, e.g. acme or https://acme.okta.com");
        try
        {
            OktaOrg.Resolve(org);
        }
        catch (KeymanException e)
        {
            throw new KeymanException(ExitCodes.Usage, e.Message, e.Hint, e);
        }

        return org;
    }

    public static string Username(string value)
    {
        var username = value.Trim();
        RefusePlaceholder("username", username, "your Okta username, e.g. jane@acme.com");
        if (username.Length == 0 || username.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new KeymanException(ExitCodes.Usage, username.Length == 0 ? "The Okta username is empty" : $"The Okta username '{Shown(username)}' holds spaces",
                "Type the username you sign in to Okta with, e.g. jane@acme.com.");
        }

        return username;
    }

    /// <summary>An app ID, or the app's whole link pasted from the dashboard (reduced to its ID).</summary>
    public static string AppId(string value)
    {
        var appId = OktaAppLink.ToAppId(value.Trim());
        RefusePlaceholder("app ID", appId, "the app's ID (0oa…/272) or its link from the Okta dashboard");
        if (appId.Length == 0 || appId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new KeymanException(ExitCodes.Usage, $"'{Shown(appId)}' is not an Okta app ID",
                "Pass the part after /home/amazon_aws/ in the app's link, e.g. 0oa1b2c3d4EXAMPLE/272, or leave it out to pick from a menu.");
        }

        return appId;
    }

    /// <summary>A role of the Okta app: its name as the menu shows it (Dev, team/Admin) or its ARN.</summary>
    public static string Role(string value)
    {
        var role = value.Trim();
        RefusePlaceholder("role", role, "the role's name as the menu shows it, or its ARN");
        if (role.Length == 0 || role.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new KeymanException(ExitCodes.Usage, $"'{Shown(role)}' is not a role name or ARN",
                "Pass the role's name as the menu shows it (Developer, team/Admin) or its ARN, or leave it out to pick from a menu.");
        }

        return role;
    }

    /// <summary>The Bedrock role DevOps hands out; null for "none", "-" or blank.</summary>
    public static string? BedrockRoleArn(string? value)
    {
        var arn = value?.Trim() ?? string.Empty;
        if (arn.Length == 0 || arn == "-" || string.Equals(arn, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        RefusePlaceholder("Bedrock role ARN", arn, "the role ARN DevOps gave you, e.g. arn:aws:iam::123456789012:role/my-bedrock-role");
        if (!AwsArn.IsTypedRoleArn(arn))
        {
            throw new KeymanException(ExitCodes.Usage, $"'{Shown(arn)}' is not an IAM role ARN",
                "Type it as DevOps gave it: arn:aws:iam::123456789012:role/my-bedrock-role (12 digits, then role/ and the name), or 'none'.");
        }

        return arn;
    }

    public static string Region(string value)
    {
        var region = value.Trim();
        RefusePlaceholder("AWS region", region, "a region such as us-east-1");
        if (!RegionShape().IsMatch(region))
        {
            throw new KeymanException(ExitCodes.Usage, $"'{Shown(region)}' is not an AWS region name",
                "Type a region such as us-east-1, eu-west-1 or us-gov-west-1.");
        }

        return region;
    }

    public static ProfileStyle Style(string value) => value.Trim().ToLowerInvariant() switch
    {
        "" or "chain" or "role-chain" or "role_arn" => ProfileStyle.RoleChain,
        "credential-process" or "credential_process" or "process" => ProfileStyle.CredentialProcess,
        _ => throw new KeymanException(ExitCodes.Usage, $"'{Shown(value.Trim())}' is not a profile style",
            "Choose 'chain' (role_arn + source_profile, as the how-to) or 'credential-process'."),
    };

    /// <summary>An AWS profile name: letters, digits and - _ . only, so it reads the same in every tool.</summary>
    public static string ProfileName(string value, string what = "profile name")
    {
        var name = value.Trim();
        RefusePlaceholder(what, name, "a profile name such as bedrock");
        if (!ProfileShape().IsMatch(name))
        {
            throw new KeymanException(ExitCodes.Usage, $"'{Shown(name)}' is not a usable AWS {what}",
                "Use letters, digits and - _ . only, e.g. bedrock or default.");
        }

        return name;
    }

    /// <summary>A yes/no answer; blank takes <paramref name="blank"/>.</summary>
    public static bool YesNo(string value, bool blank) => value.Trim().ToLowerInvariant() switch
    {
        "" => blank,
        "y" or "yes" => true,
        "n" or "no" => false,
        _ => throw new KeymanException(ExitCodes.Usage, $"'{Shown(value.Trim())}' is not yes or no", "Type y or n."),
    };

    private static void RefusePlaceholder(string what, string value, string instead)
    {
        if (value.Contains('$', StringComparison.Ordinal) || ConfigFile.IsPlaceholder(value))
        {
            throw new KeymanException(ExitCodes.Usage, $"The {what} '{Shown(value)}' is a placeholder, not a value",
                $"Type {instead} (the how-to's $VARIABLES are not filled in by Keyman).");
        }
    }

    /// <summary>A value as it may be shown in a one-line error: control characters as '?'.</summary>
    private static string Shown(string value) => new(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    private static partial Regex RegionShape();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex ProfileShape();
}
