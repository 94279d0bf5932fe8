using System.Text.Json;

namespace Keyman.Tests.Cli.Commands;

public sealed class CredentialProcessCommandTests
{
    [Fact]
    public async Task PrintsVersion1JsonAndPromptsOnlyOnTheTerminal()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");
        cli.TerminalInput = CliTestHost.Password + "\n";

        // stdin belongs to the SDK: an answer there must not be read.
        var code = await cli.RunAsync(["credential-process", "--profile", "work"], "not-the-password\n");

        Assert.True(code == 0, cli.ToString());
        using var json = JsonDocument.Parse(cli.Out);
        Assert.Equal(1, json.RootElement.GetProperty("Version").GetInt32());
        Assert.StartsWith("ASIA", json.RootElement.GetProperty("AccessKeyId").GetString(), StringComparison.Ordinal);
        Assert.True(json.RootElement.TryGetProperty("Expiration", out _));
        Assert.False(File.Exists(cli.CredentialsPath));
    }

    [Fact]
    public async Task WithoutATerminalItFailsWithAHintInsteadOfWaiting()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");

        var code = await cli.RunAsync(["credential-process", "--profile", "work"], CliTestHost.Password + "\n");

        Assert.Equal(2, code);
        Assert.Contains("cannot prompt (no terminal)", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task ClaudeExportPrintsTheCredentialsObjectFromTheSameCache()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");
        cli.TerminalInput = CliTestHost.Password + "\n";

        var code = await cli.RunAsync(["credential-process", "--profile", "work", "--format", "claude-export"]);

        Assert.True(code == 0, cli.ToString());
        using var json = JsonDocument.Parse(cli.Out);
        var credentials = json.RootElement.GetProperty("Credentials");
        Assert.StartsWith("ASIA", credentials.GetProperty("AccessKeyId").GetString(), StringComparison.Ordinal);
        Assert.False(json.RootElement.TryGetProperty("Version", out _));
        Assert.Equal(4, credentials.EnumerateObject().Count());
    }

    [Fact]
    public async Task AnUnknownFormatIsAUsageError()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(2, await cli.RunAsync("credential-process", "--profile", "work", "--format", "yaml"));
    }

    [Fact]
    public async Task TheProfileIsRequired()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(2, await cli.RunAsync("credential-process"));
        Assert.Contains("--profile", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
    }
}
