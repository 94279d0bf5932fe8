using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Keyman.Core.Secrets.Windows;

/// <summary>
/// Generic credentials in the Windows Credential Manager, laid out the way Python keyring's WinVaultKeyring lays them
/// out so that an aws_okta_keyman password is found: target name = service, UserName = account, that secret as
/// UTF-16LE (Keyman's own entries as UTF-8, see <see cref="BlobEncoding"/>); when that target already holds another
/// account, the target "account@service" is used instead.
/// </summary>
/// <remarks>
/// Persisted LOCAL_MACHINE (this computer, survives logoff, does not roam to other machines; keyring uses ENTERPRISE,
/// which also roams; Keyman's secrets are machine-local caches). The blob is limited to 2560 bytes by Windows.
/// </remarks>
[SupportedOSPlatform("windows")]
public sealed class WindowsCredentialStore : ISecretStore
{
    private const uint CredTypeGeneric = 1;
    private const uint CredPersistLocalMachine = 2;
    internal const int MaxBlobBytes = 5 * 512;
    private const int ErrorNotFound = 1168;
    private const int ErrorNoSuchLogonSession = 1312;

    public string Name => "Windows Credential Manager";

    /// <summary>
    /// The original's password entry stays UTF-16LE, as Python keyring reads it. Keyman's own entries (the Okta session,
    /// the credential_process cache with its long session token) are UTF-8, half the size, to fit the 2560-byte blob.
    /// </summary>
    internal static Encoding BlobEncoding(string service) =>
        service == "aws_okta_keyman" ? Encoding.Unicode : new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public override string ToString() => Name;

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        var plain = Read(service, withSecret: true, BlobEncoding(service));
        if (plain is { } p && p.UserName == account)
        {
            return Task.FromResult(p.Secret);
        }

        return Task.FromResult(Read(CredentialTargets.Compound(service, account), withSecret: true, BlobEncoding(service))?.Secret);
    }

    public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var blob = BlobEncoding(service).GetBytes(secret);
        try
        {
            if (blob.Length > MaxBlobBytes)
            {
                throw new SecretStoreUnavailableException(
                    $"The secret for {service}/{account} is {blob.Length} bytes; Windows Credential Manager holds at most {MaxBlobBytes}.",
                    "Use KEYMAN_SECRET_STORE=file or none for this cache.");
            }

            var existing = Read(service, withSecret: false, Encoding.Unicode);
            var target = existing is null || existing.Value.UserName == account ? service : CredentialTargets.Compound(service, account);
            Write(target, account, blob);
        }
        finally
        {
            Array.Clear(blob);
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        var removed = Delete(CredentialTargets.Compound(service, account));
        if (Read(service, withSecret: false, Encoding.Unicode) is { } plain && plain.UserName == account)
        {
            removed |= Delete(service);
        }

        return Task.FromResult(removed);
    }

    private static (string? UserName, string? Secret)? Read(string target, bool withSecret, Encoding blobEncoding)
    {
        using var name = NativeBuffer.Utf16z(target);
        using var slot = NativeBuffer.Zeroed(IntPtr.Size);
        if (Advapi32.CredReadW(name.Pointer, CredTypeGeneric, 0, slot.Pointer) == 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == ErrorNotFound)
            {
                return null;
            }

            throw Failure(error, "read a credential");
        }

        var credential = Marshal.ReadIntPtr(slot.Pointer);
        try
        {
            var userName = Marshal.PtrToStringUni(Marshal.ReadIntPtr(credential, CredentialLayout.UserName));
            if (!withSecret)
            {
                return (userName, null);
            }

            var size = Marshal.ReadInt32(credential, CredentialLayout.CredentialBlobSize);
            var bytes = NativeBuffer.Copy(Marshal.ReadIntPtr(credential, CredentialLayout.CredentialBlob), size);
            try
            {
                return (userName, blobEncoding.GetString(bytes));
            }
            finally
            {
                Array.Clear(bytes);
            }
        }
        finally
        {
            Advapi32.CredFree(credential);
        }
    }

    private static void Write(string target, string account, byte[] blob)
    {
        using var name = NativeBuffer.Utf16z(target);
        using var user = NativeBuffer.Utf16z(account);
        using var comment = NativeBuffer.Utf16z("Stored by Keyman");
        using var secret = NativeBuffer.FromBytes(blob);
        using var credential = NativeBuffer.Zeroed(CredentialLayout.Size);
        Marshal.WriteInt32(credential.Pointer, CredentialLayout.Type, (int)CredTypeGeneric);
        Marshal.WriteIntPtr(credential.Pointer, CredentialLayout.TargetName, name.Pointer);
        Marshal.WriteIntPtr(credential.Pointer, CredentialLayout.Comment, comment.Pointer);
        Marshal.WriteInt32(credential.Pointer, CredentialLayout.CredentialBlobSize, blob.Length);
        Marshal.WriteIntPtr(credential.Pointer, CredentialLayout.CredentialBlob, secret.Pointer);
        Marshal.WriteInt32(credential.Pointer, CredentialLayout.Persist, (int)CredPersistLocalMachine);
        Marshal.WriteIntPtr(credential.Pointer, CredentialLayout.UserName, user.Pointer);
        if (Advapi32.CredWriteW(credential.Pointer, 0) == 0)
        {
            throw Failure(Marshal.GetLastPInvokeError(), "store a credential");
        }
    }

    private static bool Delete(string target)
    {
        using var name = NativeBuffer.Utf16z(target);
        if (Advapi32.CredDeleteW(name.Pointer, CredTypeGeneric, 0) != 0)
        {
            return true;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == ErrorNotFound ? false : throw Failure(error, "remove a credential");
    }

    private static SecretStoreUnavailableException Failure(int error, string what) => error == ErrorNoSuchLogonSession
        ? new SecretStoreUnavailableException(
            $"Windows Credential Manager is not available in this logon session (error {error}), so Keyman could not {what}.",
            "Run Keyman in an interactive logon session (not as a service or over some remote shells). " + SecretStoreUnavailableException.Fallback)
        : new SecretStoreUnavailableException(
            $"Windows Credential Manager failed to {what} (Win32 error {error}).",
            SecretStoreUnavailableException.Fallback);
}

/// <summary>Target names as Python keyring's WinVaultKeyring forms them.</summary>
internal static class CredentialTargets
{
    /// <summary>The second target name keyring uses when the plain service target belongs to another account.</summary>
    public static string Compound(string service, string account) => $"{account}@{service}";
}

/// <summary>
/// Field offsets of CREDENTIALW (wincred.h), for the pointer size of this process; read and written field by field so
/// that no struct marshalling is involved. A test checks them against the runtime's sequential layout.
/// </summary>
internal static class CredentialLayout
{
    private static readonly int P = IntPtr.Size;

    public static int Flags => 0;

    public static int Type => 4;

    public static int TargetName => 8;

    public static int Comment => 8 + P;

    public static int LastWritten => 8 + (2 * P);

    public static int CredentialBlobSize => LastWritten + 8;

    public static int CredentialBlob => Align(CredentialBlobSize + 4);

    public static int Persist => CredentialBlob + P;

    public static int AttributeCount => Persist + 4;

    public static int Attributes => Align(AttributeCount + 4);

    public static int TargetAlias => Attributes + P;

    public static int UserName => TargetAlias + P;

    public static int Size => UserName + P;

    private static int Align(int offset) => (offset + P - 1) / P * P;
}

/// <summary>advapi32. Integers and addresses only; SetLastError so the Win32 error is kept for the message.</summary>
internal static partial class Advapi32
{
    // BOOL CredReadW(LPCWSTR TargetName, DWORD Type, DWORD Flags, PCREDENTIALW *Credential);
    [LibraryImport("advapi32.dll", SetLastError = true)]
    public static partial int CredReadW(nint targetName, uint type, uint flags, nint credential);

    // BOOL CredWriteW(PCREDENTIALW Credential, DWORD Flags);
    [LibraryImport("advapi32.dll", SetLastError = true)]
    public static partial int CredWriteW(nint credential, uint flags);

    // BOOL CredDeleteW(LPCWSTR TargetName, DWORD Type, DWORD Flags);
    [LibraryImport("advapi32.dll", SetLastError = true)]
    public static partial int CredDeleteW(nint targetName, uint type, uint flags);

    // void CredFree(PVOID Buffer);
    [LibraryImport("advapi32.dll")]
    public static partial void CredFree(nint buffer);
}
