using Keyman.Core;
using Keyman.Core.Secrets;
using Keyman.Tests.Delivery;
using Keyman.Tests.Support;

namespace Keyman.Tests.Secrets;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CacheFileStoreTests : IDisposable
{
    private const UnixFileMode OwnerRw = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerRwx = OwnerRw | UnixFileMode.UserExecute;
    private readonly string _home = Directory.CreateTempSubdirectory("keyman-cache-").FullName;
    private readonly RecordingLog _log = new();

    private string Folder => Path.Combine(_home, ".cache", "keyman");

    private CacheFileStore Store() => new(Folder, _log);

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Secrets_round_trip_in_owner_only_files_in_owner_only_folders()
    {
        await Store().SetAsync("keyman-okta-session", "https://acme.okta.com|jane", "sid-1|2030-01-01T00:00:00Z");
        await Store().SetAsync("keyman-credentials", "dev|abc", "{}");

        Assert.Equal("sid-1|2030-01-01T00:00:00Z", await Store().GetAsync("keyman-okta-session", "https://acme.okta.com|jane"));
        Assert.Null(await Store().GetAsync("keyman-okta-session", "https://acme.okta.com|bob"));
        var files = Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal(OwnerRw, File.GetUnixFileMode(f)));
        Assert.All(files, f => Assert.DoesNotContain("jane", Path.GetFileName(f), StringComparison.Ordinal));
        Assert.Equal(OwnerRwx, File.GetUnixFileMode(Folder));
        Assert.Equal(OwnerRwx, File.GetUnixFileMode(Path.GetDirectoryName(files[0])!));
        Assert.Equal(["https://acme.okta.com|jane"], Store().Accounts("keyman-okta-session"));

        Assert.True(await Store().RemoveAsync("keyman-okta-session", "https://acme.okta.com|jane"));
        Assert.False(await Store().RemoveAsync("keyman-okta-session", "https://acme.okta.com|jane"));
        Assert.Null(await Store().GetAsync("keyman-okta-session", "https://acme.okta.com|jane"));
    }

    [Fact]
    public async Task An_existing_cache_folder_open_to_others_is_made_owner_only()
    {
        Directory.CreateDirectory(Folder);
        File.SetUnixFileMode(Folder, OwnerRwx | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await Store().SetAsync("keyman-credentials", "dev|abc", "{}");
        Assert.Equal(OwnerRwx, File.GetUnixFileMode(Folder));
    }

    [Fact]
    public async Task Corrupt_oversized_special_and_foreign_files_are_misses_not_errors()
    {
        var store = Store();
        await store.SetAsync("keyman-credentials", "dev|abc", "{}");
        var path = store.PathOf("keyman-credentials", "dev|abc");

        await File.WriteAllTextAsync(path, "{ not json");
        Assert.Null(await Store().GetAsync("keyman-credentials", "dev|abc"));

        await File.WriteAllTextAsync(path, "{\"service\":\"keyman-credentials\",\"account\":\"dev|abc\",\"secret\":\"" + new string('x', CacheFileStore.Limit) + "\"}");
        Assert.Null(await Store().GetAsync("keyman-credentials", "dev|abc"));

        // A file copied from another entry (another account) is not this entry's.
        await File.WriteAllTextAsync(path, "{\"service\":\"keyman-credentials\",\"account\":\"prod|def\",\"secret\":\"other\"}");
        Assert.Null(await Store().GetAsync("keyman-credentials", "dev|abc"));

        File.Delete(path);
        Assert.Equal(0, Mkfifo(path));
        // A FIFO would block an open until someone writes: it is refused before it is opened.
        Assert.Null(await Task.Run(() => Store().GetAsync("keyman-credentials", "dev|abc")).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Empty(Store().Accounts("keyman-credentials"));

        File.Delete(path);
        Directory.CreateDirectory(path);
        Assert.Null(await Store().GetAsync("keyman-credentials", "dev|abc"));
        Assert.Contains(_log.Lines, l => l.Message.StartsWith("Ignoring the cache file", StringComparison.Ordinal));
    }

    private static int Mkfifo(string path)
    {
        using var process = System.Diagnostics.Process.Start("mkfifo", [path]);
        process.WaitForExit();
        return process.ExitCode;
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeychainOrCacheFilesTests : IDisposable
{
    private const string Session = "keyman-okta-session";
    private const string Password = "aws_okta_keyman";
    private readonly string _home = Directory.CreateTempSubdirectory("keyman-fallback-").FullName;
    private readonly RecordingLog _log = new();
    private readonly MemorySecretStore _keychain = new();

    private string Folder => Path.Combine(_home, ".cache", "keyman");

    private KeychainOrCacheFiles Store() => new(_keychain, () => Folder, () => "~/.cache/keyman", SecretStores.ShortLived, _log);

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private int Notices() => _log.Lines.Count(l => l.Message.StartsWith("No OS keychain here", StringComparison.Ordinal));

    [Fact]
    public async Task With_a_keychain_everything_goes_to_the_keychain()
    {
        await Store().SetAsync(Session, "org|jane", "sid");
        await Store().SetAsync(Password, "jane", "pw");
        Assert.Equal("sid", _keychain.Items[(Session, "org|jane")]);
        Assert.Equal("pw", _keychain.Items[(Password, "jane")]);
        Assert.False(Directory.Exists(Folder));
        Assert.Equal(0, Notices());
    }

    [Fact]
    public async Task Without_a_keychain_short_lived_secrets_go_to_files_and_the_password_nowhere()
    {
        _keychain.Unavailable = true;
        var store = Store();
        await store.SetAsync(Session, "org|jane", "sid-1");
        await store.SetAsync("keyman-credentials", "dev|abc", "{\"x\":1}");
        Assert.Equal("sid-1", await Store().GetAsync(Session, "org|jane"));
        Assert.Contains("cache files", store.Name);

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.SetAsync(Password, "jane", "hunter2"));
        Assert.Equal(ExitCodes.SecretStoreUnavailable, e.ExitCode);
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("hunter2", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }

        // Said once, in one line, and remembered for this machine.
        Assert.Equal(1, Notices());
        var line = _log.Lines.Single(l => l.Message.StartsWith("No OS keychain here", StringComparison.Ordinal));
        Assert.Equal("INFO", line.Level);
        Assert.Contains("~/.cache/keyman", line.Message);
        Assert.Contains("KEYMAN_SECRET_STORE=file", line.Message);
        Assert.DoesNotContain('\n', line.Message);
        await Store().GetAsync(Session, "org|jane");
        Assert.Equal(1, Notices());
    }

    [Fact]
    public async Task A_locked_keychain_is_not_a_missing_one()
    {
        var locked = new LockedStore();
        var store = new KeychainOrCacheFiles(locked, () => Folder, () => "~/.cache/keyman", SecretStores.ShortLived, _log);
        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.SetAsync(Session, "org|jane", "sid"));
        Assert.Equal(ExitCodes.SecretStoreLocked, e.ExitCode);
        Assert.False(Directory.Exists(Folder));
    }

    [Fact]
    public async Task Removing_also_removes_a_file_left_from_a_time_without_keychain()
    {
        _keychain.Unavailable = true;
        await Store().SetAsync(Session, "org|jane", "sid-1");
        _keychain.Unavailable = false;
        Assert.True(await Store().RemoveAsync(Session, "org|jane"));
        _keychain.Unavailable = true;
        Assert.Null(await Store().GetAsync(Session, "org|jane"));
    }

    [Fact]
    public async Task The_default_store_records_what_it_keeps_in_the_index_and_forgets_it()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string> { ["XDG_CACHE_HOME"] = Path.Combine(_home, "xdg") }, _home);
        var store = new IndexedSecretStore(Store(), () => SecretIndex.For(env, _log));
        await store.SetAsync(Session, "org|jane", "sid-secret");
        Assert.Equal(["org|jane"], SecretIndex.For(env, _log).Accounts(Session));
        Assert.True(Directory.Exists(Path.Combine(_home, "xdg", "keyman", "index")));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_home, "xdg"), "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("sid-secret", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        }

        await store.RemoveAsync(Session, "org|jane");
        Assert.Empty(SecretIndex.For(env, _log).Accounts(Session));
    }

    private sealed class LockedStore : ISecretStore
    {
        public string Name => "locked";

        public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default) => throw Locked();

        public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default) => throw Locked();

        public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default) => throw Locked();

        private static SecretStoreUnavailableException Locked() => new("The keyring is locked.", "Unlock it.", exitCode: ExitCodes.SecretStoreLocked);
    }
}
