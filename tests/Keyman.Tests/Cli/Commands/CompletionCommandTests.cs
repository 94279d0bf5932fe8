namespace Keyman.Tests.Cli.Commands;

public sealed class CompletionCommandTests
{
    [Theory]
    [InlineData("bash", "complete -o default -F _keyman_complete keyman aws_okta_keyman")]
    [InlineData("zsh", "compdef _keyman_complete keyman aws_okta_keyman")]
    [InlineData("fish", "complete -c aws_okta_keyman -f -a '(__keyman_complete)'")]
    [InlineData("powershell", "Register-ArgumentCompleter -Native -CommandName keyman, aws_okta_keyman")]
    public async Task PrintsTheShellsScriptOnStdoutAndNothingElse(string shell, string registration)
    {
        await using var cli = await CliTestHost.OfflineAsync();

        var code = await cli.RunAsync("completion", shell);

        Assert.True(code == 0, cli.ToString());
        Assert.Contains(registration, cli.Out, StringComparison.Ordinal);
        Assert.Contains("[suggest:", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", cli.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Error);
    }

    [Fact]
    public async Task AShellItDoesNotKnowIsAUsageErrorNamingTheChoices()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        var code = await cli.RunAsync("completion", "tcsh");

        Assert.Equal(2, code);
        Assert.Contains("tcsh", cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }
}
