using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keyman.Core.Ui;

namespace Keyman.Core.Secrets;

/// <summary>
/// Secrets kept as files, one per service and account: FOLDER/SERVICE/HASH.json holding {"service","account","secret"},
/// mode 0600 in 0700 folders, each replaced atomically. Only for short-lived secrets on machines without an OS
/// keychain (the Okta session, cached credential_process answers: what the AWS CLI keeps in ~/.aws/cli/cache), never
/// for the password; <see cref="SecretStores.Open"/> decides which secrets may come here.
/// </summary>
/// <remarks>
/// A file that is not a regular file, is larger than 64 KiB, is not valid JSON or names another service or account is
/// ignored (a cache miss), never an error: a broken cache costs a login, not a failure.
/// </remarks>
public sealed class CacheFileStore : ISecretStore
{
    internal const int Limit = 64 * 1024;

    private readonly string _folder;
    private readonly ILog _log;

    public CacheFileStore(string folder, ILog log, string? displayFolder = null)
    {
        _folder = Path.GetFullPath(folder);
        _log = log;
        Name = $"cache files in {displayFolder ?? _folder}";
    }

    public string Name { get; }

    public override string ToString() => Name;

    /// <summary>The file of <paramref name="service"/> and <paramref name="account"/> (the account is hashed: it may name a user).</summary>
    internal string PathOf(string service, string account)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(service + "\n" + account)))[..32];
        return Path.Combine(ServiceFolder(service), hash + ".json");
    }

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(PathOf(service, account)) is { } entry && entry.Service == service && entry.Account == account ? entry.Secret : null);

    public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        try
        {
            CacheFolder.EnsurePrivate(_folder);
            CacheFolder.EnsurePrivate(ServiceFolder(service));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreUnavailableException($"Cannot create {Name}: {e.Message}", "Check that the cache folder is writable (XDG_CACHE_HOME or ~/.cache).", e);
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(new CachedSecret(service, account, secret), CacheFileJson.Default.CachedSecret);
        try
        {
            SecretFile.WriteAllBytes(PathOf(service, account), bytes, Name);
        }
        finally
        {
            Array.Clear(bytes);
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        var path = PathOf(service, account);
        try
        {
            if (RegularFile.KindOf(path) != FileKind.Regular)
            {
                return Task.FromResult(false);
            }

            File.Delete(path);
            return Task.FromResult(true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreUnavailableException($"Cannot delete a file in {Name}: {e.Message}", "Check the cache folder's permissions.", e);
        }
    }

    /// <summary>The accounts that have a readable file for <paramref name="service"/>, in no particular order.</summary>
    public IReadOnlyList<string> Accounts(string service)
    {
        var folder = ServiceFolder(service);
        List<string> files;
        try
        {
            files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").ToList() : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return files.Select(Read).OfType<CachedSecret>().Where(e => e.Service == service).Select(e => e.Account).Distinct(StringComparer.Ordinal).ToList();
    }

    private string ServiceFolder(string service) =>
        Path.Combine(_folder, new string(service.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray()));

    private CachedSecret? Read(string path)
    {
        try
        {
            var bytes = RegularFile.ReadAllBytes(path, Limit, "the cache file", ExitCodes.Config);
            if (bytes is null)
            {
                return null;
            }

            try
            {
                return JsonSerializer.Deserialize(bytes, CacheFileJson.Default.CachedSecret) is { Service: not null, Account: not null, Secret: not null } entry ? entry : null;
            }
            finally
            {
                Array.Clear(bytes);
            }
        }
        catch (Exception e) when (e is KeymanException or IOException or UnauthorizedAccessException or JsonException)
        {
            // The message names the file and its kind, never its contents.
            _log.Debug($"Ignoring the cache file {path}: {(e is JsonException ? "not a Keyman cache file" : e.Message)}");
            return null;
        }
    }
}

internal sealed record CachedSecret(
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("secret")] string Secret)
{
    public override string ToString() => $"CachedSecret {{ Service = {Service}, Account = {Account}, Secret = *** }}";
}

[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(CachedSecret))]
internal sealed partial class CacheFileJson : JsonSerializerContext;
