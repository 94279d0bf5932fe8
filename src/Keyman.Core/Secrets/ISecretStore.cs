namespace Keyman.Core.Secrets;

/// <summary>
/// A place to keep a small secret (an Okta password, an Okta session id, a cached credential_process answer),
/// addressed by a service name and an account, the way OS keychains address generic passwords.
/// </summary>
/// <remarks>
/// Every failure of the backend is a <see cref="SecretStoreUnavailableException"/>; a missing item is not a failure.
/// Implementations never put the secret into a log line, an exception message or <c>ToString()</c>.
/// The methods are asynchronous because the Secret Service is reached over D-Bus; the other backends finish synchronously.
/// </remarks>
public interface ISecretStore
{
    /// <summary>What the store is, for status lines and messages ("Secret Service (GNOME Keyring)").</summary>
    string Name { get; }

    /// <summary>The secret stored for <paramref name="service"/> and <paramref name="account"/>, or null when there is none.</summary>
    Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default);

    /// <summary>Stores the secret, replacing any secret already stored for the same service and account.</summary>
    Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default);

    /// <summary>Removes the secret; false when there was none.</summary>
    Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default);
}
