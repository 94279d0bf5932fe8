using System.Net;
using Keyman.Sandbox.Okta;

namespace Keyman.Tests.Sandbox;

/// <summary>The request log's filters, which let tests prove that a call made no Okta request.</summary>
public sealed class DeliveryRequestLogTests : DeliveryTestBase
{
    [Fact]
    public async Task Service_filter_and_after_prove_a_later_step_made_no_okta_call()
    {
        var creds = await SamlCredentials();
        var all = await RequestLog();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => (long)e!["seq"]!));
        var okta = await RequestLog("?service=okta");
        Assert.NotEmpty(okta);
        Assert.All(okta, e => Assert.Equal("okta", (string?)e!["service"]));
        Assert.Contains(okta, e => (string?)e!["path"] == "/api/v1/authn" && (int)e["status"]! == 200);
        Assert.All(all, e => Assert.InRange((double)e!["elapsedMs"]!, 0, 60_000)); // the sandbox's own time, for bench/login.sh

        var last = (long)all[^1]!["seq"]!;
        var signer = new StsSigner(creds.AccessKeyId, creds.Secret, creds.Token, Clock.GetUtcNow());
        await Sts(new() { ["Action"] = "GetCallerIdentity" }, signer);
        await SigninToken(creds);

        Assert.Empty(await RequestLog($"?service=okta&after={last}"));
        var later = await RequestLog($"?after={last}");
        Assert.Equal(["sts", "signin"], later.Select(e => (string?)e!["service"]));
        Assert.Equal("GetCallerIdentity", (string?)later[0]!["action"]);
        Assert.Equal(2, (await RequestLog("?service=sts,signin&after=" + last)).Count);
    }

    [Fact]
    public async Task Since_filters_by_sandbox_time()
    {
        await SessionFor();
        Clock.Advance(TimeSpan.FromMinutes(1));
        var since = OktaJson.Time(Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/api/v1/sessions/me")).StatusCode);

        var entries = await RequestLog("?since=" + Uri.EscapeDataString(since));
        var entry = Assert.Single(entries);
        Assert.Equal("/api/v1/sessions/me", (string?)entry!["path"]);
        Assert.Equal(404, (int)entry["status"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync("/_sandbox/requests?since=yesterday")).StatusCode);
    }
}
