using System.Text.Json;

namespace Keyman.Tests.Cli.Commands;

public sealed class BedrockAskCommandTests
{
    [Fact]
    public async Task PrintsTheAnswerToAQuestionReadFromStdin()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        var code = await cli.RunAsync(["bedrock", "ask", "--profile", "bedrock", "-"], "What is Keyman?\n");

        Assert.True(code == 0, cli.ToString());
        Assert.Contains("What is Keyman?", cli.Out, StringComparison.Ordinal);
        Assert.Contains("(INFO) Using model ", cli.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model-id")]
    [InlineData("--model")]
    [InlineData("-m")]
    public async Task EverySpellingOfTheModelOptionPicksTheModel(string flag)
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        // A base ID that only an inference profile serves: the failure names that model and the profile to use instead.
        var code = await cli.RunAsync("bedrock", "ask", "--profile", "bedrock", flag, "anthropic.claude-sonnet-4-5-20250929-v1:0", "Say hello");

        Assert.Equal(36, code);
        Assert.Contains("us.anthropic.claude-sonnet-4-5-20250929-v1:0", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("Using model", cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task StreamPrintsTheWholeAnswer()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        var code = await cli.RunAsync("bedrock", "ask", "--profile", "bedrock", "--stream", "Say hello");

        Assert.True(code == 0, cli.ToString());
        Assert.Contains("Say hello", cli.Out, StringComparison.Ordinal);
        Assert.EndsWith("\n", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawPrintsBedrocksJson()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        var code = await cli.RunAsync("bedrock", "ask", "--profile", "bedrock", "--raw", "Say hello");

        Assert.True(code == 0, cli.ToString());
        using var json = JsonDocument.Parse(cli.Out);
        Assert.Equal("message", json.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ControlSequencesInAnAnswerAreDefusedOnATerminalOnly()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();
        const string hostile = "hi \u001b]52;c;ZWNobyBwd25lZA==\u0007 \u001b[2J";

        cli.OutputIsTerminal = true;
        Assert.Equal(0, await cli.RunAsync("bedrock", "ask", "--profile", "bedrock", hostile));
        Assert.DoesNotContain('\u001b', cli.Out);
        Assert.DoesNotContain('\u0007', cli.Out);
        Assert.Contains("\u241b]52;c;", cli.Out, StringComparison.Ordinal);

        // Into a pipe or file the answer is kept as sent.
        cli.OutputIsTerminal = false;
        Assert.Equal(0, await cli.RunAsync("bedrock", "ask", "--profile", "bedrock", hostile));
        Assert.Contains("\u001b]52;c;", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoQuestionIsAUsageError()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        var code = await cli.RunAsync(["bedrock", "ask", "--profile", "bedrock"], "  \n");

        Assert.Equal(2, code);
        Assert.Contains("No question to ask", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RawAndStreamTogetherAreRefusedBeforeAnyCall()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(2, await cli.RunAsync("bedrock", "ask", "--raw", "--stream", "hi"));
        Assert.Contains("--raw and --stream can't be combined", cli.Error, StringComparison.Ordinal);
    }
}
