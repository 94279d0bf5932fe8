using System.Diagnostics;
using Keyman.Core;

namespace Keyman.Tests;

public sealed class RegularFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-regular-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Kinds_are_told_apart_through_links()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var file = Path.Combine(_dir, "file");
        File.WriteAllText(file, "x");
        var fifo = Path.Combine(_dir, "fifo");
        MakeFifo(fifo);
        var link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, fifo);

        Assert.Equal(FileKind.Regular, RegularFile.KindOf(file));
        Assert.Equal(FileKind.Directory, RegularFile.KindOf(_dir));
        Assert.Equal(FileKind.Fifo, RegularFile.KindOf(fifo));
        Assert.Equal(FileKind.Fifo, RegularFile.KindOf(link));
        Assert.Equal(FileKind.CharacterDevice, RegularFile.KindOf("/dev/zero"));
        Assert.Equal(FileKind.Missing, RegularFile.KindOf(Path.Combine(_dir, "none")));
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("fifo", "a FIFO")]
    [InlineData(".", "a directory")]
    public async Task Special_files_are_refused_without_blocking(string name, string kind)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.IsPathRooted(name) ? name : Path.Combine(_dir, name);
        if (name == "fifo")
        {
            MakeFifo(path);
        }

        var read = Task.Run(() => RegularFile.ReadAllBytes(path, 1024, "the test file", ExitCodes.Config));
        var error = await Assert.ThrowsAsync<KeymanException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(ExitCodes.Config, error.ExitCode);
        Assert.Contains(kind, error.Message);
        Assert.StartsWith("The test file", error.Message);
    }

    [Fact]
    public void A_file_over_the_cap_is_refused_and_one_at_the_cap_read()
    {
        var path = Path.Combine(_dir, "big");
        File.WriteAllBytes(path, new byte[1025]);
        var error = Assert.Throws<KeymanException>(() => RegularFile.ReadAllBytes(path, 1024, "the test file", ExitCodes.CredentialsFile));
        Assert.Equal(ExitCodes.CredentialsFile, error.ExitCode);
        Assert.Contains("larger than 1024 bytes", error.Message);

        File.WriteAllBytes(path, new byte[1024]);
        Assert.Equal(1024, RegularFile.ReadAllBytes(path, 1024, "the test file", ExitCodes.CredentialsFile)!.Length);
        Assert.Null(RegularFile.ReadAllBytes(Path.Combine(_dir, "none"), 1024, "the test file", ExitCodes.CredentialsFile));
    }

    [Fact]
    public void Text_keeps_the_byte_order_mark_rules_of_File_ReadAllText()
    {
        var path = Path.Combine(_dir, "bom");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, (byte)'a', 0xC3, 0xA9]);
        Assert.Equal(File.ReadAllText(path), RegularFile.ReadAllText(path, 100, "x", ExitCodes.Config));
    }

    internal static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
