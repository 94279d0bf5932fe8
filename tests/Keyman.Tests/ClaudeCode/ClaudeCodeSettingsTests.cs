using Keyman.Core;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.ClaudeCode;

namespace Keyman.Tests.ClaudeCode;

public class ClaudeCodeSettingsTests
{
    private static readonly ClaudeCodeBedrockConfig Config =
        new("bedrock", "us-east-1", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "/usr/bin/keyman -n default", null);

    private static AwsProfilePlan Plan(string? credentialProcess, bool chained) => new(
        "bedrock", "AWS_PROFILE", "us-east-1", "profile", "/c", "/k", chained ? "default" : "bedrock", null,
        chained ? [new AwsRoleLink("bedrock", "arn:aws:iam::111111111111:role/my-bedrock-role", "default", null, null, null)] : [],
        credentialProcess);

    [Fact]
    public void The_user_file_honours_CLAUDE_CONFIG_DIR_and_the_project_file_is_under_the_folder()
    {
        Assert.Equal("/home/t/.claude/settings.json", ClaudeCodeSettings.PathFor(new DictionaryEnvironment(new Dictionary<string, string>(), "/home/t"), null));
        Assert.Equal("/cfg/settings.json", ClaudeCodeSettings.PathFor(new DictionaryEnvironment(new Dictionary<string, string> { ["CLAUDE_CONFIG_DIR"] = "/cfg" }, "/home/t"), null));
        Assert.Equal("/src/app/.claude/settings.json", ClaudeCodeSettings.PathFor(new DictionaryEnvironment(new Dictionary<string, string>(), "/home/t"), "/src/app"));
    }

    [Fact]
    public void A_keyman_credential_process_profile_gets_awsCredentialExport_and_a_chain_gets_awsAuthRefresh()
    {
        Assert.Equal((null, "/opt/keyman credential-process --profile dev --format claude-export"),
            ClaudeCodeModels.Hooks(Plan("/opt/keyman credential-process --profile dev", chained: false), "/opt/keyman"));
        Assert.Equal(("/opt/keyman -n default", null), ClaudeCodeModels.Hooks(Plan(null, chained: true), "/opt/keyman"));
        Assert.Equal(("'/opt/my tools/keyman' -n default", null), ClaudeCodeModels.Hooks(Plan("/x credential-process", chained: true), "/opt/my tools/keyman"));
    }

    [Fact]
    public void Writing_keeps_a_backup_owner_only_and_a_malformed_file_is_refused_untouched()
    {
        var folder = Directory.CreateTempSubdirectory("keyman-claude-").FullName;
        var path = Path.Combine(folder, "settings.json");
        File.WriteAllText(path, "{\n  \"theme\": \"dark\"\n}\n");
        var change = ClaudeCodeSettings.Plan(path, Config);
        Assert.True(change.Changed);
        ClaudeCodeSettings.Write(change);
        Assert.Equal("{\n  \"theme\": \"dark\"\n}\n", File.ReadAllText(path + ".bak"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path + ".bak"));
        }

        Assert.False(ClaudeCodeSettings.Plan(path, Config).Changed);

        File.WriteAllText(path, "{\n  \"a\": [1,\n}\n");
        var refused = Assert.Throws<KeymanException>(() => ClaudeCodeSettings.Plan(path, Config));
        Assert.Equal(ExitCodes.Config, refused.ExitCode);
        Assert.Contains("line 3 is not valid JSON", refused.Message, StringComparison.Ordinal);
        Assert.Single(refused.Message.Split('\n'));
    }
}
