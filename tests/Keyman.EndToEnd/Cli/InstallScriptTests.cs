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

    [Fact]
    public async Task TheReadmesByHandStepsWorkInAFreshHome()
    {
        // The README's "By hand" block as written, but for its build line (the binary under test is already built).
        var readme = await File.ReadAllTextAsync(Path.Combine(KeymanProcess.RepositoryRoot, "README.md"));
        var from = readme.IndexOf("By hand it is:", StringComparison.Ordinal);
        Assert.True(from > 0, "the README's Install has a by-hand block");
        var block = readme[(readme.IndexOf("```bash\n", from, StringComparison.Ordinal) + 8)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        var steps = string.Join('\n', block.Split('\n').Where(l => !l.StartsWith("bash scripts/publish.sh", StringComparison.Ordinal)))
            .Replace("artifacts/publish/keyman", $"'{KeymanProcess.Binary}'", StringComparison.Ordinal);
        await using var world = await World.StartAsync();
        Assert.False(Directory.Exists(Path.Combine(world.Home, ".local")));
        var env = new Dictionary<string, string>(world.Env) { ["PATH"] = "/usr/local/bin:/usr/bin:/bin" };

        var run = await KeymanProcess.RunFileAsync("/bin/bash", ["-euo", "pipefail", "-c", steps], env, TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 0, steps + "\n" + run);
        foreach (var name in new[] { "keyman", "aws_okta_keyman" })
        {
            var version = await KeymanProcess.RunFileAsync(Path.Combine(world.Home, ".local", "bin", name), ["--version"], world.Env, TimeSpan.FromSeconds(20));
            Assert.True(version.ExitCode == 0, version.ToString());
        }
    }
}
