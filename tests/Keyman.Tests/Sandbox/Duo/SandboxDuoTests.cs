using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Html.Parser;

namespace Keyman.Tests.Sandbox.Duo;

/// <summary>The sandbox's Okta Classic Duo Universal Prompt factor and Duo's prompt, walked request by request as a browser-less client does.</summary>
public sealed class SandboxDuoTests : SandboxTestBase
{
    private const string DuoFactor = "clf20duoUniversal0001";

    private sealed record Prompt(string Sid, string Xsrf, string StateToken, List<(string Key, string Name)> Devices);

    private async Task<HttpResponseMessage> PostForm(string url, Dictionary<string, string> fields) =>
        await Http.PostAsync(url, new FormUrlEncodedContent(fields));

    private static string Location(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    /// <summary>Password, verify of the Duo factor, Okta's redirect, Duo's authorize and plugin form, up to the login form.</summary>
    private async Task<Prompt> OpenPromptAsync(string login = "duo@example.com", string factor = DuoFactor)
    {
        var (_, tx, _) = await Authn(login);
        Assert.Equal("MFA_REQUIRED", (string?)tx["status"]);
        var (status, challenge, _) = await Verify(tx, factor);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("MFA_CHALLENGE", (string?)challenge["status"]);
        var next = challenge["_links"]!["next"]!;
        Assert.Equal("GET", (string?)next["hints"]!["allow"]![0]);
        var authorize = Location(await Get((string)next["href"]!));
        Assert.Contains("/oauth/v1/authorize?", authorize, StringComparison.Ordinal);
        Assert.Equal(3, authorize[(authorize.IndexOf("request=", StringComparison.Ordinal) + 8)..].Split('&')[0].Split('.').Length);
        var frameless = Location(await Get(authorize));
        var pluginHtml = await (await Get(frameless)).Content.ReadAsStringAsync();
        var parser = new HtmlParser();
        var plugin = parser.ParseDocument(pluginHtml).GetElementById("plugin_form")!;
        var fields = plugin.QuerySelectorAll("input[name]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        var loginPage = Location(await PostForm(plugin.GetAttribute("action")!, fields));
        var document = parser.ParseDocument(await (await Get(loginPage)).Content.ReadAsStringAsync());
        var form = document.GetElementById("login-form")!;
        Assert.Equal("/frame/v4/prompt", form.GetAttribute("action"));
        var devices = document.QuerySelectorAll("select[name=device] option").Select(o => (o.GetAttribute("value")!, o.TextContent)).ToList();
        string Field(string name) => form.QuerySelector($"input[name={name}]")!.GetAttribute("value")!;
        return new Prompt(Field("sid"), Field("_xsrf"), (string)tx["stateToken"]!, devices);
    }

    private async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private async Task<JsonNode> StartAsync(Prompt prompt, string factor, string? passcode = null, string path = "/frame/v4/prompt")
    {
        var fields = new Dictionary<string, string> { ["sid"] = prompt.Sid, ["_xsrf"] = prompt.Xsrf, ["factor"] = factor, ["device"] = prompt.Devices.FirstOrDefault().Key ?? "", ["postAuthDestination"] = "OIDC_EXIT" };
        if (passcode is not null)
        {
            fields["passcode"] = passcode;
        }

        return await Json(await PostForm(path, fields));
    }

    private async Task<string?> StatusAsync(Prompt prompt, string txid) =>
        (string?)(await Json(await PostForm("/frame/v4/status", new() { ["sid"] = prompt.Sid, ["txid"] = txid })))["response"]!["status_code"];

    [Fact]
    public async Task FactorIsListedAsOktaListsDuoUniversalPrompt()
    {
        var (_, tx, _) = await Authn("duo@example.com");
        var factor = tx["_embedded"]!["factors"]![0]!;
        Assert.Equal(("claims_provider", "CUSTOM", "Duo Universal Prompt"), ((string?)factor["factorType"], (string?)factor["provider"], (string?)factor["vendorName"]));
    }

    [Fact]
    public async Task ApprovedPushEndsInOktasSidCookieAndFinishesTheTransaction()
    {
        var prompt = await OpenPromptAsync();
        var started = await StartAsync(prompt, "Duo Push");
        Assert.Equal("OK", (string?)started["stat"]);
        var txid = (string)started["response"]!["txid"]!;
        Assert.Equal("pushed", await StatusAsync(prompt, txid));
        Assert.Equal("allow", await StatusAsync(prompt, txid));

        var callback = Location(await PostForm("/frame/v4/oidc/exit", new() { ["sid"] = prompt.Sid, ["txid"] = txid, ["_xsrf"] = prompt.Xsrf, ["factor"] = "Duo Push", ["device_key"] = "", ["dampen_choice"] = "false" }));
        Assert.Contains("/oauth2/v1/authorize/callback?state=", callback, StringComparison.Ordinal);
        var done = await Get(callback);
        var sid = done.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sid=", StringComparison.Ordinal)).Split(';')[0][4..];
        Assert.Equal(HttpStatusCode.OK, (await Get("/api/v1/sessions/me", sid)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(callback)).StatusCode); // the code is used once
        var (status, _, _) = await PostJson("/api/v1/authn/introspect", new { stateToken = prompt.StateToken });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task ExitBeforeApprovalIsRefused()
    {
        var prompt = await OpenPromptAsync();
        var txid = (string)(await StartAsync(prompt, "Duo Push"))["response"]!["txid"]!;
        var exit = await PostForm("/frame/v4/oidc/exit", new() { ["sid"] = prompt.Sid, ["txid"] = txid, ["_xsrf"] = prompt.Xsrf });
        Assert.Equal(HttpStatusCode.BadRequest, exit.StatusCode);
        Assert.Equal("FAIL", (string?)(await Json(exit))["stat"]);
    }

    [Fact]
    public async Task PasscodesAreCheckedAndUsedOnce()
    {
        var prompt = await OpenPromptAsync();
        var wrong = (string)(await StartAsync(prompt, "Passcode", "000000", "/frame/prompt"))["response"]!["txid"]!;
        Assert.Equal("deny", await StatusAsync(prompt, wrong));
        var right = (string)(await StartAsync(prompt, "Passcode", "246810"))["response"]!["txid"]!;
        Assert.Equal("allow", await StatusAsync(prompt, right));
        var again = (string)(await StartAsync(prompt, "Passcode", "246810"))["response"]!["txid"]!;
        Assert.Equal("deny", await StatusAsync(prompt, again));
    }

    [Fact]
    public async Task CallGoesCallingAnsweredAllow()
    {
        var prompt = await OpenPromptAsync();
        var txid = (string)(await StartAsync(prompt, "Phone Call"))["response"]!["txid"]!;
        string?[] seen = [await StatusAsync(prompt, txid), await StatusAsync(prompt, txid)];
        Assert.Equal(new string?[] { "calling", "allow" }, seen);
    }

    [Theory]
    [InlineData("duodeny@example.com", "clf21duoUniversal0001", "deny")]
    [InlineData("duotimeout@example.com", "clf22duoUniversal0001", "timeout")]
    public async Task PushDeniedOrTimedOut(string login, string factor, string verdict)
    {
        var prompt = await OpenPromptAsync(login, factor);
        var txid = (string)(await StartAsync(prompt, "Duo Push"))["response"]!["txid"]!;
        string? status;
        do
        {
            status = await StatusAsync(prompt, txid);
        }
        while (status == "pushed");
        Assert.Equal(verdict, status);
    }

    [Fact]
    public async Task DeviceWithoutPushCannotStartOne()
    {
        var prompt = await OpenPromptAsync("duonodevice@example.com", "clf23duoUniversal0001");
        var answer = await StartAsync(prompt, "Duo Push");
        Assert.Equal("FAIL", (string?)answer["stat"]);
        Assert.Contains("not capable of Duo Push", (string?)answer["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongXsrfIsRefused()
    {
        var prompt = await OpenPromptAsync();
        var answer = await StartAsync(prompt with { Xsrf = "forged" }, "Duo Push");
        Assert.Equal("FAIL", (string?)answer["stat"]);
    }

    [Fact]
    public async Task DuoOutageAnswers503AtAuthorize()
    {
        var (_, tx, _) = await Authn("duodown@example.com");
        var (_, challenge, _) = await Verify(tx, "clf24duoUniversal0001");
        var authorize = Location(await Get((string)challenge["_links"]!["next"]!["href"]!));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Get(authorize)).StatusCode);
    }
}
