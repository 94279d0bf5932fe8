namespace Keyman.Tests.Cli;

public sealed class KeymanCliTests
{
    [Theory]
    [InlineData("--no-such-flag")]
    [InlineData("--duration", "60")]
    [InlineData("--assume-role", "not-an-arn")]
    [InlineData("bedrock")]
    [InlineData("env", "--format")]
    public async Task ParseErrorsAreExitCode2WithTheHelpHint(params string[] args)
    {
        await using var cli = await CliTestHost.OfflineAsync();

        var code = await cli.RunAsync(args);

        Assert.Equal(2, code);
        Assert.NotEmpty(cli.ErrorLines);
        Assert.All(cli.ErrorLines, l => Assert.EndsWith("Fix: see 'keyman --help'.", l, StringComparison.Ordinal));
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task VersionGoesToStandardOutput()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync("-V"));
        Assert.Matches(@"^\d+\.\d+\.\d+", cli.Out);
    }

    [Fact]
    public async Task HelpListsTheCommandsAndTheOriginalsFlags()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync("--help"));
        foreach (var word in new[] { "--org", "--appid", "--screen", "exec", "env", "credential-process", "setup-profile", "config", "bedrock", "doctor" })
        {
            Assert.Contains(word, cli.Out, StringComparison.Ordinal);
        }
    }
}
