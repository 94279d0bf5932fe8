using System.Text.RegularExpressions;

namespace Keyman.Core.Aws;

/// <summary>The one reader of role ARNs: IAM role ARNs, and STS assumed-role session ARNs turned back into their role.</summary>
public static partial class AwsArn
{
    /// <summary>arn:PARTITION:iam::ACCOUNT(12 digits):role/[path/]NAME.</summary>
    public static bool IsRoleArn(string? value) => value is not null && RoleArn().IsMatch(value);

    /// <summary>
    /// A role ARN as a person should type it: <see cref="IsRoleArn"/>, with a known partition (aws, aws-cn, aws-us-gov, …)
    /// and a path and name of IAM's characters only (letters, digits, <c>+=,.@_-</c>, and <c>/</c> between path parts).
    /// </summary>
    public static bool IsTypedRoleArn(string? value) => IsRoleArn(value) && TypedRoleArn().IsMatch(value!);

    /// <summary>arn:aws:sts::1:assumed-role/Dev/jane -> arn:aws:iam::1:role/Dev; false for anything else.</summary>
    public static bool TryParseAssumedRole(string? arn, out string roleArn)
    {
        var match = arn is null ? Match.Empty : AssumedRole().Match(arn);
        roleArn = match.Success
            ? $"arn:{match.Groups["partition"].Value}:iam::{match.Groups["account"].Value}:role/{match.Groups["role"].Value}"
            : string.Empty;
        return match.Success;
    }

    /// <summary>The role an ARN acts as: the IAM role for an assumed-role session, else the ARN itself.</summary>
    public static string RoleOf(string arn) => TryParseAssumedRole(arn, out var role) ? role : arn;

    [GeneratedRegex(@"^arn:[\w-]+:iam::\d{12}:role/.+$")]
    private static partial Regex RoleArn();

    [GeneratedRegex(@"^arn:aws(-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex TypedRoleArn();

    [GeneratedRegex(@"^arn:(?<partition>[\w-]+):sts::(?<account>\d+):assumed-role/(?<role>[^/]+)/")]
    private static partial Regex AssumedRole();
}
