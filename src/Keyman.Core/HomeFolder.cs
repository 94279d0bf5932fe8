using System.Runtime.InteropServices;

namespace Keyman.Core;

/// <summary>
/// The user's home folder as the platform finds it: HOME on Unix (USERPROFILE on Windows), else the user database
/// (getpwuid_r on Unix). It must be an absolute path to an existing folder: Keyman never falls back to the current
/// folder, where a planted config would choose the org that receives the password.
/// </summary>
public static partial class HomeFolder
{
    /// <summary>The variable that names the home folder on this OS.</summary>
    public static string VariableName => OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME";

    /// <summary>The home folder of this process.</summary>
    /// <exception cref="KeymanException">ExitCodes.NoHomeFolder when there is none that can be used.</exception>
    public static string Resolve() =>
        Resolve(Environment.GetEnvironmentVariable(VariableName), VariableName, FromUserDatabase, Directory.Exists);

    /// <summary>
    /// The home folder from <paramref name="variable"/> (the value of <paramref name="variableName"/>) when it is set
    /// and not empty, else from <paramref name="userDatabase"/>; either way absolute and existing.
    /// </summary>
    public static string Resolve(string? variable, string variableName, Func<string?> userDatabase, Func<string, bool> folderExists)
    {
        ArgumentNullException.ThrowIfNull(userDatabase);
        ArgumentNullException.ThrowIfNull(folderExists);
        string home;
        string source;
        if (!string.IsNullOrEmpty(variable))
        {
            home = variable;
            source = $"{variableName} is '{Printable(home)}'";
        }
        else
        {
            home = userDatabase() ?? string.Empty;
            if (home.Length == 0)
            {
                throw new KeymanException(ExitCodes.NoHomeFolder, $"{variableName} is not set and the user database has no home folder for this user",
                    $"Set {variableName} to your home folder (an absolute path).");
            }

            source = $"{variableName} is not set and the user database gives '{Printable(home)}'";
        }

        if (!Path.IsPathFullyQualified(home))
        {
            throw new KeymanException(ExitCodes.NoHomeFolder, $"{source}, a relative path; Keyman needs an absolute home folder",
                $"Set {variableName} to your home folder as an absolute path (e.g. {Example}).");
        }

        if (!folderExists(home))
        {
            throw new KeymanException(ExitCodes.NoHomeFolder, $"{source}, which is not an existing folder",
                $"Create that folder, or set {variableName} to your home folder.");
        }

        return home;
    }

    private static string Example => OperatingSystem.IsWindows() ? @"C:\Users\you" : "/home/you";

    private static string Printable(string value) =>
        new(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    /// <summary>The home folder the user database gives (pw_dir on Unix, the profile folder on Windows), or null.</summary>
    public static string? FromUserDatabase()
    {
        if (OperatingSystem.IsWindows())
        {
            // Environment asks the shell's known-folder API, which does not read USERPROFILE.
            var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
            return profile.Length == 0 ? null : profile;
        }

        return PasswdHome(GetUid());
    }

    private static unsafe string? PasswdHome(uint uid)
    {
        // struct passwd: Linux has name, passwd, uid, gid, gecos, dir; macOS adds pw_change and pw_class before gecos.
        var directoryOffset = OperatingSystem.IsLinux()
            ? Align((2 * IntPtr.Size) + 8) + IntPtr.Size
            : OperatingSystem.IsMacOS() ? (2 * IntPtr.Size) + 8 + 8 + (2 * IntPtr.Size) : -1;
        if (directoryOffset < 0)
        {
            return null;
        }

        var entry = stackalloc byte[256];
        for (var size = 1024; size <= 1024 * 1024; size *= 4)
        {
            var buffer = new byte[size];
            fixed (byte* data = buffer)
            {
                byte* result = null;
                var error = GetPwUidR(uid, entry, data, (nuint)size, &result);
                if (error == Erange)
                {
                    continue;
                }

                if (error != 0 || result == null)
                {
                    return null;
                }

                var directory = *(byte**)(entry + directoryOffset);
                return directory == null ? null : Marshal.PtrToStringUTF8((nint)directory);
            }
        }

        return null;

        static int Align(int offset) => (offset + IntPtr.Size - 1) / IntPtr.Size * IntPtr.Size;
    }

    private const int Erange = 34; // the same on Linux and macOS

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static unsafe partial int GetPwUidR(uint uid, byte* entry, byte* buffer, nuint size, byte** result);
}
