namespace Keyman.Core.Secrets;

/// <summary>Replaces a secret file in one step (<see cref="AtomicFile"/>): mode 0600 in a 0700 folder.</summary>
internal static class SecretFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents, string displayName)
    {
        try
        {
            AtomicFile.Replace(path, contents, secret: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreUnavailableException($"Cannot write {displayName}: {e.Message}", "Check that the folder is writable; the old file was left as it was.", e);
        }
    }
}
