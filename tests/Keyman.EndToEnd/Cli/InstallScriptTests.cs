using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>scripts/install.sh on a fresh home folder: ~/.local/bin created, both names runnable, and the PATH hint.</summary>
public sealed class InstallScriptTests
{
    [Fact]
    public async Task InstallsIntoAFreshHomeAndSaysHowToReachIt()
    {
        await using var world = await World.StartAsync();
        var script = Path.Combine(KeymanProcess.RepositoryRoot, "scripts", "install.sh");
        var env = new Dictionary<string, string>(world.Env)
        {
            ["KEYMAN_BIN"] = KeymanProcess.Binary,
            ["SHELL"] = "/bin/bash",
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        };

        var run = await KeymanProcess.RunFileAsync("/bin/bash", [script], env, TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString());
        var bin = Path.Combine(world.Home, ".local", "bin");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(Path.Combine(bin, "keyman")));
        Assert.Contains($"export PATH=\"{bin}:$PATH\"", run.StdOut);
        Assert.Contains("source <(keyman completion bash)", run.StdOut);
        foreach (var name in new[] { "keyman", "aws_okta_keyman" })
        {
            var version = await KeymanProcess.RunFileAsync(Path.Combine(bin, name), ["--version"], world.Env, TimeSpan.FromSeconds(20));
            Assert.True(version.ExitCode == 0, version.ToString());
        }

        // Run again with the folder on PATH: the binary is replaced in place and no PATH hint is given.
        env["PATH"] = bin + ":/usr/bin:/bin";
        var again = await KeymanProcess.RunFileAsync("/bin/bash", [script], env, TimeSpan.FromSeconds(60));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("Add it to your PATH", again.StdOut);
    }
}
