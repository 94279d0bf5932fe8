using Keyman.Core.Ui;

namespace Keyman.Core.Secrets;

/// <summary>
/// The default store (KEYMAN_SECRET_STORE unset): the OS keychain, and where there is none (no Secret Service on a
/// headless machine: SSH, WSL, containers, CI) the short-lived secrets (the Okta session, the credential_process
/// cache) go to <see cref="CacheFileStore"/> files instead, the way the AWS CLI keeps temporary credentials in
/// ~/.aws/cli/cache. Every other secret (the Okta password) still fails with the keychain's error, so the login
/// asks for it: it never goes to a file unless the user chose the encrypted file store.
/// </summary>
/// <remarks>
/// Only "there is no keychain" (exit code 40: no session bus, nothing owns the Secret Service, no default keyring)
/// falls back; a locked keyring or a refused request is the user's to fix and stays an error. The first fallback
/// says so in one line, once per machine (a marker file in the cache folder remembers it).
/// </remarks>
public sealed class KeychainOrCacheFiles : ISecretStore
{
    internal const string NoticeMarker = "notice-no-keychain";

    private readonly ISecretStore _keychain;
    private readonly Lazy<CacheFileStore> _files;
    private readonly IReadOnlySet<string> _shortLived;
    private readonly ILog _log;
    private readonly Func<string> _folder;
    private readonly Func<string> _displayFolder;
    private bool _noKeychain;

    /// <param name="folder">The cache folder (made on first use: resolving it needs the home folder).</param>
    /// <param name="displayFolder">The folder as the one-line notice names it ("~/.cache/keyman").</param>
    public KeychainOrCacheFiles(ISecretStore keychain, Func<string> folder, Func<string> displayFolder, IReadOnlySet<string> shortLived, ILog log)
    {
        _keychain = keychain;
        _folder = folder;
        _displayFolder = displayFolder;
        _shortLived = shortLived;
        _log = log;
        _files = new Lazy<CacheFileStore>(() => new CacheFileStore(_folder(), _log, _displayFolder()));
    }

    public string Name => _noKeychain ? $"{_files.Value.Name} (no OS keychain here)" : _keychain.Name;

    public override string ToString() => Name;

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default) =>
        RouteAsync(service, s => s.GetAsync(service, account, cancellationToken));

    public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default) =>
        RouteAsync(service, async s =>
        {
            await s.SetAsync(service, account, secret, cancellationToken).ConfigureAwait(false);
            return true;
        });

    public async Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        var removed = await RouteAsync(service, s => s.RemoveAsync(service, account, cancellationToken)).ConfigureAwait(false);

        // A file from a time without a keychain goes too, so that nothing outlives a logout.
        if (_shortLived.Contains(service) && !_noKeychain)
        {
            removed |= await _files.Value.RemoveAsync(service, account, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private async Task<T> RouteAsync<T>(string service, Func<ISecretStore, Task<T>> call)
    {
        if (!_shortLived.Contains(service))
        {
            return await call(_keychain).ConfigureAwait(false);
        }

        if (!_noKeychain)
        {
            try
            {
                return await call(_keychain).ConfigureAwait(false);
            }
            catch (SecretStoreUnavailableException e) when (e.ExitCode == ExitCodes.SecretStoreUnavailable)
            {
                _noKeychain = true;
                _log.Debug($"No OS keychain ({e.Message}); short-lived secrets go to {_files.Value.Name}");
                SayOnce();
            }
        }

        return await call(_files.Value).ConfigureAwait(false);
    }

    /// <summary>One line, the first time on this machine (a marker file in the cache folder remembers it).</summary>
    private void SayOnce()
    {
        string marker;
        try
        {
            marker = Path.Combine(_folder(), NoticeMarker);
            if (File.Exists(marker))
            {
                return;
            }

            CacheFolder.EnsurePrivate(_folder());
            AtomicFile.Replace(marker, "told\n"u8, secret: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeymanException)
        {
            _log.Debug($"Cannot remember the no-keychain notice: {e.Message}");
        }

        _log.Info($"No OS keychain here: Keyman keeps the Okta session and short-lived AWS credentials in {_displayFolder()} (files only you can read), "
            + "never the password; to choose otherwise set KEYMAN_SECRET_STORE=file (encrypted, password too) or none (keep nothing).");
    }
}
