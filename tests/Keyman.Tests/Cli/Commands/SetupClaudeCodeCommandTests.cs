namespace Keyman.Tests.Cli.Commands;

public sealed class SetupClaudeCodeCommandTests
{
    [Fact]
    public async Task DryRunPrintsTheChangeAndWritesNothing()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();
        var settings = Path.Combine(cli.Home, ".claude", "settings.json");

        var code = await cli.RunAsync("setup", "claude-code", "--profile", "bedrock", "--dry-run");

        Assert.True(code == 0, cli.ToString());
        Assert.Contains("CLAUDE_CODE_USE_BEDROCK", cli.Out + cli.Error, StringComparison.Ordinal);
        Assert.Contains("\"AWS_PROFILE\": \"bedrock\"", cli.Out + cli.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(settings));
    }

    [Fact]
    public async Task AMalformedSettingsFileIsExit10AndStaysAsItWas()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();
        var settings = Path.Combine(cli.Home, ".claude", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        File.WriteAllText(settings, "{\n  \"model\": \"opus\",\n  oops\n}\n");

        var code = await cli.RunAsync("setup", "claude-code", "--profile", "bedrock");

        Assert.Equal(10, code);
        Assert.Single(cli.ErrorLines);
        Assert.Equal("{\n  \"model\": \"opus\",\n  oops\n}\n", File.ReadAllText(settings));
    }
}
