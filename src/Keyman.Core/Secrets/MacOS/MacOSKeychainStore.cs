using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Keyman.Core.Secrets.MacOS;

/// <summary>
/// Generic passwords in the user's default (login) keychain, addressed by service and account: the same items
/// Python keyring's macOS backend reads and writes, so an aws_okta_keyman password is found.
/// </summary>
/// <remarks>
/// Uses the SecKeychain* calls: deprecated since macOS 10.10 but still shipped, and much smaller to call than the
/// SecItem/CFDictionary API. Their items are the same kSecClassGenericPassword items SecItem sees.
/// </remarks>
[SupportedOSPlatform("macos")]
public sealed class MacOSKeychainStore : ISecretStore
{
    public string Name => "macOS Keychain";

    public override string ToString() => Name;

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        using var s = NativeBuffer.Utf8(service);
        using var a = NativeBuffer.Utf8(account);
        using var length = NativeBuffer.Zeroed(sizeof(uint));
        using var data = NativeBuffer.Zeroed(IntPtr.Size);
        var status = Security.SecKeychainFindGenericPassword(0, (uint)s.Length, s.Pointer, (uint)a.Length, a.Pointer, length.Pointer, data.Pointer, 0);
        if (status == Security.ErrSecItemNotFound)
        {
            return Task.FromResult<string?>(null);
        }

        KeychainStatus.Check(status, "read the password");
        var content = Marshal.ReadIntPtr(data.Pointer);
        try
        {
            var bytes = NativeBuffer.Copy(content, Marshal.ReadInt32(length.Pointer));
            try
            {
                return Task.FromResult<string?>(Encoding.UTF8.GetString(bytes));
            }
            finally
            {
                Array.Clear(bytes);
            }
        }
        finally
        {
            _ = Security.SecKeychainItemFreeContent(0, content);
        }
    }

    public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        using var s = NativeBuffer.Utf8(service);
        using var a = NativeBuffer.Utf8(account);
        using var password = NativeBuffer.Utf8(secret);
        var item = FindItem(s, a);
        if (item == 0)
        {
            KeychainStatus.Check(Security.SecKeychainAddGenericPassword(0, (uint)s.Length, s.Pointer, (uint)a.Length, a.Pointer, (uint)password.Length, password.Pointer, 0), "store the password");
            return Task.CompletedTask;
        }

        try
        {
            KeychainStatus.Check(Security.SecKeychainItemModifyAttributesAndData(item, 0, (uint)password.Length, password.Pointer), "replace the password");
        }
        finally
        {
            CoreFoundation.CFRelease(item);
        }

        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        using var s = NativeBuffer.Utf8(service);
        using var a = NativeBuffer.Utf8(account);
        var item = FindItem(s, a);
        if (item == 0)
        {
            return Task.FromResult(false);
        }

        try
        {
            KeychainStatus.Check(Security.SecKeychainItemDelete(item), "remove the password");
        }
        finally
        {
            CoreFoundation.CFRelease(item);
        }

        return Task.FromResult(true);
    }

    /// <summary>The item's reference (to be released with CFRelease), or 0 when there is none; the password is not read.</summary>
    private static nint FindItem(NativeBuffer service, NativeBuffer account)
    {
        using var itemSlot = NativeBuffer.Zeroed(IntPtr.Size);
        var status = Security.SecKeychainFindGenericPassword(0, (uint)service.Length, service.Pointer, (uint)account.Length, account.Pointer, 0, 0, itemSlot.Pointer);
        if (status == Security.ErrSecItemNotFound)
        {
            return 0;
        }

        KeychainStatus.Check(status, "look up the password");
        return Marshal.ReadIntPtr(itemSlot.Pointer);
    }
}

/// <summary>Turns an OSStatus into a typed error (platform-neutral so that it can be tested anywhere).</summary>
internal static class KeychainStatus
{
    internal static void Check(int status, string what)
    {
        switch (status)
        {
            case 0:
                return;
            case Security.ErrSecInteractionNotAllowed:
                throw new SecretStoreUnavailableException(
                    $"The macOS Keychain is locked and cannot ask to unlock it here (no GUI session, e.g. over SSH); Keyman could not {what}.",
                    "Run `security unlock-keychain` first, or run without -P. " + SecretStoreUnavailableException.Fallback,
                    exitCode: ExitCodes.SecretStoreLocked);
            case Security.ErrSecUserCanceled:
            case Security.ErrSecAuthFailed:
                throw new SecretStoreUnavailableException(
                    $"Access to the macOS Keychain was denied (OSStatus {status}); Keyman could not {what}.",
                    "Allow Keyman in the Keychain dialog, or run without -P.",
                    exitCode: ExitCodes.SecretStoreLocked);
            case Security.ErrSecNoSuchKeychain:
            case Security.ErrSecNoDefaultKeychain:
                throw new SecretStoreUnavailableException(
                    $"There is no default macOS keychain (OSStatus {status}); Keyman could not {what}.",
                    "Create or select a login keychain in Keychain Access. " + SecretStoreUnavailableException.Fallback);
            default:
                throw new SecretStoreUnavailableException(
                    $"The macOS Keychain failed to {what} (OSStatus {status}).",
                    "`security error " + status + "` explains the code. " + SecretStoreUnavailableException.Fallback);
        }
    }
}

/// <summary>Security.framework. Every parameter is an integer or an address, so the calls need no marshalling.</summary>
internal static partial class Security
{
    private const string Library = "/System/Library/Frameworks/Security.framework/Security";

    public const int ErrSecItemNotFound = -25300;
    public const int ErrSecAuthFailed = -25293;
    public const int ErrSecNoSuchKeychain = -25294;
    public const int ErrSecNoDefaultKeychain = -25307;
    public const int ErrSecInteractionNotAllowed = -25308;
    public const int ErrSecUserCanceled = -128;

    // OSStatus SecKeychainFindGenericPassword(CFTypeRef keychainOrArray, UInt32 serviceNameLength, const char *serviceName,
    //   UInt32 accountNameLength, const char *accountName, UInt32 *passwordLength, void **passwordData, SecKeychainItemRef *itemRef);
    [LibraryImport(Library)]
    public static partial int SecKeychainFindGenericPassword(nint keychainOrArray, uint serviceNameLength, nint serviceName, uint accountNameLength, nint accountName, nint passwordLength, nint passwordData, nint itemRef);

    // OSStatus SecKeychainAddGenericPassword(SecKeychainRef keychain, UInt32 serviceNameLength, const char *serviceName,
    //   UInt32 accountNameLength, const char *accountName, UInt32 passwordLength, const void *passwordData, SecKeychainItemRef *itemRef);
    [LibraryImport(Library)]
    public static partial int SecKeychainAddGenericPassword(nint keychain, uint serviceNameLength, nint serviceName, uint accountNameLength, nint accountName, uint passwordLength, nint passwordData, nint itemRef);

    // OSStatus SecKeychainItemModifyAttributesAndData(SecKeychainItemRef itemRef, const SecKeychainAttributeList *attrList, UInt32 length, const void *data);
    [LibraryImport(Library)]
    public static partial int SecKeychainItemModifyAttributesAndData(nint itemRef, nint attrList, uint length, nint data);

    // OSStatus SecKeychainItemDelete(SecKeychainItemRef itemRef);
    [LibraryImport(Library)]
    public static partial int SecKeychainItemDelete(nint itemRef);

    // OSStatus SecKeychainItemFreeContent(SecKeychainAttributeList *attrList, void *data);
    [LibraryImport(Library)]
    public static partial int SecKeychainItemFreeContent(nint attrList, nint data);
}

internal static partial class CoreFoundation
{
    // void CFRelease(CFTypeRef cf);
    [LibraryImport("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation")]
    public static partial void CFRelease(nint cf);
}
