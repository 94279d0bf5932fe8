using System.Diagnostics;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Tests.Support;

namespace Keyman.Tests.Config;

/// <summary>Hostile or mistaken config files: each is refused with one line and the config exit code, never a crash or a hang.</summary>
public sealed class ConfigLimitsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-config-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static KeymanException Refused(Func<object> action)
    {
        var e = Assert.Throws<KeymanException>(action);
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.DoesNotContain('\n', e.Message);
        Assert.NotNull(e.Hint);
        return e;
    }

    [Theory]
    [InlineData(70_000)]
    [InlineData(65)]
    public void DeepNestingIsRefusedBeforeItCanExhaustTheStack(int depth)
    {
        // 70,000 levels in 140 KB crashed every command with a stack overflow (a segfault under Native AOT).
        var path = Path.Combine(_dir, "deep.yml");
        File.WriteAllText(path, "org: " + new string('[', depth) + new string(']', depth) + "\n");
        var stopwatch = Stopwatch.StartNew();
        var e = Refused(() => ConfigFile.Load(path, new RecordingLog()));
        Assert.Contains("deeper than 64 levels", e.Message);
        Assert.Contains("line 1", e.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), stopwatch.Elapsed.ToString());
    }

    [Fact]
    public void DeepBlockNestingIsRefusedToo()
    {
        var yaml = string.Concat(Enumerable.Range(0, 100).Select(i => new string(' ', i) + "a:\n"));
        Assert.Contains("deeper than 64", Refused(() => ConfigFile.Parse(yaml, "c.yml", new RecordingLog())).Message);
    }

    [Fact]
    public void SixtyFourLevelsAreStillRead()
    {
        var config = ConfigFile.Parse("org: acme\nfuture: " + new string('[', 63) + new string(']', 63) + "\n", "c.yml", new RecordingLog());
        Assert.Equal("acme", config.Org);
    }

    [Fact]
    public void AFileLargerThanOneMebibyteIsRefused()
    {
        var path = Path.Combine(_dir, "big.yml");
        File.WriteAllText(path, "org: acme\n# " + new string('x', ConfigFile.MaxBytes) + "\n");
        Assert.Contains("larger than 1 MiB", Refused(() => ConfigFile.Load(path, new RecordingLog())).Message);
    }

    [Fact]
    public void AFileJustUnderTheCapIsRead()
    {
        var path = Path.Combine(_dir, "padded.yml");
        var padding = "# " + new string('x', ConfigFile.MaxBytes - 100) + "\n";
        File.WriteAllText(path, padding + "org: acme\n");
        Assert.Equal("acme", ConfigFile.Load(path, new RecordingLog()).Org);
    }

    [Fact]
    public void DevZeroIsRefusedWithoutReadingIt()
    {
        Assert.Contains("not a regular file", Refused(() => ConfigFile.Load("/dev/zero", new RecordingLog())).Message);
    }

    [Fact]
    public async Task AFifoIsRefusedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(_dir, "config.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var load = Task.Run(() => ConfigFile.Load(fifo, new RecordingLog()));
        var finished = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(10)));
        if (finished != load)
        {
            // Unblock the reader so the test run can end, then fail.
            await File.WriteAllTextAsync(fifo, "org: x\n");
            Assert.Fail("Loading a FIFO as the config waited for a writer.");
        }

        var e = await Assert.ThrowsAsync<KeymanException>(() => load);
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains("not a regular file", e.Message);
    }

    [Fact]
    public void AFolderIsRefusedNotTakenForAMissingFile()
    {
        Assert.Contains("is a folder", Refused(() => ConfigFile.Load(_dir, new RecordingLog())).Message);
    }

    [Fact]
    public void WritingOverASpecialFileIsRefused()
    {
        Refused(() =>
        {
            ConfigFile.Write("/dev/null", new KeymanConfig { Org = "acme" });
            return 0;
        });
    }
}
