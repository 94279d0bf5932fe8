using System.Text.Json;
using System.Text.RegularExpressions;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Delivery;

/// <summary><c>keyman status</c> and <c>keyman logout</c> on a headless machine (the cache files), against the sandbox.</summary>
public sealed class StatusLogoutTests
{
    private static async Task<World> StartAsync()
    {
        var world = (await World.StartAsync()).WithoutKeychain();
        world.Env["TZ"] = "Asia/Kolkata";   // +05:30: the offset shown is the user's, not UTC's
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        return world;
    }

    [Fact]
    public async Task StatusShowsTheProfilesRolesLocalExpiryAndTheSessionAndNeverASecret()
    {
        await using var world = await StartAsync();
        var login = await world.RunAsync(["--name", "work"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(login.ExitCode == 0, login.ToString());
        var cp = await world.RunAsync("credential-process", "--profile", "dev");
        Assert.True(cp.ExitCode == 0, cp.ToString());

        var before = await world.LastSeqAsync();
        var status = await world.RunAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Empty(await world.RequestsAsync("okta", before));   // offline
        Assert.Matches(new Regex($@"^Okta session of nomfa@example\.com at {Regex.Escape(world.Url)}: alive until (\d{{4}}-\d\d-\d\d )?\d\d:\d\d \+05:30 \(in ", RegexOptions.Multiline), status.StdOut);
        Assert.Matches(new Regex(@"^work +credentials file +arn:aws:iam::111111111111:role/Developer +expires (\d{4}-\d\d-\d\d )?\d\d:\d\d \+05:30, in (59|60) min$", RegexOptions.Multiline), status.StdOut);
        Assert.Matches(new Regex(@"^dev +credential_process cache +arn:aws:iam::111111111111:role/Developer +expires (\d{4}-\d\d-\d\d )?\d\d:\d\d \+05:30, in (59|60) min$", RegexOptions.Multiline), status.StdOut);
        Assert.DoesNotContain(world.Profile("work")!["aws_secret_access_key"], status.StdOut);
        Assert.DoesNotContain(JsonDocument.Parse(cp.StdOut).RootElement.GetProperty("SecretAccessKey").GetString()!, status.StdOut);

        var json = await world.RunAsync("status", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var work = document.RootElement.GetProperty("profiles").EnumerateArray().Single(p => p.GetProperty("profile").GetString() == "work");
        Assert.Equal("arn:aws:iam::111111111111:role/Developer", work.GetProperty("roleArn").GetString());
        Assert.EndsWith("+05:30", work.GetProperty("expires").GetString());
        Assert.True(document.RootElement.GetProperty("oktaSessions")[0].GetProperty("alive").GetBoolean());
        Assert.DoesNotContain(world.Profile("work")!["aws_session_token"], json.StdOut);
    }

    [Fact]
    public async Task LogoutEndsTheOktaSessionWithDeleteAndForgetsTheSessionAndTheCache()
    {
        await using var world = await StartAsync();
        var login = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(login.ExitCode == 0, login.ToString());
        var cp = await world.RunAsync("credential-process", "--profile", "dev");
        Assert.True(cp.ExitCode == 0, cp.ToString());

        var before = await world.LastSeqAsync();
        var logout = await world.RunAsync("logout");
        Assert.True(logout.ExitCode == 0, logout.ToString());
        var okta = await world.RequestsAsync("okta", before);
        var delete = Assert.Single(okta, e => e.GetProperty("method").GetString() == "DELETE");
        Assert.Equal("/api/v1/sessions/me", delete.GetProperty("path").GetString());
        Assert.Equal(204, delete.GetProperty("status").GetInt32());
        Assert.Contains($"Ended the Okta session of nomfa@example.com at {world.Url}", logout.StdOut);
        Assert.Contains("Forgot the cached credential_process credentials of profile dev", logout.StdOut);

        // Forgotten: the cache files are gone, and the next login and credential_process call start afresh.
        var cache = Path.Combine(world.Home, ".cache", "keyman");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache, "keyman-okta-session")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache, "keyman-credentials")));
        var again = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains(Answer.PasswordPromptText, again.StdErr);
        Assert.DoesNotContain("Reusing the Okta session", again.StdErr);

        // Logging out twice: the second says there was nothing, and a session Okta had ended gets 404, said so.
        await world.PostControlAsync("sessions/expire");
        var after = await world.LastSeqAsync();
        var ended = await world.RunAsync("logout");
        Assert.True(ended.ExitCode == 0, ended.ToString());
        Assert.Contains("had already ended", ended.StdOut);
        Assert.Equal(404, (await world.RequestsAsync("okta", after)).Single(e => e.GetProperty("method").GetString() == "DELETE").GetProperty("status").GetInt32());
    }
}
