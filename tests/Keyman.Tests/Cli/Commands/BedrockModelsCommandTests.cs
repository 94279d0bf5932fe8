namespace Keyman.Tests.Cli.Commands;

public sealed class BedrockModelsCommandTests
{
    [Fact]
    public async Task PlainListsOneClaudeModelIdALine()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        var code = await cli.RunAsync("bedrock", "models", "--plain", "--profile", "bedrock");

        Assert.True(code == 0, cli.ToString());
        var lines = cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(@"^anthropic\.claude[\w.:-]+$", l));
    }

    [Fact]
    public async Task PipedItIsTabSeparatedWithTheIdToUseFirstAndNoColourNorBoxes()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();
        cli.Env.Remove("NO_COLOR");

        var code = await cli.RunAsync("bedrock", "models", "--profile", "bedrock");

        Assert.True(code == 0, cli.ToString());
        var lines = cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Model ID to use\tName\tStatus", lines[0]);
        Assert.Contains("us.anthropic.claude-3-5-sonnet-20241022-v2:0\tClaude 3.5 Sonnet v2\tACTIVE", lines);
        Assert.All(lines, l => Assert.Equal(2, l.Count(c => c == '\t')));
        Assert.DoesNotContain('\u001b', cli.Out);
        Assert.DoesNotMatch(@"[\u2500-\u257f]", cli.Out);
    }

    [Theory]
    [InlineData("40")]
    [InlineData("200")]
    public async Task OnATerminalTheIdsAreWholeWhateverItsWidth(string columns)
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();
        cli.OutputIsTerminal = true;
        cli.Env["COLUMNS"] = columns;

        var code = await cli.RunAsync("bedrock", "models", "--profile", "bedrock");

        Assert.True(code == 0, cli.ToString());
        var lines = cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Foundation models in us-east-1", lines[0]);
        Assert.StartsWith("Model ID to use", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^us\.anthropic\.claude-sonnet-4-5-20250929-v1:0( |$)"));
        Assert.DoesNotContain('\t', cli.Out);
        Assert.Equal(columns == "200", cli.Out.Contains("Claude Sonnet 4.5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingProfileIsOneLineWithItsExitCode()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();

        var code = await cli.RunAsync("bedrock", "models", "--profile", "nowhere");

        Assert.Equal(4, code);
        Assert.Contains("nowhere", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }
}
