using System.Runtime.InteropServices;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>
/// scripts/release.sh for this machine's platform: the Native AOT archive and the dotnet tool package are what a user
/// downloads; their checksums verify, the archive's binary runs under both names, and the tool installs from a local feed.
/// The default five-platform list is checked with --list, which decides exactly as a real run does but builds nothing.
/// </summary>
public sealed class ReleaseScriptTests
{
    private static readonly string Script = Path.Combine(KeymanProcess.RepositoryRoot, "scripts", "release.sh");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheDefaultListBuildsWhatThisHostCanAndNamesWhereTheRestAreBuilt(bool crossToolchain)
    {
        Assert.True(RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.OSArchitecture == Architecture.X64, "the test checks a linux-x64 host");
        // A PATH with only the tools --list uses, plus (or not) the two commands that make up the arm64 cross toolchain.
        var bin = Directory.CreateTempSubdirectory("keyman-release-path-").FullName;
        try
        {
            foreach (var tool in new[] { "uname", "sed", "head", "dirname" })
            {
                File.CreateSymbolicLink(Path.Combine(bin, tool), Which(tool));
            }

            if (crossToolchain)
            {
                foreach (var tool in new[] { "clang", "aarch64-linux-gnu-gcc" })
                {
                    File.CreateSymbolicLink(Path.Combine(bin, tool), Which("true"));
                }
            }

            var artifacts = Path.Combine(KeymanProcess.RepositoryRoot, "artifacts", "release");
            var before = Directory.Exists(artifacts) ? Directory.GetFiles(artifacts).Length : -1;
            var run = await KeymanProcess.RunFileAsync("/bin/bash", [Script, "--list"], new Dictionary<string, string> { ["PATH"] = bin }, TimeSpan.FromSeconds(30));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(
                new[]
                {
                    "build linux-x64",
                    crossToolchain ? "build linux-arm64"
                        : "skipped linux-arm64: this linux-x64 host has no arm64 cross toolchain (install clang, lld, gcc-aarch64-linux-gnu and libc6-dev-arm64-cross)",
                    "skipped osx-arm64: Native AOT builds it on macOS; this host is linux-x64",
                    "skipped osx-x64: Native AOT builds it on macOS; this host is linux-x64",
                    "skipped win-x64: Native AOT builds it on Windows; this host is linux-x64",
                },
                run.StdOut.TrimEnd('\n').Split('\n'));
            Assert.Equal(string.Empty, run.StdErr);
            Assert.Equal(before, Directory.Exists(artifacts) ? Directory.GetFiles(artifacts).Length : -1); // --list builds and removes nothing
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    private static string Which(string tool) =>
        new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? throw new InvalidOperationException($"{tool} not found");

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

        var run = await KeymanProcess.RunFileAsync("/bin/bash", [Script, "linux-x64", "win-x64"], env, TimeSpan.FromMinutes(20));

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
