using System.Diagnostics;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// Nothing read from or written to the wrong place: no home folder never means the current folder, special files are
/// refused before anything hangs or is replaced, a broken credentials file is told before the password, and temporary
/// files of killed runs do not pile up.
/// </summary>
public sealed class HomeAndFileSafetyTests
{
    private const int NoHomeFolder = 9;
    private const int CredentialsFile = 23;

    private static async Task<World> NomfaAsync()
    {
        var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        return world;
    }

    [Theory]
    [InlineData("/nonexistent-keyman-home")]
    [InlineData("not-a-folder-here")]
    [InlineData("sub")]
    [InlineData("/etc/hostname")]
    public async Task AHomeThatIsMissingOrRelativeIsRefusedAndTheCurrentFolderIsNeverUsed(string home)
    {
        await using var world = await NomfaAsync();
        // A planted config in the current folder: were it read, the password would go to the org it names.
        var cwd = Path.Combine(world.Home, "cwd");
        Directory.CreateDirectory(Path.Combine(cwd, ".config"));
        Directory.CreateDirectory(Path.Combine(cwd, "sub", ".config"));
        File.Copy(world.ConfigPath, Path.Combine(cwd, ".config", "aws_okta_keyman.yml"));
        File.Copy(world.ConfigPath, Path.Combine(cwd, "sub", ".config", "aws_okta_keyman.yml"));
        world.Env["HOME"] = home;
        world.Env["USERPROFILE"] = home;
        world.Env.Remove("AWS_CONFIG_FILE");

        var run = await KeymanProcess.RunInDirectoryAsync(cwd, [], world.Env);

        Assert.True(run.ExitCode == NoHomeFolder, run.ToString());
        var errors = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errors);
        Assert.Contains($"HOME is '{home}'", run.StdErr);
        Assert.False(Directory.Exists(Path.Combine(cwd, ".aws")), "wrote ./.aws in the current folder");
        Assert.False(Directory.Exists(Path.Combine(cwd, "sub", ".aws")), "wrote ./sub/.aws in the current folder");
        Assert.Empty(await world.RequestsAsync("okta"));
    }

    [Fact]
    public async Task AFifoAsTheCredentialsFileIsRefusedBeforeThePasswordAndLeftInPlace()
    {
        await using var world = await NomfaAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(world.CredentialsPath)!);
        MakeFifo(world.CredentialsPath);

        var clock = Stopwatch.StartNew();
        var run = await world.RunAsync([]);

        Assert.True(run.ExitCode == CredentialsFile, run.ToString());
        Assert.Contains("FIFO", run.StdErr);
        Assert.DoesNotContain(Answer.PasswordPromptText, run.StdErr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(IsFifo(world.CredentialsPath), "the FIFO was replaced");
    }

    [Fact]
    public async Task ALinkToASpecialFileIsRefusedAndNotReplaced()
    {
        await using var world = await NomfaAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(world.CredentialsPath)!);
        var fifo = Path.Combine(world.Home, "pipe");
        MakeFifo(fifo);
        File.CreateSymbolicLink(world.CredentialsPath, fifo);

        var run = await world.RunAsync([]);

        Assert.True(run.ExitCode == CredentialsFile, run.ToString());
        Assert.Contains("FIFO", run.StdErr);
        Assert.True(IsFifo(fifo), "the FIFO behind the link was replaced");
        Assert.Equal(fifo, new FileInfo(world.CredentialsPath).LinkTarget);
    }

    [Fact]
    public async Task AGarbageCredentialsFileIsToldBeforeThePasswordWithTheCredentialsFileCode()
    {
        await using var world = await NomfaAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(world.CredentialsPath)!);
        const string garbage = "this is not an AWS credentials file\n[default]\naws_access_key_id = AKIAKEEP\n";
        File.WriteAllText(world.CredentialsPath, garbage);

        var run = await world.RunAsync([]);

        Assert.True(run.ExitCode == CredentialsFile, run.ToString());
        Assert.Contains("line 1", run.StdErr);
        Assert.DoesNotContain(Answer.PasswordPromptText, run.StdErr);
        Assert.Equal(garbage, File.ReadAllText(world.CredentialsPath));
        Assert.Empty(await world.RequestsAsync("okta"));
    }

    [Fact]
    public async Task TemporaryFilesOfKilledRunsAreRemovedByTheNextWriteAndThoseOfLiveOnesKept()
    {
        await using var world = await NomfaAsync();
        var folder = Path.GetDirectoryName(world.CredentialsPath)!;
        Directory.CreateDirectory(folder);
        var dead = Path.Combine(folder, $".credentials.{DeadPid()}.{Guid.NewGuid():N}.tmp");
        var live = Path.Combine(folder, $".credentials.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var unrelated = Path.Combine(folder, ".credentials.notes.tmp");
        foreach (var file in new[] { dead, live, unrelated })
        {
            File.WriteAllText(file, "[default]\naws_secret_access_key = left-by-a-killed-run\n");
        }

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(dead), "the dead run's temporary file is still there");
        Assert.True(File.Exists(live), "a live run's temporary file was removed");
        Assert.True(File.Exists(unrelated), "a file Keyman did not name was removed");
    }

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static bool IsFifo(string path)
    {
        using var test = Process.Start(new ProcessStartInfo("test", ["-p", path]) { UseShellExecute = false })!;
        test.WaitForExit();
        return test.ExitCode == 0;
    }
}
