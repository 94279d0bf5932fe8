using System.Runtime.InteropServices;
using System.Text;

namespace Keyman.Core;

/// <summary>What a path names, links followed.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// Reads the files other programs (or other people) may have put in place: only regular files, and only up to a size
/// cap. Opening a FIFO blocks until something writes to it and a device such as /dev/zero never ends, so both are
/// refused before they are opened.
/// </summary>
public static partial class RegularFile
{
    /// <summary>The cap for the AWS config and credentials files: real ones are a few kilobytes.</summary>
    public const int IniLimit = 1024 * 1024;

    /// <summary>The kind of file at <paramref name="path"/> (links followed; a dangling link is Missing).</summary>
    public static FileKind KindOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        if (OperatingSystem.IsWindows())
        {
            return FileKind.Regular;
        }

        var mode = UnixMode(path);
        return mode switch
        {
            null => FileKind.Missing,
            _ => (mode.Value & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0x1000 => FileKind.Fifo,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0xC000 => FileKind.Socket,
                _ => FileKind.Other,
            },
        };
    }

    /// <summary>Words for a kind that is not a regular file ("a FIFO (named pipe)"), for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        _ => "a special file",
    };

    /// <summary>
    /// Throws the one-line error (<paramref name="exitCode"/>) when <paramref name="path"/> exists but is not a
    /// regular file. <paramref name="what"/> names it for the user ("the AWS credentials file").
    /// </summary>
    public static void EnsureRegularOrMissing(string path, string what, int exitCode)
    {
        var kind = KindOf(path);
        if (kind is not (FileKind.Regular or FileKind.Missing))
        {
            throw new KeymanException(exitCode, $"{Capitalize(what)} {path} is {Describe(kind)}, not a regular file",
                $"Replace {path} with a regular file (or remove it), or point Keyman at another path.");
        }
    }

    /// <summary>
    /// The bytes of a regular file, at most <paramref name="limit"/> of them; null when the file does not exist.
    /// Anything else (a FIFO, a device, a directory, a larger file) is a one-line error with <paramref name="exitCode"/>.
    /// I/O failures propagate for the caller to word.
    /// </summary>
    public static byte[]? ReadAllBytes(string path, int limit, string what, int exitCode)
    {
        EnsureRegularOrMissing(path, what, exitCode);
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        var buffer = new byte[Math.Min(limit + 1L, Math.Max(stream.CanSeek ? stream.Length + 1 : 4096, 1))];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > limit)
                {
                    throw new KeymanException(exitCode, $"{Capitalize(what)} {path} is larger than {FormatSize(limit)}",
                        $"Keyman reads at most {FormatSize(limit)} of it; check that {path} is the file you meant.");
                }

                Array.Resize(ref buffer, (int)Math.Min(limit + 1L, buffer.Length * 2L));
            }

            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                return buffer.AsSpan(0, total).ToArray();
            }

            total += read;
        }
    }

    /// <summary>The text of a regular file (UTF-8 unless a byte order mark says otherwise), within <paramref name="limit"/> bytes; null when missing.</summary>
    public static string? ReadAllText(string path, int limit, string what, int exitCode)
    {
        var bytes = ReadAllBytes(path, limit, what, exitCode);
        if (bytes is null)
        {
            return null;
        }

        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static string FormatSize(int bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>st_mode of <paramref name="path"/> (links followed), or null when it cannot be stat'ed.</summary>
    private static unsafe int? UnixMode(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            // statx has one layout on every Linux architecture (stx_mode is the u16 at offset 28), unlike struct stat.
            var buffer = stackalloc byte[256];
            return StatX(AtFdCwd, path, 0, StatxType, buffer) == 0 ? *(ushort*)(buffer + 28) : null;
        }

        if (OperatingSystem.IsMacOS())
        {
            // struct stat with 64-bit inodes: st_dev (int32), then st_mode (u16) at offset 4.
            var buffer = stackalloc byte[512];
            var result = RuntimeInformation.ProcessArchitecture == Architecture.X64
                ? StatInode64(path, buffer)
                : Stat(path, buffer);
            return result == 0 ? *(ushort*)(buffer + 4) : null;
        }

        return 0x8000;
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatX(int directoryFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "stat$INODE64", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatInode64(string path, byte* buffer);
}
