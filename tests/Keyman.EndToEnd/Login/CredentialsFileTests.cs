using System.Text;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>The AWS credentials file: only the target profile changes, atomically, 0600, and parallel runs lose nothing.</summary>
public sealed class CredentialsFileTests
{
    private static async Task<World> NomfaAsync()
    {
        var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        return world;
    }

    [Fact]
    public async Task OnlyTheTargetProfileChangesAndEverythingElseStaysByteForByte()
    {
        await using var world = await NomfaAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(world.CredentialsPath)!);
        const string before = "# my AWS keys; keep this comment\r\n[personal]\r\naws_access_key_id = AKIAPERSONAL00000000\r\naws_secret_access_key = keep-me\r\n\r\n; a second comment\r\n[work]\r\naws_access_key_id = OLD\r\naws_secret_access_key = OLD\r\naws_session_token = OLD\r\n\r\n[ci]\r\nregion=eu-west-1\r\n";
        File.WriteAllText(world.CredentialsPath, before);

        var run = await world.RunAsync(["-n", "work"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());

        var after = File.ReadAllText(world.CredentialsPath);
        var head = before[..before.IndexOf("[work]", StringComparison.Ordinal)];
        var tail = before[before.IndexOf("[ci]", StringComparison.Ordinal)..];
        Assert.StartsWith(head, after);
        Assert.EndsWith(tail, after);
        var work = world.Profile("work")!;
        Assert.NotEqual("OLD", work["aws_access_key_id"]);
        Assert.StartsWith("ASIA", work["aws_access_key_id"]);
        Assert.Equal("keep-me", world.Profile("personal")!["aws_secret_access_key"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(world.CredentialsPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(world.CredentialsPath)!, "*.tmp"));
    }

    [Fact]
    public async Task AwsSharedCredentialsFileIsHonoured()
    {
        await using var world = await NomfaAsync();
        var custom = Path.Combine(world.Home, "elsewhere", "creds");
        world.Env["AWS_SHARED_CREDENTIALS_FILE"] = custom;
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(custom, run.StdErr);
        Assert.Contains("[default]", File.ReadAllText(custom));
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task ScreenPrintsTheKeysToStdoutAndWritesNothing()
    {
        await using var world = await NomfaAsync();
        var run = await world.RunAsync(["--screen"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("AWS_ACCESS_KEY_ID = ASIA", lines[0]);
        Assert.StartsWith("AWS_SECRET_ACCESS_KEY = ", lines[1]);
        Assert.StartsWith("AWS_SESSION_TOKEN = ", lines[2]);
        Assert.False(File.Exists(world.CredentialsPath));
        Assert.DoesNotContain(lines[1].Split(" = ")[1], run.StdErr);
    }

    [Fact]
    public async Task ParallelRunsWritingDifferentProfilesLoseNone()
    {
        await using var world = await NomfaAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(world.CredentialsPath)!);
        File.WriteAllText(world.CredentialsPath, "[existing]\naws_access_key_id = AKIAEXISTING\n");
        var names = Enumerable.Range(1, 8).Select(i => $"p{i}").ToList();

        var runs = await Task.WhenAll(names.Select(n => world.RunAsync(["-n", n], Answer.With(Answer.PasswordPrompt, World.Password))));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        foreach (var name in names)
        {
            Assert.StartsWith("ASIA", world.Profile(name)!["aws_access_key_id"]);
        }

        Assert.Equal("AKIAEXISTING", world.Profile("existing")!["aws_access_key_id"]);
        Assert.Equal(9, File.ReadAllLines(world.CredentialsPath).Count(l => l.StartsWith('[')));
    }

    [Fact]
    public async Task UnwritableCredentialsFileFailsCleanlyAndLeavesItAlone()
    {
        await using var world = await NomfaAsync();
        // A directory where the file should be: no write can succeed, whoever runs the test (root included).
        Directory.CreateDirectory(world.CredentialsPath);
        var run = await world.RunAsync([]); // refused before the password is asked
        Assert.Equal(23, run.ExitCode);
        Assert.Contains(world.CredentialsPath, run.StdErr);
        Assert.Contains("Fix:", run.StdErr);
        Assert.True(Directory.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task ThePasswordIsWrittenNowhere()
    {
        await using var world = await NomfaAsync();
        var run = await world.RunAsync(["-w", Path.Combine(world.Home, ".config", "written.yml")], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        var password = Encoding.UTF8.GetBytes(World.Password);
        foreach (var file in Directory.EnumerateFiles(world.Home, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.True(bytes.AsSpan().IndexOf(password) < 0, $"the password is in {file}");
        }
    }
}
