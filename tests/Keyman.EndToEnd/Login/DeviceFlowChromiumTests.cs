using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>The device flow finished as a user does it: the URL Keyman printed, opened in a real (headless) Chromium.</summary>
public sealed partial class DeviceFlowTests
{
    [Fact]
    public async Task DeviceCompletesThroughTheActivationPageInHeadlessChromium()
    {
        await using var world = await OieAsync("push@example.com", FastPassApp);
        string? shown = null;

        var run = await world.RunAsync(["--device"], new Answer(CodeShown, screen =>
        {
            ApproveInChromiumAsync(screen, "push@example.com", text => shown = text).GetAwaiter().GetResult();
            return string.Empty; // nothing to type into Keyman: it polls by itself
        }));

        AssertLoggedIn(world, run);
        Assert.NotNull(shown);
        Assert.Contains("Device activated", shown);
        var paths = await PathsAsync(world);
        Assert.Contains("/activate/consent", paths);
        Assert.Contains("/login/token/sso", paths);
    }

    /// <summary>Opens the printed URL, checks the code Keyman showed is the one on the page, signs in with FastPass and allows access.</summary>
    private static async Task ApproveInChromiumAsync(string screen, string user, Action<string> finalPage)
    {
        var url = PrintedUrl().Matches(screen)[^1].Groups[1].Value;
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.GoToAsync(url);
        var code = await browser.ValueAsync("#user-code");
        Assert.False(string.IsNullOrEmpty(code));
        Assert.Contains(code, screen);
        await browser.ClickAsync("#next");
        await browser.TypeAsync("#username", user);
        await browser.ClickAsync("#fastpass");
        Assert.Contains("Allow Access", await browser.TextAsync());
        await browser.ClickAsync("#allow");
        finalPage(await browser.TextAsync());
    }
}
