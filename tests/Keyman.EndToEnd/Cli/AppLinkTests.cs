using System.Text.RegularExpressions;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>A full Okta app link, pasted where the app ID goes, is reduced to the app ID: in keyman config, -a and the file.</summary>
public sealed class AppLinkTests
{
    private static readonly Regex AppIdLine = new(@"^ *(- )?appid: 0oa1dev2AbCdEfGh/272$", RegexOptions.Multiline);

    [Fact]
    public async Task ConfigWritesTheAppIdOfAPastedLink()
    {
        await using var world = await World.StartAsync();
        var run = await world.RunAsync(["config"],
            Answer.With(@"Okta org[^\n]*: $", world.Url),
            Answer.With(@"Username[^\n]*: $", "nomfa@example.com"),
            Answer.With(@"App ID[^\n]*: $", $"{world.Url}/home/amazon_aws/0oa1dev2AbCdEfGh/272?fromHome=true"),
            Answer.With(@"Account name[^\n]*: $", "Dev"),
            Answer.With(@"App ID[^\n]*: $", string.Empty),
            Answer.With(@"Role[^\n]*: $", string.Empty),
            Answer.With(@"region[^\n]*: $", string.Empty));
        Assert.True(run.ExitCode == 0, run.ToString());
        var yaml = File.ReadAllText(world.ConfigPath);
        Assert.Matches(AppIdLine, yaml);
        Assert.DoesNotContain("amazon_aws", yaml);

        // The file logs in as written.
        var login = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(login.ExitCode == 0, login.ToString());
    }

    [Fact]
    public async Task TheAppFlagTakesALinkAndSavesTheAppId()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com");
        var written = Path.Combine(world.Home, ".config", "written.yml");
        var run = await world.RunAsync(["-a", $"{world.Url}/home/amazon_aws/0oa1dev2AbCdEfGh/272?fromHome=true", "-w", written], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Using account: 0oa1dev2AbCdEfGh/272", run.StdErr);
        Assert.Matches(AppIdLine, File.ReadAllText(written));
    }
}
