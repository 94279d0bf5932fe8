using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Keyman.Core.Ui;

namespace Keyman.Core.Secrets;

/// <summary>
/// KEYMAN_SECRET_STORE=file: every secret in one file, ~/.config/keyman/secrets.bin, encrypted with AES-256-GCM under
/// a key derived from KEYMAN_SECRET_STORE_PASSPHRASE (PBKDF2-HMAC-SHA256, per-file random salt).
/// </summary>
/// <remarks>
/// Opt-in only, and weaker than an OS keychain: the passphrase usually sits in the environment or a shell profile of
/// the same user, so anyone who can read the user's files can often read it too. It exists for headless machines
/// without a Secret Service. Layout: "KMSF" | version 1 | PBKDF2 iterations (uint32, big-endian) | salt (16) |
/// nonce (12) | tag (16) | ciphertext. The first 25 bytes are authenticated as associated data. Two Keyman processes
/// writing at the same moment can lose one of the two updates (the file is replaced atomically, never torn).
/// </remarks>
public sealed class EncryptedFileStore : ISecretStore
{
    public const string PassphraseVariable = "KEYMAN_SECRET_STORE_PASSPHRASE";
    internal const int DefaultIterations = 600_000;
    private const byte FormatVersion = 1;
    private const int SaltSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 4 + 1 + 4 + SaltSize;
    private static ReadOnlySpan<byte> Magic => "KMSF"u8;

    private readonly string _path;
    private readonly byte[] _passphrase;
    private readonly int _iterations;
    private readonly ILog _log;
    private (byte[] Salt, int Iterations, byte[] Key)? _key;

    internal EncryptedFileStore(string path, string passphrase, ILog log, int iterations = DefaultIterations, string? displayPath = null)
    {
        _path = Path.GetFullPath(path);
        _passphrase = Encoding.UTF8.GetBytes(passphrase);
        _iterations = iterations;
        _log = log;
        Name = $"encrypted file {displayPath ?? _path}";
    }

    /// <summary>The store at ~/.config/keyman/secrets.bin; refuses without a passphrase rather than storing in plain text.</summary>
    public static EncryptedFileStore Open(IEnvironment environment, ILog log)
    {
        var passphrase = environment.Get(PassphraseVariable);
        if (passphrase is null)
        {
            throw new SecretStoreUnavailableException(
                $"KEYMAN_SECRET_STORE=file needs a passphrase, and {PassphraseVariable} is not set; Keyman never stores secrets unencrypted.",
                $"Set {PassphraseVariable}, or use the OS keychain (unset KEYMAN_SECRET_STORE), or KEYMAN_SECRET_STORE=none.");
        }

        var path = Path.Combine(environment.HomeDirectory, ".config", "keyman", "secrets.bin");
        return new EncryptedFileStore(path, passphrase, log, displayPath: "~/.config/keyman/secrets.bin");
    }

    public string Name { get; }

    public override string ToString() => Name;

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        var entries = Load();
        return Task.FromResult(entries.TryGetValue(new EntryKey(service, account), out var secret) ? secret : null);
    }

    public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var entries = Load();
        entries[new EntryKey(service, account)] = secret;
        Save(entries);
        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        var entries = Load();
        if (!entries.Remove(new EntryKey(service, account)))
        {
            return Task.FromResult(false);
        }

        Save(entries);
        return Task.FromResult(true);
    }

    private readonly record struct EntryKey(string Service, string Account);

    private Dictionary<EntryKey, string> Load()
    {
        byte[] file;
        try
        {
            if (!File.Exists(_path))
            {
                return [];
            }

            WarnIfReadableByOthers();
            file = File.ReadAllBytes(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreUnavailableException($"Cannot read {Name}: {e.Message}", "Check the file's owner and permissions (it should be 0600).", e);
        }

        if (file.Length < HeaderSize + NonceSize + TagSize || !file.AsSpan(0, 4).SequenceEqual(Magic) || file[4] != FormatVersion)
        {
            throw Unreadable($"{Name} is not a Keyman secrets file (or is truncated).");
        }

        var iterations = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(5, 4));
        if (iterations is < 1 or > 100_000_000)
        {
            throw Unreadable($"{Name} has a corrupt header.");
        }

        var salt = file.AsSpan(9, SaltSize).ToArray();
        var nonce = file.AsSpan(HeaderSize, NonceSize);
        var tag = file.AsSpan(HeaderSize + NonceSize, TagSize);
        var ciphertext = file.AsSpan(HeaderSize + NonceSize + TagSize);
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using (var aes = new AesGcm(KeyFor(salt, iterations), TagSize))
            {
                aes.Decrypt(nonce, ciphertext, tag, plaintext, file.AsSpan(0, HeaderSize));
            }

            return Deserialize(plaintext);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw Unreadable($"Cannot decrypt {Name}: the passphrase in {PassphraseVariable} is wrong, or the file was altered.", e);
        }
        finally
        {
            Array.Clear(plaintext);
        }
    }

    private void Save(Dictionary<EntryKey, string> entries)
    {
        var (salt, iterations) = _key is { } known ? (known.Salt, known.Iterations) : (RandomNumberGenerator.GetBytes(SaltSize), _iterations);
        var plaintext = Serialize(entries);
        var file = new byte[HeaderSize + NonceSize + TagSize + plaintext.Length];
        try
        {
            Magic.CopyTo(file);
            file[4] = FormatVersion;
            BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(5, 4), iterations);
            salt.CopyTo(file.AsSpan(9, SaltSize));
            var nonce = file.AsSpan(HeaderSize, NonceSize);
            RandomNumberGenerator.Fill(nonce);
            using (var aes = new AesGcm(KeyFor(salt, iterations), TagSize))
            {
                aes.Encrypt(nonce, plaintext, file.AsSpan(HeaderSize + NonceSize + TagSize), file.AsSpan(HeaderSize + NonceSize, TagSize), file.AsSpan(0, HeaderSize));
            }

            SecretFile.WriteAllBytes(_path, file, Name);
            _log.Debug($"Stored {entries.Count} secret(s) in {Name}");
        }
        finally
        {
            Array.Clear(plaintext);
        }
    }

    private byte[] KeyFor(byte[] salt, int iterations)
    {
        if (_key is { } known && known.Iterations == iterations && known.Salt.AsSpan().SequenceEqual(salt))
        {
            return known.Key;
        }

        var key = Rfc2898DeriveBytes.Pbkdf2(_passphrase, salt, iterations, HashAlgorithmName.SHA256, 32);
        _key = (salt, iterations, key);
        return key;
    }

    private void WarnIfReadableByOthers()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(_path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            _log.Warning($"{Name} can be read by other users; Keyman rewrites it with mode 0600 on the next change (or run chmod 600).");
        }
    }

    private static SecretStoreUnavailableException Unreadable(string message, Exception? inner = null) => new(
        message,
        $"Set {PassphraseVariable} to the passphrase used when the file was written, or delete ~/.config/keyman/secrets.bin (cached secrets will be asked for again).",
        inner,
        ExitCodes.SecretStoreUnreadable);

    // Payload: count, then per entry three length-prefixed UTF-8 strings (service, account, secret); big-endian int32s.
    private static byte[] Serialize(Dictionary<EntryKey, string> entries)
    {
        var size = 4;
        foreach (var (key, secret) in entries)
        {
            size += 12 + Encoding.UTF8.GetByteCount(key.Service) + Encoding.UTF8.GetByteCount(key.Account) + Encoding.UTF8.GetByteCount(secret);
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, entries.Count);
        span = span[4..];
        foreach (var (key, secret) in entries)
        {
            span = WriteString(span, key.Service);
            span = WriteString(span, key.Account);
            span = WriteString(span, secret);
        }

        return buffer;

        static Span<byte> WriteString(Span<byte> span, string value)
        {
            var length = Encoding.UTF8.GetBytes(value, span[4..]);
            BinaryPrimitives.WriteInt32BigEndian(span, length);
            return span[(4 + length)..];
        }
    }

    private static Dictionary<EntryKey, string> Deserialize(ReadOnlySpan<byte> payload)
    {
        try
        {
            var count = BinaryPrimitives.ReadInt32BigEndian(payload);
            payload = payload[4..];
            var entries = new Dictionary<EntryKey, string>();
            for (var i = 0; i < count; i++)
            {
                var service = ReadString(ref payload);
                var account = ReadString(ref payload);
                entries[new EntryKey(service, account)] = ReadString(ref payload);
            }

            return entries;
        }
        catch (ArgumentOutOfRangeException e)
        {
            // Only reachable if someone encrypted garbage with the right key.
            throw Unreadable("The secrets file decrypted but its contents are malformed.", e);
        }

        static string ReadString(ref ReadOnlySpan<byte> span)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(span);
            var value = Encoding.UTF8.GetString(span.Slice(4, length));
            span = span[(4 + length)..];
            return value;
        }
    }
}
