using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Keyman.Tests.Sandbox.Idx;

/// <summary>okta-aws-cli's device flow on the Identity Engine org, with the activation page driven as plain HTML forms.</summary>
public sealed class DeviceAuthorizationTests : IdxTestBase
{
    private const string CliClient = "0oa20deviceCliNtv01";
    private const string Scopes = "openid okta.apps.sso okta.apps.read okta.users.read.self";

    private async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostForm(string path, Dictionary<string, string> form, string? sid = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (sid is not null)
        {
            request.Headers.Add("Cookie", $"sid={sid}");
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        return (response.StatusCode, isJson ? JsonNode.Parse(text)! : new JsonObject { ["html"] = text }, response);
    }

    private Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> Authorize(string clientId = CliClient, string scope = Scopes) =>
        PostForm("/oauth2/v1/device/authorize", new() { ["client_id"] = clientId, ["scope"] = scope });

    private Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PollToken(string deviceCode, string clientId = CliClient) =>
        PostForm("/oauth2/v1/token", new() { ["client_id"] = clientId, ["device_code"] = deviceCode, ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code" });

    private static string Hidden(string html, string name) => Regex.Match(html, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value;

    /// <summary>What a user does in the browser: open the complete URL, submit the code, sign in, verify, allow.</summary>
    private async Task ActivateInBrowser(JsonNode device, string login, string method = "password", string decision = "allow")
    {
        var page = await Get((string)device["verification_uri_complete"]!);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<form id=\"user-code-form\" method=\"POST\" action=\"/activate\">", html, StringComparison.Ordinal);
        var userCode = Regex.Match(html, "id=\"user-code\" name=\"userCode\" type=\"text\" autocomplete=\"off\" value=\"([A-Z]+)\"").Groups[1].Value;
        Assert.Equal((string)device["user_code"]!, userCode);

        var (_, signIn, _) = await PostForm("/activate", new() { ["userCode"] = userCode });
        html = (string)signIn["html"]!;
        Assert.Contains("id=\"password\"", html, StringComparison.Ordinal);
        var activation = Hidden(html, "activation");
        var (_, next, _) = await PostForm("/activate/signin", new() { ["activation"] = activation, ["username"] = login, ["password"] = Password, ["method"] = method });
        html = (string)next["html"]!;
        if (html.Contains("id=\"passcode\"", StringComparison.Ordinal))
        {
            var (_, consent, _) = await PostForm("/activate/verify", new() { ["activation"] = activation, ["passcode"] = await TotpCode(login, "GOOGLE") });
            html = (string)consent["html"]!;
        }

        Assert.Contains("id=\"allow\"", html, StringComparison.Ordinal);
        var (_, done, _) = await PostForm("/activate/consent", new() { ["activation"] = activation, ["decision"] = decision });
        Assert.Contains(decision == "allow" ? "idx.device.activated" : "idx.device.not.activated.consent.denied", (string)done["html"]!, StringComparison.Ordinal);
    }

    private Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> Exchange(JsonNode tokens, string app, string clientId = CliClient) =>
        PostForm("/oauth2/v1/token", new()
        {
            ["client_id"] = clientId,
            ["actor_token"] = (string)tokens["access_token"]!,
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:access_token",
            ["subject_token"] = (string)tokens["id_token"]!,
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:id_token",
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["requested_token_type"] = "urn:okta:oauth:token-type:web_sso_token",
            ["audience"] = $"urn:okta:apps:{app.Split('/')[0]}",
        });

    private async Task<JsonNode> TokensFor(string login, string scope = Scopes, string method = "password")
    {
        var (_, device, _) = await Authorize(scope: scope);
        await ActivateInBrowser(device, login, method);
        var (status, tokens, _) = await PollToken((string)device["device_code"]!);
        Assert.Equal(HttpStatusCode.OK, status);
        return tokens;
    }

    [Fact]
    public async Task The_slow_down_switch_answers_the_next_polls_slow_down_and_raises_the_interval()
    {
        var (_, device, _) = await Authorize();
        var deviceCode = (string)device["device_code"]!;
        Assert.Equal(HttpStatusCode.OK, (await PostJson("/_sandbox/device/slow-down", new { polls = 1 })).Status);

        var (_, body, _) = await PollToken(deviceCode);
        Assert.Equal("slow_down", (string?)body["error"]); // at a polite pace all the same
        Clock.Advance(TimeSpan.FromSeconds(6));
        (_, body, _) = await PollToken(deviceCode);
        Assert.Equal("slow_down", (string?)body["error"]); // 6 s is now too soon: the interval grew to 10 s
        Clock.Advance(TimeSpan.FromSeconds(16));
        (_, body, _) = await PollToken(deviceCode);
        Assert.Equal("authorization_pending", (string?)body["error"]);
    }

    [Fact]
    public async Task Device_flow_through_the_activation_page_ends_in_the_saml_form()
    {
        var (status, device, _) = await Authorize();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{Base}/activate", (string?)device["verification_uri"]);
        Assert.Equal($"{Base}/activate?user_code={device["user_code"]}", (string?)device["verification_uri_complete"]);
        Assert.Matches("^[A-Z]{8}$", (string)device["user_code"]!);
        Assert.Equal(600, (int)device["expires_in"]!);
        Assert.Equal(5, (int)device["interval"]!);

        var deviceCode = (string)device["device_code"]!;
        var (pending, body, _) = await PollToken(deviceCode);
        Assert.Equal(HttpStatusCode.BadRequest, pending);
        Assert.Equal("authorization_pending", (string?)body["error"]);
        (_, body, _) = await PollToken(deviceCode);
        Assert.Equal("slow_down", (string?)body["error"]);
        Clock.Advance(TimeSpan.FromSeconds(11));

        await ActivateInBrowser(device, "jane@example.com");
        var (ok, tokens, _) = await PollToken(deviceCode);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("Bearer", (string?)tokens["token_type"]);
        Assert.Equal(3600, (int)tokens["expires_in"]!);
        Assert.Equal(Scopes, (string?)tokens["scope"]);
        Assert.NotNull(tokens["id_token"]);
        var (reused, again, _) = await PollToken(deviceCode);
        Assert.Equal("invalid_grant", (string?)again["error"]);
        Assert.Equal(HttpStatusCode.BadRequest, reused);

        var (exchanged, sso, _) = await Exchange(tokens, DevApp);
        Assert.Equal(HttpStatusCode.OK, exchanged);
        Assert.Equal("urn:okta:oauth:token-type:web_sso_token", (string?)sso["issued_token_type"]);

        var (pageStatus, page, response) = await PostForm("/login/token/sso", new() { ["token"] = (string)sso["access_token"]! });
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sid=", StringComparison.Ordinal));
        Assert.Contains("jane@example.com", DecodeSaml(ExtractSaml((string)page["html"]!)).ToString(), StringComparison.Ordinal);
        var (spent, _, _) = await PostForm("/login/token/sso", new() { ["token"] = (string)sso["access_token"]! });
        Assert.Equal(HttpStatusCode.Forbidden, spent);
    }

    [Fact]
    public async Task Clients_without_the_grant_or_unknown_are_refused()
    {
        var (status, body, _) = await Authorize("0oa21noDeviceGrnt1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", (string?)body["error"]);
        Assert.Contains("Configured grant types: [authorization_code]", (string?)body["error_description"], StringComparison.Ordinal);

        (status, body, _) = await Authorize("0oaUnknownClient01");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", (string?)body["error"]);
    }

    [Fact]
    public async Task Denied_consent_and_expired_codes_end_the_polling()
    {
        var (_, device, _) = await Authorize();
        await ActivateInBrowser(device, "nomfa@example.com", decision: "deny");
        var (_, body, _) = await PollToken((string)device["device_code"]!);
        Assert.Equal("access_denied", (string?)body["error"]);

        (_, device, _) = await Authorize();
        Clock.Advance(TimeSpan.FromSeconds(601));
        (_, body, _) = await PollToken((string)device["device_code"]!);
        Assert.Equal("expired_token", (string?)body["error"]);
        var (_, page, _) = await PostForm("/activate", new() { ["userCode"] = (string)device["user_code"]! });
        Assert.Contains("Invalid code. Try again.", (string)page["html"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_exchange_errors_name_what_the_admin_must_change()
    {
        var tokens = await TokensFor("jane@example.com");

        // A FastPass app: a password + code sign-in does not meet it.
        var (status, body, _) = await Exchange(tokens, "0oa8oieFastPassAp/272");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", (string?)body["error"]);
        Assert.Equal("The application's assurance requirements are not met by the 'subject_token'.", (string?)body["error_description"]);

        var noSso = await TokensFor("nomfa@example.com", scope: "openid okta.apps.read");
        (_, body, _) = await Exchange(noSso, DevApp);
        Assert.Equal("The 'actor_token' must have the 'okta.apps.sso' scope to request a 'web_sso_token'.", (string?)body["error_description"]);

        Clock.Advance(TimeSpan.FromSeconds(3601));
        (_, body, _) = await Exchange(tokens, DevApp);
        Assert.Equal("The 'subject_token' either expired or the session associated with it was terminated.", (string?)body["error_description"]);
    }

    [Fact]
    public async Task A_client_the_app_does_not_allow_gets_web_sso_client_not_permitted_and_fastpass_meets_browser_only_apps()
    {
        var (_, device, _) = await PostForm("/oauth2/v1/device/authorize", new() { ["client_id"] = "0oa22notWebSsoCli1", ["scope"] = Scopes });
        await ActivateInBrowser(device, "nomfa@example.com");
        var (_, tokens, _) = await PollToken((string)device["device_code"]!, "0oa22notWebSsoCli1");
        var (_, body, _) = await Exchange(tokens, DevApp, "0oa22notWebSsoCli1");
        Assert.Equal("The target audience app must be configured to allow the client to request a 'web_sso_token'.", (string?)body["error_description"]);

        var fast = await TokensFor("push@example.com", method: "fastpass");
        var (status, sso, _) = await Exchange(fast, "0oa8oieFastPassAp/272");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(sso["access_token"]);
    }
}
