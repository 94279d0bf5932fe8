using System.Runtime.InteropServices;

namespace Keyman.Core.Config;

/// <summary>
/// What a path names, asked before opening it: opening a FIFO for reading blocks until someone writes to it, and a
/// device such as /dev/zero never ends, so a config (or any file Keyman reads whole) must be a regular file.
/// </summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,

    /// <summary>A FIFO, socket or device.</summary>
    Special,
}

internal static partial class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;

    /// <summary>The kind of file at <paramref name="path"/>, following symbolic links.</summary>
    public static FileKind Of(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        }

        var mode = Mode(path);
        return mode switch
        {
            null => FileKind.Missing,
            _ when (mode & TypeMask) == RegularType => FileKind.Regular,
            _ when (mode & TypeMask) == DirectoryType => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    private static unsafe int? Mode(string path)
    {
        // The runtime's own portable stat (the one FileInfo uses) returns a FileStatus whose second int is the
        // mode with the POSIX S_IFMT bits on every Unix; .NET has no public API for the file type. The buffer is
        // larger than the struct so that a later field added to it cannot overrun.
        var status = stackalloc byte[512];
        return Stat(path, status) == 0 ? *(int*)(status + sizeof(int)) : null;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* status);
}
