using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Scenario;

namespace Keyman.Tests.Sandbox;

/// <summary>Okta session reuse: /sessions/me, refresh within idle and absolute lifetimes, expiry and its effect on apps.</summary>
public sealed class DeliverySessionTests : DeliveryTestBase
{
    protected override ScenarioDocument? Scenario
    {
        get
        {
            var scenario = ScenarioDocument.LoadDefault();
            scenario.Settings.SessionIdleSeconds = 600;
            scenario.Settings.SessionMaxSeconds = 1000;
            return scenario;
        }
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> Me(string sid)
    {
        var response = await Get("/api/v1/sessions/me", sid);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static DateTimeOffset Time(JsonNode node, string name) => DateTimeOffset.Parse((string)node[name]!, CultureInfo.InvariantCulture);

    private static void AssertSessionNotFound((HttpStatusCode Status, JsonNode Body) result)
    {
        Assert.Equal(HttpStatusCode.NotFound, result.Status);
        Assert.Equal("E0000007", (string?)result.Body["errorCode"]);
    }

    [Fact]
    public async Task Refresh_extends_by_the_idle_lifetime_but_never_past_the_maximum()
    {
        var sid = await SessionFor();
        var (status, session) = await Me(sid);
        Assert.Equal(HttpStatusCode.OK, status);
        var created = Time(session, "createdAt");
        Assert.Equal(created.AddSeconds(600), Time(session, "expiresAt"));
        Assert.Equal($"{Base}/api/v1/sessions/me/lifecycle/refresh", (string?)session["_links"]!["refresh"]!["href"]);

        // Reading the session is not activity.
        Clock.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal(created.AddSeconds(600), Time((await Me(sid)).Body, "expiresAt"));

        var (refreshStatus, refreshed, _) = await PostJson("/api/v1/sessions/me/lifecycle/refresh", new { }, sid);
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.Equal("ACTIVE", (string?)refreshed["status"]);
        Assert.Equal(sid, (string?)refreshed["id"]);
        Assert.Equal(created.AddSeconds(900), Time(refreshed, "expiresAt"));

        Clock.Advance(TimeSpan.FromSeconds(400));
        var (_, capped, _) = await PostJson("/api/v1/sessions/me/lifecycle/refresh", new { }, sid);
        Assert.Equal(created.AddSeconds(1000), Time(capped, "expiresAt"));

        Clock.Advance(TimeSpan.FromSeconds(300));
        AssertSessionNotFound(await Me(sid));
        var (late, lateBody, _) = await PostJson("/api/v1/sessions/me/lifecycle/refresh", new { }, sid);
        AssertSessionNotFound((late, lateBody));
    }

    [Fact]
    public async Task An_idle_session_expires_and_then_apps_ask_for_login()
    {
        var sid = await SessionFor();
        Clock.Advance(TimeSpan.FromSeconds(599));
        Assert.Equal(HttpStatusCode.OK, (await Me(sid)).Status);
        Clock.Advance(TimeSpan.FromSeconds(1));

        AssertSessionNotFound(await Me(sid));
        var links = await Get("/api/v1/users/me/appLinks", sid);
        Assert.Equal(HttpStatusCode.Forbidden, links.StatusCode);
        Assert.Contains("E0000005", await links.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var page = await Get($"/home/amazon_aws/{DevApp}", sid);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith(Base + "/login/login.htm?fromURI=", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_an_app_restarts_the_idle_timer()
    {
        var sid = await SessionFor();
        var created = Time((await Me(sid)).Body, "createdAt");
        Clock.Advance(TimeSpan.FromSeconds(500));
        await SamlFor(sid, DevApp);
        Assert.Equal(created.AddSeconds(1000), Time((await Me(sid)).Body, "expiresAt")); // min(500 + 600, max 1000)

        Clock.Advance(TimeSpan.FromSeconds(200)); // 700 s: past the first idle limit, within the extended one
        Assert.Equal(HttpStatusCode.OK, (await Me(sid)).Status);
    }

    [Fact]
    public async Task Control_endpoint_ends_every_session()
    {
        var first = await SessionFor();
        var second = await SessionFor();
        var (status, result, _) = await PostJson("/_sandbox/sessions/expire", new { });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, (int)result["expired"]!);

        foreach (var sid in new[] { first, second })
        {
            AssertSessionNotFound(await Me(sid));
            Assert.Equal(HttpStatusCode.Forbidden, (await Get("/api/v1/users/me/appLinks", sid)).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await Get($"/home/amazon_aws/{DevApp}", sid)).StatusCode);
        }

        // A new sign-in is unaffected.
        var fresh = await SessionFor();
        Assert.Equal(HttpStatusCode.OK, (await Me(fresh)).Status);
    }

    [Fact]
    public async Task Deleted_or_unknown_sessions_are_not_found()
    {
        var sid = await SessionFor();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions/me");
        delete.Headers.Add("Cookie", $"sid={sid}");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(delete)).StatusCode);

        var (refresh, body, _) = await PostJson("/api/v1/sessions/me/lifecycle/refresh", new { }, sid);
        AssertSessionNotFound((refresh, body));
        AssertSessionNotFound(await Me("102unknownSessionId000000"));
        var noCookie = await Get("/api/v1/sessions/me");
        Assert.Equal(HttpStatusCode.NotFound, noCookie.StatusCode);
    }
}
