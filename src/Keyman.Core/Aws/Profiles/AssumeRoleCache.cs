using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keyman.Core.Ui;

namespace Keyman.Core.Aws.Profiles;

/// <summary>
/// The result of a profile's sts:AssumeRole, kept for its lifetime so that a second Bedrock command makes no STS call.
/// Shared with the AWS CLI: the same folder (~/.aws/cli/cache), the same file name (SHA-1 of the JSON of the AssumeRole
/// arguments, keys sorted, as botocore's AssumeRoleCredentialFetcher writes it) and the same content
/// ({"Credentials":{…},"AssumedRoleUser":{…}}), so Keyman and the AWS CLI reuse each other's sessions.
/// Files Keyman writes are 0600 (a folder it creates, 0700). A file that is not a regular file, larger than
/// <see cref="MaxFileBytes"/>, not valid JSON, incomplete, for another role, or with under <see cref="MinimumLeft"/>
/// left is ignored; nothing about the cache ever fails a command.
/// </summary>
public sealed class AssumeRoleCache(string directory, ILog log, TimeProvider time)
{
    /// <summary>Cached credentials are used only while more than this is left (botocore's own window is 15 minutes).</summary>
    public static readonly TimeSpan MinimumLeft = TimeSpan.FromMinutes(5);

    /// <summary>A real entry is about 1.5 KiB.</summary>
    public const int MaxFileBytes = 64 * 1024;

    public string Directory { get; } = directory;

    /// <summary>~/.aws/cli/cache, the AWS CLI's (v1 and v2) cache of assumed roles.</summary>
    public static string DefaultDirectory(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Path.Combine(environment.HomeDirectory, ".aws", "cli", "cache");
    }

    /// <summary>
    /// botocore's key: SHA-1 (hex) of json.dumps(arguments, sort_keys=True) over RoleArn, and RoleSessionName,
    /// ExternalId, DurationSeconds when the profile sets them (a generated session name is left out).
    /// </summary>
    public static string Key(AwsRoleLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var arguments = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["RoleArn"] = link.RoleArn };
        if (link.RoleSessionName is { } name)
        {
            arguments["RoleSessionName"] = name;
        }

        if (link.ExternalId is { } externalId)
        {
            arguments["ExternalId"] = externalId;
        }

        if (link.DurationSeconds is { } duration)
        {
            arguments["DurationSeconds"] = duration;
        }

        var json = "{" + string.Join(", ", arguments.Select(a => PythonJsonString(a.Key) + ": "
            + (a.Value is int number ? number.ToString(CultureInfo.InvariantCulture) : PythonJsonString((string)a.Value)))) + "}";
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(json)));
    }

    public string PathFor(AwsRoleLink link) => Path.Combine(Directory, Key(link) + ".json");

    /// <summary>The cached credentials for <paramref name="link"/>, or null (missing, unusable, or too close to expiry).</summary>
    public AwsSigningCredentials? TryGet(AwsRoleLink link)
    {
        var path = PathFor(link);
        try
        {
            var kind = RegularFile.KindOf(path);
            if (kind == FileKind.Missing)
            {
                return null;
            }

            if (kind != FileKind.Regular)
            {
                log.Debug($"Ignoring the role cache entry {path}: it is {RegularFile.Describe(kind)}");
                return null;
            }

            var text = RegularFile.ReadAllText(path, MaxFileBytes, "the role cache entry", ExitCodes.GeneralError);
            if (Parse(text, link) is not { } credentials)
            {
                log.Debug($"Ignoring the role cache entry {path}: not an AssumeRole result for {link.RoleArn}");
                return null;
            }

            var left = credentials.Expiration!.Value - time.GetUtcNow();
            if (left <= MinimumLeft)
            {
                log.Debug($"The cached session for {link.RoleArn} has {Math.Max(0, left.TotalMinutes):0} min left; assuming the role again");
                return null;
            }

            log.Debug($"Using the cached session for {link.RoleArn} from {path} (valid until {AwsCredentials.FormatRfc3339(credentials.Expiration.Value)})");
            return credentials;
        }
        catch (Exception e) when (e is KeymanException or IOException or UnauthorizedAccessException)
        {
            log.Debug($"Ignoring the role cache entry {path}: {e.Message}");
            return null;
        }
    }

    /// <summary>Keeps <paramref name="credentials"/> (assumed with <paramref name="sessionName"/>) for the next run; failures are only logged.</summary>
    public void Put(AwsRoleLink link, AwsSigningCredentials credentials, string sessionName)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        if (credentials.SessionToken is null || credentials.Expiration is not { } expiration)
        {
            return;
        }

        var path = PathFor(link);
        try
        {
            if (RegularFile.KindOf(path) is not (FileKind.Missing or FileKind.Regular))
            {
                return;
            }

            AtomicFile.EnsureDirectory(Directory);
            AtomicFile.WriteAllText(path, Serialize(link, credentials, expiration, sessionName), secret: true, ExitCodes.GeneralError);
            log.Debug($"Cached the session for {link.RoleArn} in {path}");
        }
        catch (Exception e) when (e is KeymanException or IOException or UnauthorizedAccessException)
        {
            log.Debug($"Cannot cache the session for {link.RoleArn}: {e.Message}");
        }
    }

    /// <summary>Credentials from an entry, when it is complete and its AssumedRoleUser is a session of the link's role.</summary>
    internal static AwsSigningCredentials? Parse(string? text, AwsRoleLink link)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Credentials", out var credentials) || credentials.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("AssumedRoleUser", out var user) || user.ValueKind != JsonValueKind.Object
                || String(user, "Arn") is not { } sessionArn
                || !AwsArn.TryParseAssumedRole(sessionArn, out var sessionRole) || sessionRole != WithoutPath(link.RoleArn)
                || String(credentials, "AccessKeyId") is not { Length: > 0 } id
                || String(credentials, "SecretAccessKey") is not { Length: > 0 } secret
                || String(credentials, "SessionToken") is not { Length: > 0 } token
                || ParseExpiration(String(credentials, "Expiration")) is not { } expiration)
            {
                return null;
            }

            return new AwsSigningCredentials(id, secret, token, expiration, AwsCredentialOrigin.AssumedRole, link.Profile, null, link.RoleArn);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>RFC 3339 ("…Z", "…+00:00") and botocore's own "2026-01-02T03:04:05UTC".</summary>
    internal static DateTimeOffset? ParseExpiration(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.EndsWith("UTC", StringComparison.Ordinal) ? value[..^3] + "Z" : value;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed.ToUniversalTime() : null;
    }

    private static string Serialize(AwsRoleLink link, AwsSigningCredentials credentials, DateTimeOffset expiration, string sessionName)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Credentials");
            writer.WriteString("AccessKeyId", credentials.AccessKeyId);
            writer.WriteString("SecretAccessKey", credentials.SecretAccessKey);
            writer.WriteString("SessionToken", credentials.SessionToken);
            writer.WriteString("Expiration", AwsCredentials.FormatRfc3339(expiration));
            writer.WriteEndObject();
            writer.WriteStartObject("AssumedRoleUser");
            writer.WriteString("Arn", SessionArn(link.RoleArn, sessionName));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>arn:aws:iam::1:role/path/Dev + jane -> arn:aws:sts::1:assumed-role/Dev/jane, as STS names the session.</summary>
    private static string SessionArn(string roleArn, string sessionName)
    {
        var parts = roleArn.Split(':', 6);
        return $"arn:{parts[1]}:sts::{parts[4]}:assumed-role/{parts[5][(parts[5].LastIndexOf('/') + 1)..]}/{sessionName}";
    }

    private static string WithoutPath(string roleArn)
    {
        var parts = roleArn.Split(':', 6);
        return parts.Length == 6 ? $"arn:{parts[1]}:iam::{parts[4]}:role/{parts[5][(parts[5].LastIndexOf('/') + 1)..]}" : roleArn;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string as Python's json.dumps writes it (ensure_ascii): \" \\ \n \r \t \b \f, other controls and non-ASCII as \uXXXX.</summary>
    private static string PythonJsonString(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
