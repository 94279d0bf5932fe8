using System.Runtime.InteropServices;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>
/// scripts/release.sh for this machine's platform: the Native AOT archive and the dotnet tool package are what a user
/// downloads; their checksums verify, the archive's binary runs under both names, and the tool installs from a local feed.
/// </summary>
public sealed class ReleaseScriptTests
{
    [Fact]
    public async Task TheHostsArchiveAndTheToolPackageInstallAndRun()
    {
        Assert.True(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.OSArchitecture == Architecture.X64, "the test checks the linux-x64 archive");
        await using var world = await World.StartAsync();
        var root = KeymanProcess.RepositoryRoot;
        var release = Path.Combine(root, "artifacts", "release");
        var env = new Dictionary<string, string>(world.Env)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH")!,
            ["DOTNET_CLI_HOME"] = world.Home,
            ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".nuget", "packages"),
        };

        var run = await KeymanProcess.RunFileAsync("/bin/bash", [Path.Combine(root, "scripts", "release.sh"), "linux-x64", "win-x64"], env, TimeSpan.FromMinutes(20));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("skipped win-x64: Native AOT builds it on Windows", run.StdOut);
        var sums = await KeymanProcess.RunFileAsync("/bin/bash", ["-c", "cd \"$0\" && sha256sum -c SHA256SUMS", release], env, TimeSpan.FromSeconds(30));
        Assert.True(sums.ExitCode == 0, sums.ToString());
        Assert.Contains("keyman-1.0.0-linux-x64.tar.gz: OK", sums.StdOut);
        Assert.Contains("keyman.1.0.0.nupkg: OK", sums.StdOut);

        var unpacked = Path.Combine(world.Home, "unpacked");
        Directory.CreateDirectory(unpacked);
        var tar = await KeymanProcess.RunFileAsync("/bin/tar", ["-xzf", Path.Combine(release, "keyman-1.0.0-linux-x64.tar.gz"), "-C", unpacked], env, TimeSpan.FromSeconds(30));
        Assert.True(tar.ExitCode == 0, tar.ToString());
        foreach (var name in new[] { "keyman", "aws_okta_keyman" })
        {
            var version = await KeymanProcess.RunFileAsync(Path.Combine(unpacked, "keyman-1.0.0-linux-x64", name), ["--version"], world.Env, TimeSpan.FromSeconds(20));
            Assert.True(version.ExitCode == 0 && version.StdOut.Trim() == "1.0.0", version.ToString());
        }

        // The tool, from the release folder only (a nuget.config that clears every other source).
        var config = Path.Combine(world.Home, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="release" value="{release}" /></packageSources></configuration>
            """);
        var tools = Path.Combine(world.Home, "tools");
        var install = await KeymanProcess.RunFileAsync("dotnet", ["tool", "install", "keyman", "--version", "1.0.0", "--tool-path", tools, "--configfile", config], env, TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.ToString());
        var tool = await KeymanProcess.RunFileAsync(Path.Combine(tools, "keyman"), ["--version"], world.Env, TimeSpan.FromSeconds(60));
        Assert.True(tool.ExitCode == 0 && tool.StdOut.Trim() == "1.0.0", tool.ToString());
    }
}
