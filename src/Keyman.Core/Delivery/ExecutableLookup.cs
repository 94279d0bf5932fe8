namespace Keyman.Core.Delivery;

/// <summary>
/// Finds the program a command name means, the way execvp does, so that .NET's own search (on Unix: the executable's
/// folder, then the current directory, then PATH; on Windows CreateProcess's, which also tries the current directory)
/// never runs a file planted in the current directory with the user's AWS credentials. A name with a directory
/// separator is used as given; a bare name is looked up in PATH only. Empty and relative PATH entries are skipped
/// (they would mean the current directory again), as Go's exec.LookPath refuses them since Go 1.19.
/// </summary>
public static class ExecutableLookup
{
    /// <summary>What execvp searches when PATH is unset (glibc's confstr(_CS_PATH) plus /usr/local/bin).</summary>
    private const string DefaultUnixPath = "/usr/local/bin:/usr/bin:/bin";

    private const string DefaultPathExt = ".COM;.EXE;.BAT;.CMD";

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>True when <paramref name="name"/> names a path (it has a directory separator) rather than a program to look up.</summary>
    public static bool HasDirectory(string name) =>
        name.Contains('/', StringComparison.Ordinal)
        || (OperatingSystem.IsWindows() && (name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal)));

    /// <summary>The program to start for <paramref name="name"/> with this process's PATH (and PATHEXT on Windows); null if none.</summary>
    public static string? Find(string name) =>
        Find(name, Environment.GetEnvironmentVariable("PATH"), Environment.GetEnvironmentVariable("PATHEXT"));

    /// <summary>
    /// <paramref name="name"/> itself when it has a directory separator; otherwise the absolute path of the first
    /// regular file named so in an absolute <paramref name="searchPath"/> entry that has an execute bit (on Windows:
    /// the name, then the name with each <paramref name="pathExt"/> extension). Null when there is none.
    /// </summary>
    public static string? Find(string name, string? searchPath, string? pathExt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (HasDirectory(name))
        {
            return name;
        }

        var windows = OperatingSystem.IsWindows();
        var directories = (searchPath ?? (windows ? string.Empty : DefaultUnixPath)).Split(Path.PathSeparator);
        var extensions = windows
            ? (string.IsNullOrWhiteSpace(pathExt) ? DefaultPathExt : pathExt).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        foreach (var entry in directories)
        {
            var directory = windows ? entry.Trim('"') : entry;
            if (directory.Length == 0 || !Path.IsPathFullyQualified(directory))
            {
                continue;
            }

            var candidate = Path.Join(directory, name);
            if (windows)
            {
                if (Path.HasExtension(name) && File.Exists(candidate))
                {
                    return candidate;
                }

                foreach (var extension in extensions)
                {
                    if (File.Exists(candidate + extension))
                    {
                        return candidate + extension;
                    }
                }
            }
            else if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.Exists(path);
        }

        try
        {
            // File.Exists is false for directories; the mode is that of the file a symbolic link points to.
            return File.Exists(path) && (File.GetUnixFileMode(path) & AnyExecute) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
