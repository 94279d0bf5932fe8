using System.Runtime.InteropServices;
using Keyman.Core;
using Keyman.Core.Secrets;
using Keyman.Core.Secrets.Linux;
using Keyman.Core.Secrets.MacOS;
using Keyman.Core.Secrets.Windows;
using Keyman.Tests.Support;

namespace Keyman.Tests.Secrets;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EncryptedFileStoreTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private const string Secret = "okta-p@ssw0rd-ü";
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-secrets-").FullName;
    private readonly RecordingLog _log = new();

    private string FilePath => Path.Combine(_dir, "keyman", "secrets.bin");

    // A low iteration count keeps the tests fast; Open() uses the real default.
    private EncryptedFileStore Store(string passphrase = Passphrase) => new(FilePath, passphrase, _log, iterations: 1_000);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Round_trip_persists_across_instances()
    {
        await Store().SetAsync("aws_okta_keyman", "alice", Secret);
        await Store().SetAsync("keyman-okta-session", "alice", "sid-123");
        await Store().SetAsync("aws_okta_keyman", "bob", "🔑 bob");

        var store = Store();
        Assert.Equal(Secret, await store.GetAsync("aws_okta_keyman", "alice"));
        Assert.Equal("sid-123", await store.GetAsync("keyman-okta-session", "alice"));
        Assert.Equal("🔑 bob", await store.GetAsync("aws_okta_keyman", "bob"));
        Assert.Null(await store.GetAsync("aws_okta_keyman", "carol"));

        await store.SetAsync("aws_okta_keyman", "alice", "replaced");
        Assert.Equal("replaced", await Store().GetAsync("aws_okta_keyman", "alice"));

        Assert.True(await store.RemoveAsync("aws_okta_keyman", "alice"));
        Assert.False(await store.RemoveAsync("aws_okta_keyman", "alice"));
        Assert.Null(await Store().GetAsync("aws_okta_keyman", "alice"));
        Assert.Equal("🔑 bob", await Store().GetAsync("aws_okta_keyman", "bob"));
        Assert.DoesNotContain(Secret, _log.All);
    }

    [Fact]
    public async Task Missing_file_reads_as_empty()
    {
        Assert.Null(await Store().GetAsync("s", "a"));
        Assert.False(await Store().RemoveAsync("s", "a"));
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public async Task File_is_0600_in_a_0700_folder_and_holds_no_plaintext()
    {
        await Store().SetAsync("aws_okta_keyman", "alice", Secret);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(FilePath)!));
        var bytes = File.ReadAllBytes(FilePath);
        Assert.Equal("KMSF"u8.ToArray(), bytes[..4]);
        Assert.DoesNotContain("alice", System.Text.Encoding.Latin1.GetString(bytes));
        Assert.DoesNotContain("okta-p", System.Text.Encoding.Latin1.GetString(bytes));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(FilePath)!, "*.tmp"));
    }

    [Fact]
    public async Task Wrong_passphrase_is_a_clear_error_without_secrets()
    {
        await Store().SetAsync("aws_okta_keyman", "alice", Secret);

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => Store("wrong passphrase").GetAsync("aws_okta_keyman", "alice"));

        Assert.Equal(ExitCodes.SecretStoreUnreadable, e.ExitCode);
        Assert.Contains("passphrase", e.Message);
        Assert.Contains("KEYMAN_SECRET_STORE_PASSPHRASE", e.Hint);
        Assert.DoesNotContain(Secret, e.ToString());
        Assert.DoesNotContain("wrong passphrase", e.ToString());
        Assert.DoesNotContain(Passphrase, e.ToString());
    }

    [Theory]
    [InlineData(40)] // ciphertext
    [InlineData(30)] // tag
    [InlineData(26)] // nonce
    [InlineData(12)] // salt (associated data)
    [InlineData(8)] // iteration count (associated data)
    public async Task Tampered_file_fails_authentication(int offset)
    {
        await Store().SetAsync("aws_okta_keyman", "alice", Secret);
        var bytes = File.ReadAllBytes(FilePath);
        bytes[Math.Min(offset, bytes.Length - 1)] ^= 0x01;
        File.WriteAllBytes(FilePath, bytes);

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => Store().GetAsync("aws_okta_keyman", "alice"));

        Assert.Equal(ExitCodes.SecretStoreUnreadable, e.ExitCode);
        Assert.DoesNotContain(Secret, e.ToString());
    }

    [Fact]
    public async Task Truncated_or_foreign_file_is_rejected_and_not_overwritten()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, "not a keyman file at all, but long enough to have a header and a tag......");

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => Store().SetAsync("s", "a", Secret));

        Assert.Equal(ExitCodes.SecretStoreUnreadable, e.ExitCode);
        Assert.Contains("not a Keyman secrets file", e.Message);
        Assert.StartsWith("not a keyman file", File.ReadAllText(FilePath));
    }

    [Fact]
    public async Task Open_refuses_without_a_passphrase_and_uses_the_home_folder_with_one()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string> { ["KEYMAN_SECRET_STORE"] = "file" }, _dir);
        var e = Assert.Throws<SecretStoreUnavailableException>(() => EncryptedFileStore.Open(env, _log));
        Assert.Equal(ExitCodes.SecretStoreUnavailable, e.ExitCode);
        Assert.Contains("KEYMAN_SECRET_STORE_PASSPHRASE", e.Message);
        Assert.Contains("never stores secrets unencrypted", e.Message);

        env = new DictionaryEnvironment(new Dictionary<string, string> { ["KEYMAN_SECRET_STORE_PASSPHRASE"] = Passphrase }, _dir);
        var store = EncryptedFileStore.Open(env, _log);
        Assert.Equal("encrypted file ~/.config/keyman/secrets.bin", store.Name);
        await store.SetAsync("s", "a", Secret);
        Assert.True(File.Exists(Path.Combine(_dir, ".config", "keyman", "secrets.bin")));
        Assert.Equal(Secret, await EncryptedFileStore.Open(env, _log).GetAsync("s", "a"));
    }

    [Fact]
    public async Task Loose_permissions_are_warned_about_and_fixed_on_write()
    {
        await Store().SetAsync("s", "a", Secret);
        File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await Store().SetAsync("s", "a", "other");

        Assert.Contains(_log.Lines, l => l.Level == "WARNING" && l.Message.Contains("other users"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }
}

public sealed class SecretStoreSelectionTests
{
    private static ISecretStore Open(params (string Name, string Value)[] variables) =>
        SecretStores.Open(new DictionaryEnvironment(variables.ToDictionary(v => v.Name, v => v.Value), "/tmp/keyman-nonexistent-home"), new RecordingLog());

    [Fact]
    public void Default_on_Linux_is_the_Secret_Service_with_cache_files_for_short_lived_secrets()
    {
        var store = Assert.IsType<IndexedSecretStore>(Open());
        Assert.Equal("Secret Service (GNOME Keyring)", store.Name);
    }

    [Theory]
    [InlineData("secret-service")]
    [InlineData(" Secret-Service ")]
    public void Secret_service_by_name(string value) => Assert.Equal("Secret Service (GNOME Keyring)", Open(("KEYMAN_SECRET_STORE", value)).Name);

    [Fact]
    public async Task None_stores_nothing_and_says_so()
    {
        var store = Open(("KEYMAN_SECRET_STORE", "none"));
        Assert.IsType<NoSecretStore>(store);
        Assert.Contains("not stored", store.Name);
        await store.SetAsync("s", "a", "secret");
        Assert.Null(await store.GetAsync("s", "a"));
        Assert.False(await store.RemoveAsync("s", "a"));
    }

    [Fact]
    public void File_needs_a_passphrase()
    {
        var e = Assert.Throws<SecretStoreUnavailableException>(() => Open(("KEYMAN_SECRET_STORE", "file")));
        Assert.Contains("KEYMAN_SECRET_STORE_PASSPHRASE", e.Message);

        var store = Open(("KEYMAN_SECRET_STORE", "file"), ("KEYMAN_SECRET_STORE_PASSPHRASE", "pp"));
        Assert.Equal("encrypted file ~/.config/keyman/secrets.bin", store.Name);
    }

    [Theory]
    [InlineData("keychain", "macOS")]
    [InlineData("wincred", "Windows")]
    public void Other_platforms_stores_are_refused_here(string value, string platform)
    {
        var e = Assert.Throws<SecretStoreUnavailableException>(() => Open(("KEYMAN_SECRET_STORE", value)));
        Assert.Equal(ExitCodes.SecretStoreUnavailable, e.ExitCode);
        Assert.Contains(platform, e.Message);
    }

    [Fact]
    public void Unknown_store_lists_the_choices()
    {
        var e = Assert.Throws<SecretStoreUnavailableException>(() => Open(("KEYMAN_SECRET_STORE", "plaintext")));
        Assert.Contains("plaintext", e.Message);
        Assert.Contains("keychain, secret-service, wincred, file, none", e.Hint);
    }
}

/// <summary>What can be checked here of the macOS and Windows stores (they run only on their systems).</summary>
public sealed class NativeStoreShapeTests
{
    // CREDENTIALW as wincred.h declares it; the runtime's sequential layout is the C layout.
    [StructLayout(LayoutKind.Sequential)]
    private struct CredentialW
    {
        public uint Flags;
        public uint Type;
        public nint TargetName;
        public nint Comment;
        public uint LastWrittenLow;
        public uint LastWrittenHigh;
        public uint CredentialBlobSize;
        public nint CredentialBlob;
        public uint Persist;
        public uint AttributeCount;
        public nint Attributes;
        public nint TargetAlias;
        public nint UserName;
    }

    [Fact]
    public void Credential_offsets_match_the_C_layout()
    {
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.Type)), CredentialLayout.Type);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.TargetName)), CredentialLayout.TargetName);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.Comment)), CredentialLayout.Comment);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.LastWrittenLow)), CredentialLayout.LastWritten);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.CredentialBlobSize)), CredentialLayout.CredentialBlobSize);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.CredentialBlob)), CredentialLayout.CredentialBlob);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.Persist)), CredentialLayout.Persist);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.AttributeCount)), CredentialLayout.AttributeCount);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.Attributes)), CredentialLayout.Attributes);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.TargetAlias)), CredentialLayout.TargetAlias);
        Assert.Equal((int)Marshal.OffsetOf<CredentialW>(nameof(CredentialW.UserName)), CredentialLayout.UserName);
        Assert.Equal(Marshal.SizeOf<CredentialW>(), CredentialLayout.Size);
        Assert.Equal(80, CredentialLayout.Size); // x64 and arm64
    }

    [Fact]
    public void Windows_targets_follow_Python_keyring() =>
        Assert.Equal("alice@aws_okta_keyman", CredentialTargets.Compound("aws_okta_keyman", "alice"));

#pragma warning disable CA1416 // only the encoding choice is exercised; no Windows API is called
    [Fact]
    public void Windows_blobs_keep_keyrings_encoding_for_the_password_and_fit_the_credential_cache()
    {
        Assert.Equal(System.Text.Encoding.Unicode, Keyman.Core.Secrets.Windows.WindowsCredentialStore.BlobEncoding("aws_okta_keyman"));

        // A credential_process cache entry with a long STS session token (SAML sessions carry ~1,000+ characters).
        var entry = $"{{\"AccessKeyId\":\"ASIA{new string('A', 16)}\",\"SecretAccessKey\":\"{new string('s', 40)}\",\"SessionToken\":\"{new string('T', 1400)}\",\"Expiration\":\"2030-01-01T00:00:00Z\",\"RoleArn\":\"arn:aws:iam::111111111111:role/team/Admin\",\"IssuedAt\":\"2030-01-01T00:00:00Z\"}}";
        var encoding = Keyman.Core.Secrets.Windows.WindowsCredentialStore.BlobEncoding("keyman-credentials");
        Assert.True(encoding.GetByteCount(entry) <= Keyman.Core.Secrets.Windows.WindowsCredentialStore.MaxBlobBytes);
        Assert.True(System.Text.Encoding.Unicode.GetByteCount(entry) > Keyman.Core.Secrets.Windows.WindowsCredentialStore.MaxBlobBytes);
    }
#pragma warning restore CA1416

    [Fact]
    public void Keychain_statuses_become_typed_errors()
    {
        KeychainStatus.Check(0, "read");
        Assert.Equal(ExitCodes.SecretStoreLocked, Assert.Throws<SecretStoreUnavailableException>(() => KeychainStatus.Check(Security.ErrSecInteractionNotAllowed, "read")).ExitCode);
        Assert.Equal(ExitCodes.SecretStoreLocked, Assert.Throws<SecretStoreUnavailableException>(() => KeychainStatus.Check(Security.ErrSecUserCanceled, "read")).ExitCode);
        var other = Assert.Throws<SecretStoreUnavailableException>(() => KeychainStatus.Check(-34018, "store the password"));
        Assert.Equal(ExitCodes.SecretStoreUnavailable, other.ExitCode);
        Assert.Contains("-34018", other.Message);
    }

    [Fact]
    public void Native_buffers_hold_what_the_C_side_expects()
    {
        using var utf8 = NativeBuffer.Utf8("sérvice");
        Assert.Equal("sérvice"u8.ToArray(), NativeBuffer.Copy(utf8.Pointer, utf8.Length));
        using var utf16 = NativeBuffer.Utf16z("tärget");
        Assert.Equal("tärget", Marshal.PtrToStringUni(utf16.Pointer));
        Assert.Equal(("tärget".Length + 1) * 2, utf16.Length);
    }
}
