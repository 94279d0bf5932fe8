namespace Keyman.Tests.Cli.Commands;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task WithoutAnOrgItIsExit10AndPrintsNoVariables()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        var code = await cli.RunAsync("serve");

        Assert.Equal(10, code);
        Assert.Single(cli.ErrorLines);
        Assert.DoesNotContain("AWS_CONTAINER", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFlagItDoesNotHaveIsAUsageError()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        var code = await cli.RunAsync("serve", "--port-number", "8080");

        Assert.Equal(2, code);
        Assert.Contains("serve --help", cli.Error, StringComparison.Ordinal);
    }
}
