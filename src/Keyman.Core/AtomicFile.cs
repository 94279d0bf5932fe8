using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Keyman.Core;

/// <summary>
/// Replaces a file in one step: a temporary file beside it (".NAME.PID.GUID.tmp"), flushed to disk, then renamed over
/// it. A reader sees the old file or the new one, never half of one, and a failure leaves the old file as it was.
/// A temporary file never outlives its write: a failure deletes it, a terminating signal does (through
/// <see cref="RemoveTempFilesOnSignals"/>), and one left by a killed process is deleted by the next write beside it.
/// </summary>
public static class AtomicFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAllOthersRead = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>How long a terminating signal waits for a write under way to finish before deleting its temporary file.</summary>
    private static readonly TimeSpan SignalGrace = TimeSpan.FromSeconds(2);

    private static readonly Lock Gate = new();
    private static readonly HashSet<string> InFlight = new(StringComparer.Ordinal);

    /// <summary>A test seam: runs after the temporary file is written and before it is renamed.</summary>
    internal static Action<string>? BeforeRename { get; set; }

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
        RemoveStaleTempFiles(full);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = secret ? OwnerOnly : OwnerAllOthersRead;
            }

            FileStream stream;
            lock (Gate)
            {
                // Created and registered together, so a signal handler never misses a temporary file.
                stream = new FileStream(temp, options);
                InFlight.Add(temp);
            }

            using (stream)
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            BeforeRename?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            lock (Gate)
            {
                InFlight.Remove(temp);
            }

            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Creates a folder readable only by its owner (on Unix) when it does not exist yet, and every missing folder
    /// above it the same way (Directory.CreateDirectory would give those the default 0755).
    /// </summary>
    public static void EnsureDirectory(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (Directory.Exists(full))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return;
        }

        var missing = new Stack<string>();
        for (var current = full; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var folder))
        {
            try
            {
                Directory.CreateDirectory(folder, OwnerOnlyFolder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Another process created it first.
            }
        }
    }

    /// <summary>
    /// Registers handlers for the signals that end the process (SIGTERM, SIGHUP, SIGQUIT) which delete the temporary
    /// files of writes under way, after letting them finish for up to 2 s. Null on Windows. Dispose to unregister.
    /// </summary>
    public static IDisposable? RemoveTempFilesOnSignals()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var registrations = new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => AbandonWritesInFlight(SignalGrace)))
            .ToList();
        return new Registrations(registrations);
    }

    /// <summary>
    /// Waits up to <paramref name="grace"/> for the writes under way to finish, then deletes the temporary files of any
    /// still running (their rename then fails and the old file stays as it was).
    /// </summary>
    internal static void AbandonWritesInFlight(TimeSpan grace)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (Gate)
            {
                if (InFlight.Count == 0 || clock.Elapsed >= grace)
                {
                    foreach (var temp in InFlight)
                    {
                        TryDelete(temp);
                    }

                    return;
                }
            }

            Thread.Sleep(10);
        }
    }

    /// <summary>Deletes ".NAME.PID.GUID.tmp" files beside <paramref name="path"/> whose process is no longer running.</summary>
    internal static void RemoveStaleTempFiles(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var prefix = $".{Path.GetFileName(path)}.";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, "*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var candidate in candidates)
        {
            var name = Path.GetFileName(candidate);
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            // The rest is "PID.GUID.tmp" with a 32-digit GUID; anything else is not ours.
            var parts = name[prefix.Length..].Split('.');
            if (parts.Length != 3 || parts[2] != "tmp" || parts[1].Length != 32 || !Guid.TryParseExact(parts[1], "N", out _)
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            TryDelete(candidate);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return true; // can't tell: keep the file
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next write retries stale files.
        }
    }

    private sealed class Registrations(List<PosixSignalRegistration> registrations) : IDisposable
    {
        public void Dispose() => registrations.ForEach(r => r.Dispose());
    }
}
