namespace Keyman.Tests.Cli.Commands;

public sealed class EnvCommandTests
{
    [Fact]
    public async Task FishFormatPrintsSetGxLines()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}", "region: eu-west-1");

        var code = await cli.RunAsync(["env", "--format", "fish"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        var lines = cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("set -gx AWS_ACCESS_KEY_ID ", StringComparison.Ordinal) && l.Contains("ASIA", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("set -gx AWS_SECRET_ACCESS_KEY ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("set -gx AWS_SESSION_TOKEN ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("set -gx AWS_REGION ", StringComparison.Ordinal) && l.Contains("eu-west-1", StringComparison.Ordinal));
        Assert.Equal(["set -e AWS_PROFILE;", "set -e AWS_DEFAULT_PROFILE;"], lines[..2]);
        Assert.All(lines, l => Assert.StartsWith("set ", l, StringComparison.Ordinal));
        Assert.False(File.Exists(cli.CredentialsPath));
    }

    [Fact]
    public async Task AnUnknownFormatIsAUsageErrorBeforeAnyPrompt()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(2, await cli.RunAsync("env", "--format", "tcsh"));
        Assert.DoesNotContain("password", cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }
}
