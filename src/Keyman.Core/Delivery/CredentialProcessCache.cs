using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Login;
using Keyman.Core.Okta;
using Keyman.Core.Secrets;
using Keyman.Core.Ui;

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
/// (service "keyman-credentials", account = "PROFILE|KEY", <see cref="Account"/>: the key is a hash of every setting
/// that decides the credentials, so a changed role or account misses), and a per-profile lock file so that parallel
/// calls share one login.
/// </summary>
public static class CredentialProcessCache
{
    public const string Service = "keyman-credentials";

    /// <summary>
    /// A cached answer: the credentials, when they were issued (to know their whole lifetime), and the Okta session
    /// account they came through ("https://acme.okta.com|jane", for logout).
    /// </summary>
    public sealed record Entry(AwsCredentials Credentials, DateTimeOffset IssuedAt, string? Okta = null)
    {
        public override string ToString() => $"Entry {{ {Credentials}, IssuedAt = {AwsCredentials.FormatRfc3339(IssuedAt)}, Okta = {Okta} }}";
    }

    /// <summary>
    /// The cache account of <paramref name="profile"/> under <paramref name="config"/>: "PROFILE|KEY", KEY a hash of
    /// everything that decides the credentials (Okta org and user, app or accounts list, account and role choice,
    /// assume_role_arn, duration, region).
    /// </summary>
    public static string Account(string profile, KeymanConfig config, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(OktaAccount(config, environment));
            writer.WriteStringValue(config.AppId);
            writer.WriteStartArray();
            foreach (var app in config.Accounts ?? [])
            {
                writer.WriteStringValue(app.Name);
                writer.WriteStringValue(app.AppId);
                writer.WriteStringValue(app.AssumeRoleArn);
            }

            writer.WriteEndArray();
            writer.WriteStringValue(config.Account);
            writer.WriteStringValue(config.Role);
            writer.WriteStringValue(config.AssumeRoleArn);
            writer.WriteNumberValue(config.EffectiveDuration);
            writer.WriteStringValue(config.EffectiveRegion);
            writer.WriteEndArray();
        }

        return profile + "|" + Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()))[..32];
    }

    /// <summary>The profile an <see cref="Account"/> belongs to.</summary>
    public static string ProfileOf(string account)
    {
        var bar = account.LastIndexOf('|');
        return bar < 0 ? account : account[..bar];
    }

    /// <summary>The Okta session account (<see cref="OktaSessions.AccountFor"/>) the config logs in with; the org as given when it does not resolve.</summary>
    public static string OktaAccount(KeymanConfig config, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        var username = LoginFlow.ResolveUsername(config.Username, environment);
        try
        {
            return OktaSessions.AccountFor(OktaOrg.Resolve(config.Org ?? string.Empty, config.OktaPreview ?? false), username);
        }
        catch (KeymanException)
        {
            return $"{config.Org}|{username}";
        }
    }

    /// <summary>The cache accounts the <see cref="SecretIndex"/> knows; none when it cannot be read.</summary>
    public static IReadOnlyList<string> KnownAccounts(IEnvironment environment, ILog log)
    {
        try
        {
            return SecretIndex.For(environment, log).Accounts(Service);
        }
        catch (KeymanException)
        {
            return [];
        }
    }

    /// <summary>{"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"} on one line.</summary>
    public static string ProcessOutput(AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return Write(credentials, issuedAt: null, okta: null);
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

    public static string Serialize(Entry entry) => Write(entry.Credentials, entry.IssuedAt, entry.Okta);

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

            return new Entry(new AwsCredentials(id, secret, token, expiration, S("RoleArn")), D("IssuedAt") ?? expiration.AddHours(-1), S("Okta"));
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

    public static async Task<Entry?> GetAsync(ISecretStore store, string account, CancellationToken cancellationToken) =>
        Deserialize(await store.GetAsync(Service, account, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Caches <paramref name="entry"/> under <paramref name="account"/>, and drops the other entries of the same profile
    /// among <paramref name="known"/> (from settings it no longer has): one entry per profile.
    /// </summary>
    public static async Task SetAsync(ISecretStore store, string account, Entry entry, CancellationToken cancellationToken, IReadOnlyList<string>? known = null)
    {
        await store.SetAsync(Service, account, Serialize(entry), cancellationToken).ConfigureAwait(false);
        var profile = ProfileOf(account);
        foreach (var other in (known ?? []).Where(a => a != account && ProfileOf(a) == profile))
        {
            await store.RemoveAsync(Service, other, cancellationToken).ConfigureAwait(false);
        }
    }

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

    private static string Write(AwsCredentials credentials, DateTimeOffset? issuedAt, string? okta)
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

                if (okta is not null)
                {
                    writer.WriteString("Okta", okta);
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
