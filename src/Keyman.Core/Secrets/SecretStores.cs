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
/// There is never a silent fall-back to another store, least of all to a file.
/// </remarks>
public static class SecretStores
{
    public const string Variable = "KEYMAN_SECRET_STORE";

    internal const string Choices = "keychain, secret-service, wincred, file, none";

    public static ISecretStore Open(IEnvironment environment, ILog log)
    {
        var choice = environment.Get(Variable)?.Trim().ToLowerInvariant();
        switch (choice)
        {
            case null or "":
                if (OperatingSystem.IsMacOS())
                {
                    return new MacOSKeychainStore();
                }

                if (OperatingSystem.IsWindows())
                {
                    return new WindowsCredentialStore();
                }

                return new SecretServiceStore(environment, log);
            case "keychain":
                return OperatingSystem.IsMacOS() ? new MacOSKeychainStore() : throw WrongPlatform(choice, "the macOS Keychain exists only on macOS");
            case "wincred":
                return OperatingSystem.IsWindows() ? new WindowsCredentialStore() : throw WrongPlatform(choice, "Windows Credential Manager exists only on Windows");
            case "secret-service":
                return OperatingSystem.IsWindows() ? throw WrongPlatform(choice, "the Secret Service is a Linux/BSD desktop service") : new SecretServiceStore(environment, log);
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
