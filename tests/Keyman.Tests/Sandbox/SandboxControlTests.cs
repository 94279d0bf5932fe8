using System.Net;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Scenario;

namespace Keyman.Tests.Sandbox;

public sealed class SandboxControlTests : SandboxTestBase
{
    [Fact]
    public async Task Okta_429_fault_answers_E0000047_with_rate_limit_headers_then_recovers()
    {
        await PostJson("/_sandbox/faults", new { okta429 = 1 });
        var (status, body, response) = await Authn("nomfa@example.com");
        Assert.Equal((HttpStatusCode)429, status);
        Assert.Equal("E0000047", (string?)body["errorCode"]);
        Assert.Equal("0", response.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        var reset = long.Parse(response.Headers.GetValues("X-Rate-Limit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reset - Clock.GetUtcNow().ToUnixTimeSeconds(), 0, 60);
        Assert.True(response.Headers.Contains("X-Rate-Limit-Limit"));

        Assert.Equal(HttpStatusCode.OK, (await Authn("nomfa@example.com")).Status);
    }

    [Fact]
    public async Task Okta_5xx_and_sts_5xx_faults()
    {
        await PostJson("/_sandbox/faults", new { okta5xx = 1, sts5xx = 1 });
        Assert.Equal(HttpStatusCode.InternalServerError, (await Authn("nomfa@example.com")).Status);
        var (status, xml) = await Sts(new() { ["Action"] = "GetCallerIdentity" });
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("InternalFailure", StsValue(xml, "Code"));
        Assert.Equal(HttpStatusCode.OK, (await Authn("nomfa@example.com")).Status);
    }

    [Fact]
    public async Task Unknown_fault_is_rejected()
    {
        var (status, _, _) = await PostJson("/_sandbox/faults", new { nonsense = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Request_log_records_actions_but_no_secrets()
    {
        var (_, auth, _) = await Authn("nomfa@example.com");
        var token = (string)auth["sessionToken"]!;
        await Get($"/home/amazon_aws/0oa1dev2AbCdEfGh/272?onetimetoken={token}");
        await Sts(new() { ["Action"] = "GetCallerIdentity" });
        var log = await Http.GetStringAsync("/_sandbox/requests");
        Assert.DoesNotContain(token, log);
        Assert.DoesNotContain(SandboxTestBase.Password, log);
        var entries = JsonNode.Parse(log)!.AsArray();
        Assert.Contains(entries, e => (string?)e!["path"] == "/api/v1/authn" && (string?)e["method"] == "POST");
        Assert.Contains(entries, e => (string?)e!["action"] == "GetCallerIdentity" && (int?)e["status"] == 403);
    }

    [Fact]
    public async Task Clock_control_expires_transactions()
    {
        var (_, tx, _) = await Authn("jane@example.com");
        var (status, _, _) = await PostJson("/_sandbox/clock", new { advanceSeconds = 301 });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostJson("/api/v1/authn", new { stateToken = (string)tx["stateToken"]! })).Status);
    }
}

public sealed class SandboxRequestBudgetTests : SandboxTestBase
{
    protected override ScenarioDocument? Scenario
    {
        get
        {
            var scenario = ScenarioDocument.LoadDefault();
            scenario.Settings.OktaRequestBudget = 2;
            return scenario;
        }
    }

    [Fact]
    public async Task Budget_runs_out_into_429()
    {
        var first = await Authn("nomfa@example.com");
        Assert.Equal("1", first.Response.Headers.GetValues("X-Rate-Limit-Remaining").Single());
        Assert.Equal("2", first.Response.Headers.GetValues("X-Rate-Limit-Limit").Single());
        Assert.Equal(HttpStatusCode.OK, (await Authn("nomfa@example.com")).Status);
        Assert.Equal((HttpStatusCode)429, (await Authn("nomfa@example.com")).Status);
        Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.OK, (await Authn("nomfa@example.com")).Status);
    }
}

public sealed class ScenarioDocumentTests
{
    [Fact]
    public void Example_file_is_the_built_in_default()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "src", "Keyman.Sandbox", "scenarios", "default.json")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var fromFile = ScenarioDocument.Load(Path.Combine(dir.FullName, "src", "Keyman.Sandbox", "scenarios", "default.json"));
        var builtIn = ScenarioDocument.LoadDefault();
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(builtIn, ScenarioJsonContext.Default.ScenarioDocument),
            System.Text.Json.JsonSerializer.Serialize(fromFile, ScenarioJsonContext.Default.ScenarioDocument));
        Assert.Contains(builtIn.Users, u => u.Login == "jane@example.com" && u.Factors.Count == 9);
    }

    [Fact]
    public void Unknown_keys_are_rejected_so_typos_in_scenarios_surface()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => ScenarioDocument.Parse("{\"userz\": []}"));
        var parsed = ScenarioDocument.Parse("{ // comment\n \"users\": [ { \"login\": \"a@b.c\", \"password\": \"p\" } ], }");
        Assert.Equal("ACTIVE", parsed.Users[0].Status);
    }
}

public sealed class SandboxFallbackTests : SandboxTestBase
{
    [Fact]
    public async Task Unknown_okta_api_path_is_an_okta_404()
    {
        var response = await Get("/api/v1/nothing/here");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"errorCode\":\"E0000007\"", await response.Content.ReadAsStringAsync());
    }
}
