using System.Diagnostics;
using Keyman.Core;

namespace Keyman.Tests;

/// <summary>Runs alone: the signal hook acts on every write of the process.</summary>
[CollectionDefinition(nameof(AtomicFileTests), DisableParallelization = true)]
public sealed class AtomicFileCollection;

[Collection(nameof(AtomicFileTests))]
public sealed class AtomicFileTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-atomic-").FullName;

    public void Dispose()
    {
        AtomicFile.BeforeRename = null;
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Missing_folders_are_all_created_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var deep = Path.Combine(_dir, "a", "b", "c");
        AtomicFile.Replace(Path.Combine(deep, "file"), "x"u8, secret: true);

        foreach (var folder in new[] { Path.Combine(_dir, "a"), Path.Combine(_dir, "a", "b"), deep })
        {
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(folder));
        }
    }

    [Fact]
    public void A_terminating_signal_during_the_write_removes_the_temporary_file_and_keeps_the_old_one()
    {
        var path = Path.Combine(_dir, "credentials");
        File.WriteAllText(path, "old");
        string? temp = null;
        AtomicFile.BeforeRename = t =>
        {
            temp = t;
            AtomicFile.AbandonWritesInFlight(TimeSpan.Zero); // what the SIGTERM handler does once its grace is over
        };

        Assert.ThrowsAny<IOException>(() => AtomicFile.Replace(path, "new secret"u8, secret: true));

        Assert.NotNull(temp);
        Assert.False(File.Exists(temp));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["credentials"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_terminating_signal_lets_a_write_under_way_finish_first()
    {
        var path = Path.Combine(_dir, "credentials");
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        AtomicFile.BeforeRename = _ =>
        {
            writing.Set();
            release.Wait();
        };
        var write = Task.Run(() => AtomicFile.Replace(path, "new"u8, secret: true));
        Assert.True(writing.Wait(TimeSpan.FromSeconds(10)));

        var signal = Task.Run(() => AtomicFile.AbandonWritesInFlight(TimeSpan.FromSeconds(10)));
        await Task.Delay(100);
        Assert.False(signal.IsCompleted); // it waits for the write
        release.Set();
        await write;
        await signal.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Temporary_files_of_dead_processes_are_removed_and_others_kept()
    {
        var path = Path.Combine(_dir, "credentials");
        var dead = Path.Combine(_dir, $".credentials.{DeadPid()}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(_dir, $".credentials.1.{Guid.NewGuid():N}.tmp"); // pid 1 always runs
        var mine = Path.Combine(_dir, $".credentials.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var other = Path.Combine(_dir, $".config.{DeadPid()}.{Guid.NewGuid():N}.tmp");
        var notOurs = Path.Combine(_dir, ".credentials.123.notaguid.tmp");
        foreach (var file in new[] { dead, live, mine, other, notOurs })
        {
            File.WriteAllText(file, "secret");
        }

        AtomicFile.Replace(path, "new"u8, secret: true);

        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(mine));
        Assert.True(File.Exists(other)); // another file's temporaries are that file's writer's business
        Assert.True(File.Exists(notOurs));
    }

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
