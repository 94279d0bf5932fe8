using System.Text;
using System.Text.Json;
using Keyman.Core.Aws;

namespace Keyman.Core.Delivery;

/// <summary>The shells <c>keyman env</c> writes exports for.</summary>
public enum ExportFormat
{
    Bash,
    Zsh,
    Fish,
    PowerShell,
    Json,
}

/// <summary>
/// The environment variables that hand AWS credentials to a program: the three every SDK reads, the legacy
/// AWS_SECURITY_TOKEN, both region variables, and AWS_CREDENTIAL_EXPIRATION (the name aws-vault uses) for the expiry.
/// </summary>
public static class CredentialVariables
{
    /// <summary>
    /// Variables removed from a child's environment: with a profile named, SDKs ignore the credential variables; and
    /// the passphrase of Keyman's encrypted secrets file is Keyman's alone, not the command's.
    /// </summary>
    public static readonly IReadOnlyList<string> Cleared = [.. Overriding, Secrets.EncryptedFileStore.PassphraseVariable];

    /// <summary>
    /// Variables that, when set, make SDKs read a named profile instead of the exported keys: <c>keyman env</c>
    /// unsets them, as <c>exec</c> removes them from the child's environment.
    /// </summary>
    public static IReadOnlyList<string> Overriding => ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

    /// <summary>
    /// Also removed from a child that gets the credential endpoint: static keys (SDKs prefer them), and the other ways to
    /// name a container endpoint or its token, which SDKs read before AWS_CONTAINER_CREDENTIALS_FULL_URI.
    /// </summary>
    public static readonly IReadOnlyList<string> ClearedForEndpoint =
    [
        .. Cleared, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    ];

    /// <summary>The endpoint's URI and token, and both region variables.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForEndpoint(CredentialServer server, string region)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrEmpty(region);
        return [.. server.Variables, new("AWS_REGION", region), new("AWS_DEFAULT_REGION", region)];
    }

    public static IReadOnlyList<KeyValuePair<string, string>> For(AwsCredentials credentials, string region)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        return
        [
            new("AWS_ACCESS_KEY_ID", credentials.AccessKeyId),
            new("AWS_SECRET_ACCESS_KEY", credentials.SecretAccessKey),
            new("AWS_SESSION_TOKEN", credentials.SessionToken),
            new("AWS_SECURITY_TOKEN", credentials.SessionToken),
            new("AWS_REGION", region),
            new("AWS_DEFAULT_REGION", region),
            new("AWS_CREDENTIAL_EXPIRATION", credentials.ExpirationRfc3339),
        ];
    }

    public static ExportFormat ParseFormat(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "bash" or "sh" => ExportFormat.Bash,
        "zsh" => ExportFormat.Zsh,
        "fish" => ExportFormat.Fish,
        "powershell" or "pwsh" => ExportFormat.PowerShell,
        "json" => ExportFormat.Json,
        _ => throw new KeymanException(ExitCodes.Usage, $"'{name}' is not an export format Keyman knows", "Use --format bash, zsh, fish, powershell or json."),
    };

    /// <summary>
    /// The variables as statements for <paramref name="format"/>, every value quoted so that no character is special,
    /// after the unset of each of <paramref name="unset"/> (in JSON, each of those is null).
    /// </summary>
    public static string Format(IReadOnlyList<KeyValuePair<string, string>> variables, ExportFormat format, IReadOnlyList<string>? unset = null)
    {
        unset ??= [];
        if (format == ExportFormat.Json)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                foreach (var name in unset)
                {
                    writer.WriteNull(name);
                }

                foreach (var (name, value) in variables)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
        }

        var builder = new StringBuilder();
        foreach (var name in unset)
        {
            builder.Append(format switch
            {
                ExportFormat.Fish => $"set -e {name};",
                ExportFormat.PowerShell => $"Remove-Item Env:{name} -ErrorAction SilentlyContinue",
                _ => $"unset {name}",
            }).Append('\n');
        }

        foreach (var (name, value) in variables)
        {
            builder.Append(format switch
            {
                ExportFormat.Fish => $"set -gx {name} {FishQuote(value)};",
                ExportFormat.PowerShell => $"$Env:{name} = {PowerShellQuote(value)}",
                _ => $"export {name}={PosixQuote(value)}",
            }).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Single quotes, with each ' written as '\'' (bash, zsh, sh).</summary>
    public static string PosixQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Fish: inside single quotes only \ and ' are special, each escaped with a backslash.</summary>
    public static string FishQuote(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>PowerShell: a verbatim string; ' (and its typographic variants) doubled.</summary>
    public static string PowerShellQuote(string value)
    {
        var builder = new StringBuilder("'");
        foreach (var c in value)
        {
            if (c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B')
            {
                builder.Append(c);
            }

            builder.Append(c);
        }

        return builder.Append('\'').ToString();
    }
}
