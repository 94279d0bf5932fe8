using System.Diagnostics;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>The config file through the published binary: hostile files fail in one line, and -w edits the user's file in place.</summary>
public sealed class ConfigFileEndToEndTests
{
    [Theory]
    [InlineData("deep", "deeper than 64 levels")]
    [InlineData("fifo", "not a regular file")]
    [InlineData("/dev/zero", "not a regular file")]
    [InlineData("folder", "is a folder")]
    public async Task AHostileConfigIsOneLineAndExit10NotACrashOrAHang(string kind, string words)
    {
        await using var world = await World.StartAsync();
        var path = kind switch
        {
            "deep" => Path.Combine(world.Home, "deep.yml"),
            "fifo" => Path.Combine(world.Home, "config.fifo"),
            "folder" => world.Home,
            _ => kind,
        };
        if (kind == "deep")
        {
            // 70,000 levels in 140 KB: a segmentation fault in every command before the depth limit.
            await File.WriteAllTextAsync(path, "org: " + new string('[', 70_000) + new string(']', 70_000) + "\n");
        }
        else if (kind == "fifo")
        {
            using var mkfifo = Process.Start("mkfifo", [path]);
            await mkfifo.WaitForExitAsync();
        }

        foreach (var args in new[] { new[] { "-c", path }, ["doctor", "-c", path] })
        {
            var run = await world.RunAsync(args);
            Assert.True(run.ExitCode == 10, run.ToString());
            if (args[0] != "doctor" || kind != "folder")
            {
                Assert.Contains(words, run.StdOut + run.StdErr);
            }
        }
    }

    [Fact]
    public async Task WritepathKeepsCommentsUnknownKeysAndTheSymlink()
    {
        await using var world = await World.StartAsync();
        var real = Path.Combine(world.Home, "dotfiles", "aws_okta_keyman.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        await File.WriteAllTextAsync(real, $"# team settings\norg: {world.Url}  # the sandbox\nusername: nomfa@example.com\nappid: 0oa1dev2AbCdEfGh/272\nteam_channel: '#aws'\n");
        File.Delete(world.ConfigPath);
        File.CreateSymbolicLink(world.ConfigPath, real);

        var run = await world.RunAsync(["-re", "eu-west-1", "-D", "-w", world.ConfigPath], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotNull(new FileInfo(world.ConfigPath).LinkTarget);
        Assert.Equal(
            $"# team settings\norg: {world.Url}  # the sandbox\nusername: nomfa@example.com\nappid: 0oa1dev2AbCdEfGh/272\nteam_channel: '#aws'\nregion: eu-west-1\n",
            await File.ReadAllTextAsync(real));
    }

    [Fact]
    public async Task CaBundleMustNameAnExistingFile()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "ca_bundle: ~/corp-ca.pem");
        var run = await world.RunAsync();
        Assert.True(run.ExitCode == 10, run.ToString());
        Assert.Contains($"line 3: 'ca_bundle' names {Path.Combine(world.Home, "corp-ca.pem")}, which does not exist", run.StdErr);

        var flag = await world.RunAsync("--ca-bundle", "~/other.pem");
        Assert.Equal(2, flag.ExitCode);
        Assert.Contains($"--ca-bundle {Path.Combine(world.Home, "other.pem")} does not exist.", flag.StdErr);
    }

    [Fact]
    public async Task CaBundleIsTheTrustForOktaWhenTheSystemDoesNotKnowTheCa()
    {
        await using var world = await World.StartAsync();
        world.Env.Remove("SSL_CERT_FILE"); // the sandbox's CA is now unknown to Keyman's Okta calls
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");

        var untrusted = await world.RunAsync(["-D"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(untrusted.ExitCode == 3, untrusted.ToString());
        Assert.False(File.Exists(world.CredentialsPath));

        var copy = Path.Combine(world.Home, "corp-ca.pem");
        File.Copy(world.CaFile, copy);
        var trusted = await world.RunAsync(["--ca-bundle", "~/corp-ca.pem"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.Contains("aws_access_key_id", await File.ReadAllTextAsync(world.CredentialsPath));
    }
}
