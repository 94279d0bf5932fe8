using System.Text.Json;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>keyman setup claude-code against a settings file that already holds other things, twice, and with --dry-run.</summary>
public sealed class SetupClaudeCodeTests
{
    private const string Original = """
        {
            "model": "opus",
            "permissions": {
                "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
                "deny": []
            },
            "env": {
                "FOO": "keep me",
                "AWS_REGION": "eu-west-1"
            },
            "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo hi"}]}]},
            "cleanupPeriodDays": 20
        }

        """;

    [Fact]
    public async Task Merges_the_bedrock_keys_keeps_everything_else_and_a_rerun_changes_nothing()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var settings = Path.Combine(world.Home, ".claude", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, Original);

        var dry = await world.RunAsync("setup", "claude-code", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(Original, await File.ReadAllTextAsync(settings));
        Assert.False(File.Exists(settings + ".bak"));
        Assert.Contains("-        \"AWS_REGION\": \"eu-west-1\"", dry.StdOut);
        Assert.Contains("+        \"AWS_REGION\": \"us-east-1\",", dry.StdOut);
        Assert.Contains("+        \"CLAUDE_CODE_USE_BEDROCK\": \"1\",", dry.StdOut);

        var before = await world.LastSeqAsync();
        var run = await world.RunAsync("setup", "claude-code");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Sandbox answer", run.StdOut); // it ended by asking the chosen model
        Assert.Equal(Original, await File.ReadAllTextAsync(settings + ".bak"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(settings + ".bak"));

        var written = await File.ReadAllTextAsync(settings);
        using var json = JsonDocument.Parse(written);
        var env = json.RootElement.GetProperty("env");
        Assert.Equal("1", env.GetProperty("CLAUDE_CODE_USE_BEDROCK").GetString());
        Assert.Equal("bedrock", env.GetProperty("AWS_PROFILE").GetString());
        Assert.Equal("us-east-1", env.GetProperty("AWS_REGION").GetString());
        Assert.Equal("keep me", env.GetProperty("FOO").GetString());
        var model = env.GetProperty("ANTHROPIC_MODEL").GetString()!;
        var haiku = env.GetProperty("ANTHROPIC_DEFAULT_HAIKU_MODEL").GetString()!;
        Assert.Equal("us.anthropic.claude-sonnet-4-5-20250929-v1:0", model);
        Assert.Equal("us.anthropic.claude-haiku-4-5-20251001-v1:0", haiku);
        Assert.Equal($"{KeymanProcess.Binary} -n default", json.RootElement.GetProperty("awsAuthRefresh").GetString());

        // Outside the merged keys, byte for byte: the same text once the changed lines are put back.
        var expected = Original
            .Replace("\"AWS_REGION\": \"eu-west-1\"\n", $"\"AWS_REGION\": \"us-east-1\",\n        \"CLAUDE_CODE_USE_BEDROCK\": \"1\",\n        \"AWS_PROFILE\": \"bedrock\",\n        \"ANTHROPIC_MODEL\": \"{model}\",\n        \"ANTHROPIC_DEFAULT_HAIKU_MODEL\": \"{haiku}\"\n", StringComparison.Ordinal)
            .Replace("\"cleanupPeriodDays\": 20\n", $"\"cleanupPeriodDays\": 20,\n    \"awsAuthRefresh\": \"{KeymanProcess.Binary} -n default\"\n", StringComparison.Ordinal);
        Assert.Equal(expected, written);

        // The IDs written were invoked just before, through Converse.
        var invoked = (await world.RequestsAsync("bedrock-runtime", before)).Select(e => Uri.UnescapeDataString(e.GetProperty("path").GetString()!)).ToList();
        Assert.Contains($"/model/{model}/converse", invoked);
        Assert.Contains($"/model/{haiku}/converse", invoked);

        var again = await world.RunAsync("setup", "claude-code");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already has these settings; nothing written", again.StdErr);
        Assert.Equal(written, await File.ReadAllTextAsync(settings));
        Assert.Equal(Original, await File.ReadAllTextAsync(settings + ".bak"));
    }

    [Fact]
    public async Task A_malformed_settings_file_is_refused_naming_the_line_and_project_settings_are_separate()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var settings = Path.Combine(world.Home, ".claude", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        const string broken = "{\n  \"model\": \"opus\",\n  \"env\": {\n    \"A\": \"b\",\n  }\n}\n";
        await File.WriteAllTextAsync(settings, broken);

        var run = await world.RunAsync("setup", "claude-code");
        Assert.Equal(10, run.ExitCode);
        Assert.Contains("line 5 is not valid JSON", run.StdErr);
        Assert.Equal(broken, await File.ReadAllTextAsync(settings));
        Assert.False(File.Exists(settings + ".bak"));

        var project = Directory.CreateDirectory(Path.Combine(world.Home, "project")).FullName;
        var inProject = await KeymanProcess.RunInDirectoryAsync(project, ["setup", "claude-code", "--project"], world.Env);
        Assert.True(inProject.ExitCode == 0, inProject.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(project, ".claude", "settings.json")));
        Assert.Equal("bedrock", json.RootElement.GetProperty("env").GetProperty("AWS_PROFILE").GetString());
        Assert.Equal(broken, await File.ReadAllTextAsync(settings));
    }
}
