using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>Duo's 2026 single-page Universal Prompt (data-authkey, /prompt/{akey}/ JSON) behind Okta Classic's Duo factor.</summary>
public sealed class DuoSinglePageTests
{
    private static async Task<World> AsAsync(string user)
    {
        var world = await World.StartAsync();
        world.WithConfig($"username: {user}", "appid: 0oa1dev2AbCdEfGh/272");
        return world;
    }

    private static async Task<List<string>> DuoPathsAsync(World world) =>
        (await world.RequestsAsync("duo")).Select(e => e.GetProperty("path").GetString()!).ToList();

    [Fact]
    public async Task VerifiedPushSignsInThroughTheSinglePagePrompt()
    {
        await using var world = await AsAsync("duospa@example.com");
        var run = await world.RunAsync(["-d", "push"], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Duo Push sent to iOS (+X XXX-XXX-5678); approve it on your phone", run.StdErr);
        Assert.Contains("enter 512 in Duo Mobile", run.StdErr);
        Assert.StartsWith("ASIA", world.Profile("default")!["aws_access_key_id"]);
        var paths = await DuoPathsAsync(world);
        Assert.Contains("/prompt/DAKSANDBOXOKTA000001/auth/factors/push/status", paths);
        Assert.Contains("/prompt/DAKSANDBOXOKTA000001/auth/finalize_auth", paths);
        Assert.DoesNotContain("/frame/v4/prompt", paths);
    }

    [Fact]
    public async Task ThePhoneCallIsAnswered()
    {
        await using var world = await AsAsync("duospa@example.com");
        var run = await world.RunAsync(["-d", "call"], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Calling iOS (+X XXX-XXX-5678)", run.StdErr);
    }

    [Fact]
    public async Task AWrongPasscodeIsAskedAgainThenTheRightOneWorks()
    {
        await using var world = await AsAsync("duospa@example.com");
        var run = await world.RunAsync(["-d", "passcode"],
            Answer.With(Answer.PasswordPrompt, World.Password),
            Answer.With("Duo passcode: $", "111111"),
            Answer.With(@"Duo did not accept the passcode[^\n]*\n(?s).*Duo passcode: $", "246810"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("246810", run.StdErr);
    }

    [Theory]
    [InlineData("push", 14, "Duo Push was denied")]
    [InlineData("call", 15, "Duo lists no device capable of Duo phone call")]
    public async Task FailuresEndInOneLineWithAFix(string method, int exitCode, string words)
    {
        await using var world = await AsAsync("duospadeny@example.com");
        var run = await world.RunAsync(["-d", method], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Contains(words, run.StdErr);
        Assert.Contains("Fix:", run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }
}
