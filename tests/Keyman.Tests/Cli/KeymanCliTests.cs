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
        var help = args[0].StartsWith('-') ? "keyman" : "keyman " + args[0];
        Assert.All(cli.ErrorLines, l => Assert.EndsWith($"Fix: see '{help} --help'.", l, StringComparison.Ordinal));
        Assert.Equal(string.Empty, cli.Out);
    }

    [Theory]
    [InlineData(new[] { "--duration", "x" }, "--duration must be a whole number of seconds, not 'x'. Fix: see 'keyman --help'.")]
    [InlineData(new[] { "env", "-du", "1.5" }, "--duration must be a whole number of seconds, not '1.5'. Fix: see 'keyman env --help'.")]
    [InlineData(new[] { "--duratoin", "3600" }, "(did you mean '--duration'?). Fix: see 'keyman --help'.")]
    [InlineData(new[] { "exce", "--", "ls" }, "(did you mean 'exec'?). Fix: see 'keyman --help'.")]
    [InlineData(new[] { "env", "--fromat", "fish" }, "(did you mean '--format'?). Fix: see 'keyman env --help'.")]
    [InlineData(new[] { "bedrock", "modls" }, "(did you mean 'models'?). Fix: see 'keyman bedrock --help'.")]
    public async Task ParseErrorsArePlainWordsWithDidYouMeanAndTheSubcommandsHelp(string[] args, string ending)
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(2, await cli.RunAsync(args));

        Assert.Contains(cli.ErrorLines, l => l.EndsWith(ending, StringComparison.Ordinal));
        Assert.DoesNotContain("System.", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("'3600'", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("'fish'", cli.Error, StringComparison.Ordinal);
        Assert.All(cli.ErrorLines, l => Assert.Matches("Fix: see 'keyman( [a-z-]+)* --help'\\.$", l));
    }

    [Fact]
    public async Task HelpNamesWhatANumberFlagCounts()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync("--help"));
        Assert.Contains("--duration <seconds>", cli.Out, StringComparison.Ordinal);
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
