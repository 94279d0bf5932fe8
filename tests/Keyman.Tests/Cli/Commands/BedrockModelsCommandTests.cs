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
    public async Task TheTableIsNotWrappedNorColouredWhenPiped()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        var code = await cli.RunAsync("bedrock", "models", "--profile", "bedrock");

        Assert.True(code == 0, cli.ToString());
        Assert.Contains("Foundation models in us-east-1", cli.Out, StringComparison.Ordinal);
        var firstModel = cli.Out.Split('\n').First(l => l.Contains("anthropic.claude", StringComparison.Ordinal));
        // One row a model: the ID and whether it needs an inference profile are on the same line.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(firstModel, @"anthropic\.claude\S+\s.*\s(yes|no)\s"), cli.Out);
        Assert.DoesNotContain('\u001b', cli.Out);
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
