using System.Text.Json;

namespace Keyman.Tests.Cli.Commands;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BedrockChatCommandTests
{
    [Fact]
    public async Task AnswersEachLineOfAPipeAndSavesTheTranscriptPrivately()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();
        var transcript = Path.Combine(cli.Home, "chat.json");

        var code = await cli.RunAsync(["bedrock", "chat", "--profile", "bedrock", "--system", "Be brief", "--save", transcript], "What is Keyman?\nAnd Okta?\n");

        Assert.True(code == 0, cli.ToString());
        Assert.Contains("What is Keyman?", cli.Out, StringComparison.Ordinal);
        Assert.Contains("And Okta?", cli.Out, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(transcript));
        using var saved = JsonDocument.Parse(File.ReadAllText(transcript));
        Assert.Contains("What is Keyman?", saved.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("And Okta?", saved.RootElement.GetRawText(), StringComparison.Ordinal);
    }
}
