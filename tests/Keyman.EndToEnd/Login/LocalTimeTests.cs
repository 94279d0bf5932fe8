using System.Text.RegularExpressions;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>Times in the user's own time zone, with the offset shown (TZ as the user's machine sets it).</summary>
public sealed class LocalTimeTests
{
    [Theory]
    [InlineData("Asia/Kolkata", @"\+05:30")]
    [InlineData("America/St_Johns", "-0[23]:30")]
    public async Task CurrentTimeAndExpiryAreLocalWithTheirOffset(string zone, string offset)
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        world.Env["TZ"] = zone;

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        var now = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(zone));
        Assert.Matches(new Regex(@"\(INFO\) Current time is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d" + offset), run.StdErr);
        Assert.Matches(new Regex(@"\(INFO\) Session expires at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d" + offset), run.StdErr);
        Assert.Contains($"{now:HH}:", run.StdErr); // the log prefix is local too
    }
}
