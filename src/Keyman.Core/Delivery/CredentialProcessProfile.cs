using Keyman.Core.Aws;

namespace Keyman.Core.Delivery;

/// <summary>Writes a credential_process profile into the AWS config file, leaving every other byte as it was.</summary>
public static class CredentialProcessProfile
{
    /// <summary>The credential_process line: the binary's absolute path (quoted when it has spaces; SDKs split it shell-style).</summary>
    public static string Command(string binary, string profile, string? configPath)
    {
        var command = $"{Quote(binary)} credential-process --profile {Quote(profile)}";
        return configPath is null ? command : $"{command} --config {Quote(configPath)}";
    }

    /// <returns>The credential_process line written.</returns>
    public static string Write(string awsConfigPath, string profile, string binary, string region, string? configPath)
    {
        var section = profile == "default" ? "default" : $"profile {profile}";
        var line = Command(binary, profile, configPath);
        CredentialsFile.WriteProfile(awsConfigPath, section, [new("credential_process", line), new("region", region)]);
        return line;
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '\\' or '-' or '_' or '.' or ':' or '~')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
