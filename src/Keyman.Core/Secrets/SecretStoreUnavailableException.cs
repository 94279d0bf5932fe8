namespace Keyman.Core.Secrets;

/// <summary>
/// The secret store cannot be used: the backend is missing, locked, refused the request, or (for the encrypted file)
/// the passphrase is missing or wrong. The message says what is missing, the hint what to do. Never carries a secret.
/// </summary>
public sealed class SecretStoreUnavailableException : KeymanException
{
    public SecretStoreUnavailableException(string message, string? hint = null, Exception? inner = null, int exitCode = ExitCodes.SecretStoreUnavailable)
        : base(exitCode, message, hint, inner)
    {
    }

    /// <summary>The hint that ends most of these messages: what Keyman does without a store, and how to choose another.</summary>
    internal const string Fallback =
        "Keyman will ask for the password instead; or choose a store with KEYMAN_SECRET_STORE=keychain|secret-service|wincred|file|none.";
}
