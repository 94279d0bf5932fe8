using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Secrets;

namespace Keyman.Core.Delivery;

/// <summary>What <c>keyman credential-process --format</c> prints.</summary>
public enum CredentialOutputFormat
{
    /// <summary>credential_process's Version 1 JSON (the AWS SDKs).</summary>
    Process,

    /// <summary>{"Credentials":{…}}, what Claude Code's awsCredentialExport reads.</summary>
    ClaudeExport,
}

/// <summary>
/// The credential_process side of Keyman: the Version 1 JSON the AWS SDKs read, a cache of it in the secret store
/// (service "keyman-credentials", account = the profile name), and a per-profile lock file so that parallel calls
/// share one login.
/// </summary>
public static class CredentialProcessCache
{
    public const string Service = "keyman-credentials";

    /// <summary>A cached answer: the credentials and when they were issued (to know their whole lifetime).</summary>
    public sealed record Entry(AwsCredentials Credentials, DateTimeOffset IssuedAt)
    {
        public override string ToString() => $"Entry {{ {Credentials}, IssuedAt = {AwsCredentials.FormatRfc3339(IssuedAt)} }}";
    }

    /// <summary>{"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"} on one line.</summary>
    public static string ProcessOutput(AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return Write(credentials, issuedAt: null);
    }

    /// <summary>{"Credentials":{"AccessKeyId","SecretAccessKey","SessionToken","Expiration"}} on one line (Claude Code's awsCredentialExport).</summary>
    public static string ClaudeExportOutput(AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Credentials");
            WriteKeys(writer, credentials);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Output(AwsCredentials credentials, CredentialOutputFormat format) =>
        format == CredentialOutputFormat.ClaudeExport ? ClaudeExportOutput(credentials) : ProcessOutput(credentials);

    public static CredentialOutputFormat ParseFormat(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "process" or "version1" => CredentialOutputFormat.Process,
        "claude-export" => CredentialOutputFormat.ClaudeExport,
        _ => throw new KeymanException(ExitCodes.Usage, $"'{name}' is not a credential-process format Keyman knows",
            "Use --format process (credential_process in ~/.aws/config) or --format claude-export (Claude Code's awsCredentialExport)."),
    };

    public static string Serialize(Entry entry) => Write(entry.Credentials, entry.IssuedAt);

    public static Entry? Deserialize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            string? S(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            DateTimeOffset? D(string name) => S(name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
            if (S("AccessKeyId") is not { } id || S("SecretAccessKey") is not { } secret || S("SessionToken") is not { } token
                || D("Expiration") is not { } expiration)
            {
                return null;
            }

            return new Entry(new AwsCredentials(id, secret, token, expiration, S("RoleArn")), D("IssuedAt") ?? expiration.AddHours(-1));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True while more than the refresh lead (refresh_before, default 15 min, at most a quarter of the lifetime) remains.</summary>
    public static bool IsFresh(Entry entry, KeymanConfig config, DateTimeOffset now)
    {
        var lifetime = entry.Credentials.Expiration - entry.IssuedAt;
        var lead = config.RefreshLead(lifetime > TimeSpan.Zero ? lifetime : TimeSpan.Zero, KeymanConfig.DefaultCacheBefore);
        return entry.Credentials.Expiration - now > lead;
    }

    public static async Task<Entry?> GetAsync(ISecretStore store, string profile, CancellationToken cancellationToken) =>
        Deserialize(await store.GetAsync(Service, profile, cancellationToken).ConfigureAwait(false));

    public static Task SetAsync(ISecretStore store, string profile, Entry entry, CancellationToken cancellationToken) =>
        store.SetAsync(Service, profile, Serialize(entry), cancellationToken);

    /// <summary>~/.config/keyman/locks/NAME.lock (both folders 0700).</summary>
    public static string LockPath(IEnvironment environment, string profile)
    {
        var safe = new string(profile.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return Path.Combine(environment.HomeDirectory, ".config", "keyman", "locks", safe + ".lock");
    }

    /// <summary>
    /// Takes the profile's lock file exclusively (FileShare.None), waiting up to <paramref name="timeout"/> for another
    /// Keyman that holds it (and may be waiting for the user's MFA). Dispose to release.
    /// </summary>
    public static async Task<IDisposable> LockAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // locks/ and any folder above it that is missing (~/.config/keyman) are created 0700.
        AtomicFile.EnsureDirectory(Path.GetDirectoryName(path)!);

        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                await Task.Delay(Random.Shared.Next(20, 80), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new KeymanException(ExitCodes.CredentialProcessBusy,
                    $"Another keyman credential-process has held {path} for over {timeout.TotalSeconds:0} s",
                    "It is probably waiting for a password or MFA in another terminal; finish that login, or stop it and retry.", e);
            }
        }
    }

    private static string Write(AwsCredentials credentials, DateTimeOffset? issuedAt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("Version", 1);
            WriteKeys(writer, credentials);
            if (issuedAt is { } issued)
            {
                writer.WriteString("IssuedAt", AwsCredentials.FormatRfc3339(issued));
                if (credentials.AssumedRoleArn is { } arn)
                {
                    writer.WriteString("RoleArn", arn);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteKeys(Utf8JsonWriter writer, AwsCredentials credentials)
    {
        writer.WriteString("AccessKeyId", credentials.AccessKeyId);
        writer.WriteString("SecretAccessKey", credentials.SecretAccessKey);
        writer.WriteString("SessionToken", credentials.SessionToken);
        writer.WriteString("Expiration", credentials.ExpirationRfc3339);
    }
}
