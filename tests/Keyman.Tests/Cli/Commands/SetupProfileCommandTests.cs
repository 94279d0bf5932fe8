namespace Keyman.Tests.Cli.Commands;

public sealed class SetupProfileCommandTests
{
    [Fact]
    public async Task WritesTheProfileWithThisBinaryAsCredentialProcess()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        cli.WithConfig("org: acme", "region: eu-central-1");

        var code = await cli.RunAsync("setup-profile", "work");

        Assert.True(code == 0, cli.ToString());
        var config = File.ReadAllText(cli.AwsConfigPath);
        Assert.Contains("[profile work]", config, StringComparison.Ordinal);
        Assert.Contains("credential_process = /opt/keyman/bin/keyman credential-process --profile work", config, StringComparison.Ordinal);
        Assert.Contains("region = eu-central-1", config, StringComparison.Ordinal);
        Assert.Contains($"Wrote [profile work] to {cli.AwsConfigPath}", cli.Error, StringComparison.Ordinal);
        Assert.Contains("Try it: aws sts get-caller-identity --profile work", cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task ABadKeymanConfigIsExitCode10AndNothingIsWritten()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        cli.WithConfig("duration: lots");

        var code = await cli.RunAsync("setup-profile", "work");

        Assert.Equal(10, code);
        Assert.Single(cli.ErrorLines);
        Assert.False(File.Exists(cli.AwsConfigPath));
    }
}
