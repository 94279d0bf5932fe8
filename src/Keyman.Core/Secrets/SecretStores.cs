using Keyman.Core.Secrets.Linux;
using Keyman.Core.Secrets.MacOS;
using Keyman.Core.Secrets.Windows;
using Keyman.Core.Ui;

namespace Keyman.Core.Secrets;

/// <summary>
/// Chooses the secret store: the OS keychain by default (macOS Keychain, Windows Credential Manager, the Secret
/// Service elsewhere), or the one named by KEYMAN_SECRET_STORE = keychain | secret-service | wincred | file | none.
/// </summary>
/// <remarks>
/// Choosing does not contact the backend; a missing or locked backend fails on first use with a
/// <see cref="SecretStoreUnavailableException"/>, and the caller decides whether to ask for the secret instead.
/// The one fall-back: by default, where there is no OS keychain at all, the short-lived secrets go to owner-only
/// cache files (<see cref="KeychainOrCacheFiles"/>); the password never does. Every store but "none" records the
/// names of what it keeps in the <see cref="SecretIndex"/>.
/// </remarks>
public static class SecretStores
{
    public const string Variable = "KEYMAN_SECRET_STORE";

    internal const string Choices = "keychain, secret-service, wincred, file, none";

    /// <summary>
    /// The secrets that may go to <see cref="CacheFileStore"/> files where there is no OS keychain: short-lived ones
    /// only (the Okta session, cached credential_process answers), never the password.
    /// </summary>
    public static readonly IReadOnlySet<string> ShortLived = new HashSet<string>(StringComparer.Ordinal)
    {
        Login.OktaSessions.SessionService,
        Delivery.CredentialProcessCache.Service,
    };

    /// <param name="interaction">Where a keyring's unlock dialog shows its wait; null in tests that need no wait line.</param>
    public static ISecretStore Open(IEnvironment environment, ILog log, IInteraction? interaction = null)
    {
        var store = Choose(environment, log, interaction);
        return store is NoSecretStore ? store : new IndexedSecretStore(store, () => SecretIndex.For(environment, log));
    }

    private static ISecretStore Choose(IEnvironment environment, ILog log, IInteraction? interaction)
    {
        var choice = environment.Get(Variable)?.Trim().ToLowerInvariant();
        switch (choice)
        {
            case null or "":
                ISecretStore keychain = OperatingSystem.IsMacOS() ? new MacOSKeychainStore()
                    : OperatingSystem.IsWindows() ? new WindowsCredentialStore()
                    : new SecretServiceStore(environment, log, interaction);
                return new KeychainOrCacheFiles(keychain, () => CacheFolder.Resolve(environment),
                    () => CacheFolder.Display(CacheFolder.Resolve(environment), environment), ShortLived, log);
            case "keychain":
                return OperatingSystem.IsMacOS() ? new MacOSKeychainStore() : throw WrongPlatform(choice, "the macOS Keychain exists only on macOS");
            case "wincred":
                return OperatingSystem.IsWindows() ? new WindowsCredentialStore() : throw WrongPlatform(choice, "Windows Credential Manager exists only on Windows");
            case "secret-service":
                return OperatingSystem.IsWindows() ? throw WrongPlatform(choice, "the Secret Service is a Linux/BSD desktop service") : new SecretServiceStore(environment, log, interaction);
            case "file":
                return EncryptedFileStore.Open(environment, log);
            case "none":
                return new NoSecretStore();
            default:
                throw new SecretStoreUnavailableException(
                    $"{Variable}={choice} is not a secret store Keyman knows.",
                    $"Use one of: {Choices}; or unset it to use the OS keychain.");
        }
    }

    private static SecretStoreUnavailableException WrongPlatform(string choice, string why) => new(
        $"{Variable}={choice} cannot be used here: {why}.",
        $"Unset {Variable} to use this system's keychain, or pick one of: {Choices}.");
}
