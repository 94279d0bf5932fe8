using Keyman.Core.Aws;

namespace Keyman.Core.Delivery;

/// <summary>Writes a credential_process profile into the AWS config file, leaving every other byte as it was.</summary>
public static class CredentialProcessProfile
{
    private const string What = "the AWS config file";

    /// <summary>The credential_process line: the binary's absolute path (quoted when it has spaces; SDKs split it shell-style).</summary>
    public static string Command(string binary, string profile, string? configPath)
    {
        var command = $"{Quote(binary)} credential-process --profile {Quote(profile)}";
        return configPath is null ? command : $"{command} --config {Quote(configPath)}";
    }

    /// <summary>Keys that would give the profile credentials some other way; credential_process replaces them.</summary>
    internal static readonly string[] OtherCredentialSources =
    [
        "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_security_token", "role_arn", "source_profile",
        "credential_source", "external_id", "role_session_name", "web_identity_token_file", "sso_session", "sso_start_url",
        "sso_account_id", "sso_role_name", "sso_region",
    ];

    /// <summary>
    /// Sets credential_process in the profile's section, keeping everything else the user has there. The region is
    /// written when <paramref name="overwriteRegion"/> (the user passed --region) or when the section has none.
    /// </summary>
    /// <returns>The credential_process line written.</returns>
    public static string Write(string awsConfigPath, string profile, string binary, string region, string? configPath, bool overwriteRegion = false)
    {
        if (string.IsNullOrWhiteSpace(region) || region.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            var shown = new string(region.Select(c => char.IsControl(c) ? '?' : c).ToArray());
            throw new KeymanException(ExitCodes.Usage, $"--region '{shown}' is not an AWS region name: it is empty or holds spaces, a line break or another control character",
                "Pass a region name such as us-east-1.");
        }

        var section = profile == "default" ? "default" : $"profile {profile}";
        var line = Command(binary, profile, configPath);
        List<KeyValuePair<string, string>> values = [new("credential_process", line)];
        IReadOnlyDictionary<string, string>? existing;
        try
        {
            existing = IniFile.Load(awsConfigPath, What, ExitCodes.CredentialsFile).Section(section);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeymanException(ExitCodes.CredentialsFile, $"Cannot read the AWS config file {awsConfigPath}: {(e is UnauthorizedAccessException ? "permission denied" : "an I/O error")}",
                $"Check the owner and permissions of {awsConfigPath}, or set AWS_CONFIG_FILE to another file.", e);
        }

        if (overwriteRegion || existing is null || !existing.ContainsKey("region"))
        {
            values.Add(new("region", region));
        }

        CredentialsFile.WriteProfile(awsConfigPath, section, values, merge: true, remove: OtherCredentialSources, what: What);
        return line;
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '\\' or '-' or '_' or '.' or ':' or '~')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
