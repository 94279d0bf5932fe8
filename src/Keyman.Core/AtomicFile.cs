using System.Text;

namespace Keyman.Core;

/// <summary>
/// Replaces a file in one step: a temporary file beside it, flushed to disk, then renamed over it. A reader sees the
/// old file or the new one, never half of one, and a failure leaves the old file as it was.
/// </summary>
public static class AtomicFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAllOthersRead = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes text (UTF-8, no BOM), turning I/O failures into a one-line error with <paramref name="exitCodeOnFailure"/>.</summary>
    public static void WriteAllText(string path, string contents, bool secret, int exitCodeOnFailure = ExitCodes.Config)
    {
        try
        {
            Replace(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(contents), secret);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeymanException(exitCodeOnFailure, $"Cannot write {Path.GetFullPath(path)}: {e.Message}", "Check that the folder exists and is writable; the old file was left as it was.");
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="contents"/>, mode 0600 when <paramref name="secret"/> (else 0644),
    /// creating its folder (0700) if needed. I/O failures propagate as <see cref="IOException"/> /
    /// <see cref="UnauthorizedAccessException"/> for the caller to word.
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> contents, bool secret)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        EnsureDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = secret ? OwnerOnly : OwnerAllOthersRead;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Creates a folder readable only by its owner (on Unix) when it does not exist yet.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
