using System.Text.Json;

namespace Keyman.Tests.Cli.Commands;

public sealed class DoctorCommandTests
{
    [Fact]
    public async Task JsonListsEveryCheckAndFailsWithoutAConfig()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        var code = await cli.RunAsync("doctor", "--json", "--no-invoke");

        Assert.NotEqual(0, code);
        using var json = JsonDocument.Parse(cli.Out);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.NotEmpty(checks);
        Assert.All(checks, c =>
        {
            Assert.False(string.IsNullOrEmpty(c.GetProperty("name").GetString()));
            Assert.Contains(c.GetProperty("status").GetString(), new[] { "PASS", "WARN", "FAIL", "SKIP" });
            Assert.True(c.TryGetProperty("detail", out _));
            Assert.True(c.TryGetProperty("fix", out _));
        });
        Assert.Contains(checks, c => c.GetProperty("status").GetString() == "FAIL" && c.GetProperty("fix").GetString() is { Length: > 0 });
    }

    [Fact]
    public async Task AfterALoginTheChainPasses()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        await cli.LogInForBedrockAsync();

        var code = await cli.RunAsync("doctor", "--profile", "bedrock");

        Assert.True(code == 0, cli.ToString());
        var lines = cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches("^(PASS|WARN|SKIP)  ", l));
        Assert.DoesNotContain('\u001b', cli.Out);
    }
}
