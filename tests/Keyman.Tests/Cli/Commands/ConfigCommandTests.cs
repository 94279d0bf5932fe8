namespace Keyman.Tests.Cli.Commands;

public sealed class ConfigCommandTests
{
    [Fact]
    public async Task AsksAndWritesTheFile()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        var target = Path.Combine(cli.Home, "keyman.yml");

        // org (plain http first, refused), username, one app + name, blank ends the apps, role, region.
        var answers = "http://acme.okta.com\nacme\nalice\n0oa1dev2AbCdEfGh/272\nDev\n\nAdmin\neu-west-1\n";
        var code = await cli.RunAsync(["config", "-c", target], answers);

        Assert.True(code == 0, cli.ToString());
        var yaml = File.ReadAllText(target);
        Assert.Contains("org: acme", yaml, StringComparison.Ordinal);
        Assert.Contains("username: alice", yaml, StringComparison.Ordinal);
        Assert.Contains("0oa1dev2AbCdEfGh/272", yaml, StringComparison.Ordinal);
        Assert.Contains("role: Admin", yaml, StringComparison.Ordinal);
        Assert.Contains("region: eu-west-1", yaml, StringComparison.Ordinal);
        Assert.Contains($"Config file written to {target}. Please rerun Keyman", cli.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, cli.Out);
    }

    [Fact]
    public async Task InputEndingEarlyIsAUsageErrorAndWritesNothing()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        var target = Path.Combine(cli.Home, "keyman.yml");

        var code = await cli.RunAsync(["config", "-c", target], "acme\n");

        Assert.Equal(2, code);
        Assert.Contains("standard input ended", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task APastedAppLinkIsWrittenAsTheAppId()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        var target = Path.Combine(cli.Home, "keyman.yml");

        var answers = "acme\nalice\nhttps://acme.okta.com/home/amazon_aws/0oa1dev2AbCdEfGh/272?fromHome=true\nDev\n\n\n\n";
        Assert.True(await cli.RunAsync(["config", "-c", target], answers) == 0, cli.ToString());

        var yaml = File.ReadAllText(target);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"^ *(- )?appid: 0oa1dev2AbCdEfGh/272$", System.Text.RegularExpressions.RegexOptions.Multiline), yaml);
        Assert.DoesNotContain("amazon_aws", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("fromHome", yaml, StringComparison.Ordinal);
    }
}
