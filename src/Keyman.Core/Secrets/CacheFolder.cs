namespace Keyman.Core.Secrets;

/// <summary>
/// Keyman's cache folder: $XDG_CACHE_HOME/keyman when that is an absolute path (the XDG rule), else ~/.cache/keyman.
/// Short-lived things live there: the Okta engine per org, and on machines without an OS keychain the Okta session
/// and the credential_process cache (<see cref="CacheFileStore"/>). The folder is the owner's only (0700).
/// </summary>
public static class CacheFolder
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string Resolve(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = environment.Get("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(environment.HomeDirectory, ".cache");
        return Path.Combine(root, "keyman");
    }

    /// <summary>The folder as the user would type it: "~/.cache/keyman" under the home folder, else the full path.</summary>
    public static string Display(string folder, IEnvironment environment)
    {
        var home = environment.HomeDirectory.TrimEnd(Path.DirectorySeparatorChar);
        return folder.StartsWith(home + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? "~" + folder[home.Length..]
            : folder;
    }

    /// <summary>
    /// Creates <paramref name="folder"/> (and missing parents) 0700, and takes group and other access away from a
    /// folder that already exists with it (an older Keyman made ~/.cache/keyman with the default mode).
    /// </summary>
    public static void EnsurePrivate(string folder)
    {
        AtomicFile.EnsureDirectory(folder);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(folder);
        if ((mode & ~OwnerOnlyFolder) != 0)
        {
            File.SetUnixFileMode(folder, mode & OwnerOnlyFolder);
        }
    }
}
