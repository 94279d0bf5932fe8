using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Keyman.Sandbox.Scenario;

namespace Keyman.Tests.Sandbox.Idx;

/// <summary>An in-process sandbox running the built-in Identity Engine org (scenarios/oie.json), with IDX helpers.</summary>
public abstract class IdxTestBase : SandboxTestBase
{
    public const string IonJson = "application/ion+json; okta-version=1.0.0";
    public const string DevApp = "0oa1oieDevAbCdEfG/272";
    public const string StepUpApp = "0oa5oieStepUpBdrk/272";

    protected override ScenarioDocument? Scenario => ScenarioDocument.LoadBuiltIn("oie");

    /// <summary>Opens the app link (optionally with a sid) and returns the page's stateToken, its JavaScript escapes undone.</summary>
    protected async Task<string> StateTokenFromAppLink(string appId = DevApp, string? sid = null)
    {
        var page = await Get($"/home/amazon_aws/{appId}", sid);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var match = Regex.Match(html, "\"stateToken\":\"([^\"]*)\"");
        Assert.True(match.Success, "no stateToken on the sign-in page");
        return UnescapeJs(match.Groups[1].Value);
    }

    protected static string UnescapeJs(string value) =>
        Regex.Replace(value, @"\\x([0-9A-Fa-f]{2})", m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());

    protected async Task<(HttpStatusCode Status, JsonNode Body)> Idx(string pathOrUrl, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pathOrUrl) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(IonJson);
        request.Headers.TryAddWithoutValidation("Accept", IonJson);
        var response = await Http.SendAsync(request);
        Assert.Equal(IonJson, response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    protected async Task<JsonNode> Introspect(string stateToken)
    {
        var (status, body) = await Idx("/idp/idx/introspect", new JsonObject { ["stateToken"] = stateToken });
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    protected static JsonNode Remediation(JsonNode state, string name)
    {
        var form = state["remediation"]?["value"]?.AsArray().FirstOrDefault(r => (string?)r!["name"] == name);
        Assert.True(form is not null, $"no '{name}' remediation in {state.ToJsonString()[..Math.Min(400, state.ToJsonString().Length)]}");
        return form!;
    }

    protected static IEnumerable<string> RemediationNames(JsonNode state) =>
        state["remediation"]?["value"]?.AsArray().Select(r => (string)r!["name"]!) ?? [];

    /// <summary>Submits a remediation form as a generic client does: its href, the given values plus the stateHandle field's value.</summary>
    protected async Task<(HttpStatusCode Status, JsonNode Body)> Submit(JsonNode state, string name, JsonObject? values = null)
    {
        var form = Remediation(state, name);
        var body = values ?? [];
        var handle = form["value"]!.AsArray().Single(f => (string?)f!["name"] == "stateHandle")!;
        Assert.False((bool)handle["visible"]!);
        body["stateHandle"] = (string)handle["value"]!;
        Assert.Equal("POST", (string?)form["method"]);
        return await Idx((string)form["href"]!, body);
    }

    /// <summary>The select-authenticator-authenticate option for an authenticator key (via relatesTo).</summary>
    protected static JsonObject Choose(JsonNode state, string key, string? methodType = null)
    {
        var options = Remediation(state, "select-authenticator-authenticate")["value"]!.AsArray()
            .Single(f => (string?)f!["name"] == "authenticator")!["options"]!.AsArray();
        foreach (var option in options)
        {
            var path = (string)option!["relatesTo"]!; // "$.authenticatorEnrollments.value[2]"
            var index = int.Parse(Regex.Match(path, @"\[(\d+)\]").Groups[1].Value, CultureInfo.InvariantCulture);
            var list = path.Contains("authenticatorEnrollments", StringComparison.Ordinal) ? "authenticatorEnrollments" : "authenticators";
            if ((string?)state[list]!["value"]![index]!["key"] != key)
            {
                continue;
            }

            var fields = option["value"]!["form"]!["value"]!.AsArray();
            var choice = new JsonObject { ["id"] = (string)fields.Single(f => (string?)f!["name"] == "id")!["value"]! };
            var method = fields.SingleOrDefault(f => (string?)f!["name"] == "methodType");
            choice["methodType"] = methodType ?? (string?)method?["value"];
            if (fields.SingleOrDefault(f => (string?)f!["name"] == "enrollmentId") is { } enrollment)
            {
                choice["enrollmentId"] = (string)enrollment["value"]!;
            }

            return new JsonObject { ["authenticator"] = choice };
        }

        throw new Xunit.Sdk.XunitException($"no option for {key}");
    }

    protected static JsonObject Passcode(string code) => new() { ["credentials"] = new JsonObject { ["passcode"] = code } };

    protected static JsonObject Identify(string login, string password = Password) =>
        new() { ["identifier"] = login, ["credentials"] = new JsonObject { ["passcode"] = password } };

    protected static string MessageKey(JsonNode state) => (string)state["messages"]!["value"]![0]!["i18n"]!["key"]!;

    /// <summary>Follows success-redirect as a browser would: the redirect sets sid and leads back to the app, which answers the SAML form.</summary>
    protected async Task<(string Sid, string Saml)> FollowSuccess(JsonNode state)
    {
        var href = (string)state["success"]!["href"]!;
        Assert.Equal("success-redirect", (string?)state["success"]!["name"]);
        Assert.StartsWith($"{Base}/login/token/redirect?stateToken=", href, StringComparison.Ordinal);
        var redirect = await Get(href);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var sid = redirect.Headers.GetValues("Set-Cookie").Select(c => Regex.Match(c, "^sid=([^;]+)")).Single(m => m.Success).Groups[1].Value;
        var app = await Get(redirect.Headers.Location!.ToString(), sid);
        Assert.Equal(HttpStatusCode.OK, app.StatusCode);
        return (sid, ExtractSaml(await app.Content.ReadAsStringAsync()));
    }

    protected async Task<string> LatestCode(string login) =>
        (string)JsonNode.Parse(await Http.GetStringAsync("/_sandbox/outbox"))!.AsArray().Last(m => (string?)m!["user"] == login)!["code"]!;
}
