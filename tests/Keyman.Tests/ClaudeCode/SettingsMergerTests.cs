using Keyman.Core.ClaudeCode;
using Keyman.Core.Ui;

namespace Keyman.Tests.ClaudeCode;

public class SettingsMergerTests
{
    private static readonly KeyValuePair<string, string>[] Env =
    [
        new("CLAUDE_CODE_USE_BEDROCK", "1"),
        new("AWS_PROFILE", "bedrock"),
        new("AWS_REGION", "us-east-1"),
    ];

    private static readonly KeyValuePair<string, string>[] Top = [new("awsAuthRefresh", "keyman -n default")];

    [Fact]
    public void Other_keys_order_indentation_and_trailing_newline_are_kept_byte_for_byte()
    {
        const string before = "{\n    \"model\": \"opus\",\n    \"env\": {\n        \"FOO\": \"bar\",\n        \"AWS_REGION\": \"eu-west-1\"\n    },\n    \"permissions\": {\"allow\": [\"Bash(ls:*)\"]},\n    \"unknownKey\": [1, 2, {\"x\": null}]\n}\n";
        var after = SettingsMerger.Merge(before, "env", Env, Top);
        Assert.Equal(
            "{\n    \"model\": \"opus\",\n    \"env\": {\n        \"FOO\": \"bar\",\n        \"AWS_REGION\": \"us-east-1\",\n        \"CLAUDE_CODE_USE_BEDROCK\": \"1\",\n        \"AWS_PROFILE\": \"bedrock\"\n    },\n    \"permissions\": {\"allow\": [\"Bash(ls:*)\"]},\n    \"unknownKey\": [1, 2, {\"x\": null}],\n    \"awsAuthRefresh\": \"keyman -n default\"\n}\n",
            after);
    }

    [Fact]
    public void Merging_twice_changes_nothing_the_second_time()
    {
        const string before = "{\r\n\t\"theme\": \"dark\"\r\n}";
        var once = SettingsMerger.Merge(before, "env", Env, Top);
        Assert.Equal("{\r\n\t\"theme\": \"dark\",\r\n\t\"env\": {\r\n\t\t\"CLAUDE_CODE_USE_BEDROCK\": \"1\",\r\n\t\t\"AWS_PROFILE\": \"bedrock\",\r\n\t\t\"AWS_REGION\": \"us-east-1\"\r\n\t},\r\n\t\"awsAuthRefresh\": \"keyman -n default\"\r\n}", once);
        Assert.Equal(once, SettingsMerger.Merge(once, "env", Env, Top));
    }

    [Fact]
    public void A_missing_or_empty_file_and_an_empty_env_get_two_space_json()
    {
        Assert.Equal("{\n  \"env\": {\n    \"CLAUDE_CODE_USE_BEDROCK\": \"1\",\n    \"AWS_PROFILE\": \"bedrock\",\n    \"AWS_REGION\": \"us-east-1\"\n  },\n  \"awsAuthRefresh\": \"keyman -n default\"\n}\n",
            SettingsMerger.Merge(null, "env", Env, Top));
        Assert.Equal("{\n  \"env\": {\n    \"AWS_PROFILE\": \"bedrock\"\n  }\n}\n",
            SettingsMerger.Merge("{\n  \"env\": {}\n}\n", "env", [new("AWS_PROFILE", "bedrock")], []));
    }

    [Fact]
    public void A_non_string_value_is_replaced_and_strings_are_escaped()
    {
        var after = SettingsMerger.Merge("{\"env\": {\"CLAUDE_CODE_USE_BEDROCK\": 1}}", "env", [new("CLAUDE_CODE_USE_BEDROCK", "1")], [new("awsAuthRefresh", "\"/opt/my keyman\" -n x")]);
        Assert.Equal("{\"env\": {\"CLAUDE_CODE_USE_BEDROCK\": \"1\"}, \"awsAuthRefresh\": \"\\\"/opt/my keyman\\\" -n x\"}", after);
    }

    [Theory]
    [InlineData("{\n  \"env\": {\n    \"A\": \"b\",\n  }\n}\n", 4)]
    [InlineData("{\n  \"a\": 1\n  \"b\": 2\n}", 3)]
    [InlineData("[1, 2]", 1)]
    [InlineData("{\n  // comment\n  \"a\": 1\n}", 2)]
    [InlineData("{\"a\": 1}\n{", 2)]
    public void Malformed_json_is_refused_with_its_line(string text, int line)
    {
        var ex = Assert.Throws<SettingsFormatException>(() => SettingsMerger.Merge(text, "env", Env, Top));
        Assert.Equal(line, ex.Line);
    }

    [Fact]
    public void The_diff_shows_only_the_changed_lines_with_context()
    {
        const string before = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3,\n  \"d\": 4,\n  \"e\": 5\n}\n";
        var after = before.Replace("\"e\": 5", "\"e\": 6", StringComparison.Ordinal);
        Assert.Equal("--- old\n+++ new\n@@ -4,4 +4,4 @@\n   \"c\": 3,\n   \"d\": 4,\n-  \"e\": 5\n+  \"e\": 6\n }\n", LineDiff.Unified(before, after, "old", "new"));
        Assert.Equal("", LineDiff.Unified(before, before, "old", "new"));
    }
}
