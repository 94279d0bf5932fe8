using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Keyman.Tests.Sandbox;

public sealed class SandboxSessionAndAppTests : SandboxTestBase
{
    private const string RoleAttribute = "https://aws.amazon.com/SAML/Attributes/Role";

    [Fact]
    public async Task Session_lifecycle_me_refresh_delete()
    {
        var sid = await SessionFor();
        var me = await Get("/api/v1/sessions/me", sid);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var session = JsonNode.Parse(await me.Content.ReadAsStringAsync())!;
        Assert.Equal("ACTIVE", (string?)session["status"]);
        Assert.Equal("nomfa@example.com", (string?)session["login"]);
        var expires = (string)session["expiresAt"]!;

        Clock.Advance(TimeSpan.FromMinutes(10));
        var (status, refreshed, _) = await PostJson("/api/v1/sessions/me/lifecycle/refresh", new { }, sid);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(string.CompareOrdinal((string)refreshed["expiresAt"]!, expires) > 0);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/sessions/me");
        delete.Headers.Add("Cookie", $"sid={sid}");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(delete)).StatusCode);
        var gone = await Get("/api/v1/sessions/me", sid);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("E0000007", await gone.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Session_tokens_are_one_time_and_sessions_expire()
    {
        var (_, auth, _) = await Authn("nomfa@example.com");
        var token = (string)auth["sessionToken"]!;
        var sid = await SessionFromToken(token);
        var (status, again, _) = await PostJson("/api/v1/sessions", new { sessionToken = token });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("E0000004", (string?)again["errorCode"]);

        Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await Get("/api/v1/sessions/me", sid)).StatusCode);
    }

    [Fact]
    public async Task Session_token_expires_after_five_minutes()
    {
        var (_, auth, _) = await Authn("nomfa@example.com");
        Clock.Advance(TimeSpan.FromSeconds(301));
        var (status, _, _) = await PostJson("/api/v1/sessions", new { sessionToken = (string)auth["sessionToken"]! });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task App_links_need_a_session_and_include_the_sso_app()
    {
        var denied = await Get("/api/v1/users/me/appLinks");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("E0000005", await denied.Content.ReadAsStringAsync());

        var sid = await SessionFor();
        var links = JsonNode.Parse(await (await Get("/api/v1/users/me/appLinks", sid)).Content.ReadAsStringAsync())!.AsArray();
        Assert.Contains(links, l => (string?)l!["appName"] == "amazon_aws_sso");
        var dev = links.Single(l => (string?)l!["label"] == "AWS Dev")!;
        Assert.Equal($"{Base}/home/amazon_aws/0oa1dev2AbCdEfGh/272", (string?)dev["linkUrl"]);
        Assert.Equal("0oa1dev2AbCdEfGh", (string?)dev["appInstanceId"]);
        Assert.DoesNotContain(links, l => (string?)l!["label"] == "AWS Bedrock (step-up)");
        foreach (var field in new[] { "id", "logoUrl", "appAssignmentId", "credentialsSetup", "hidden", "sortOrder" })
        {
            Assert.NotNull(dev[field]);
        }
    }

    [Fact]
    public async Task App_link_without_session_redirects_to_login_and_unknown_app_is_404()
    {
        var response = await Get("/home/amazon_aws/0oa1dev2AbCdEfGh/272");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // Okta's Location headers are absolute, on the org's own origin.
        Assert.StartsWith(Base + "/login/login.htm?fromURI=%2Fhome%2Famazon_aws%2F0oa1dev2AbCdEfGh%2F272", response.Headers.Location!.OriginalString);
        var login = await Get(response.Headers.Location!.OriginalString);
        Assert.DoesNotContain("SAMLResponse", await login.Content.ReadAsStringAsync());

        var sid = await SessionFor();
        var missing = await Get("/home/amazon_aws/0oaNOPE/272", sid);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("error-content", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Saml_page_has_okta_form_and_entity_escaped_base64()
    {
        var sid = await SessionFor();
        var html = await (await Get("/home/amazon_aws/0oa1dev2AbCdEfGh/272", sid)).Content.ReadAsStringAsync();
        Assert.Contains("<form id=\"appForm\" action=\"https://signin.aws.amazon.com/saml\" method=\"POST\">", html);
        Assert.Contains("<input name=\"RelayState\" type=\"hidden\" value=\"\"/>", html);
        var raw = Regex.Match(html, "name=\"SAMLResponse\" type=\"hidden\" value=\"([^\"]*)\"").Groups[1].Value;
        Assert.DoesNotContain("+", raw);
        Assert.DoesNotContain("=", raw);
        var base64 = ExtractSaml(html);
        Assert.Equal(base64.Contains('='), raw.Contains("&#x3d;", StringComparison.Ordinal));
        Assert.Equal(base64.Contains('+'), raw.Contains("&#x2b;", StringComparison.Ordinal));

        var saml = DecodeSaml(base64);
        XNamespace p = "urn:oasis:names:tc:SAML:2.0:protocol";
        XNamespace a = "urn:oasis:names:tc:SAML:2.0:assertion";
        Assert.Equal(p + "Response", saml.Root!.Name);
        Assert.Equal("urn:amazon:webservices", saml.Descendants(a + "Audience").Single().Value);
        Assert.Equal(["arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/Developer"], AttributeValues(saml, RoleAttribute));
        Assert.Equal(["nomfa@example.com"], AttributeValues(saml, "https://aws.amazon.com/SAML/Attributes/RoleSessionName"));
        Assert.Equal(["43200"], AttributeValues(saml, "https://aws.amazon.com/SAML/Attributes/SessionDuration"));
        var value = saml.Descendants(a + "AttributeValue").First();
        Assert.Equal("xs:string", (string?)value.Attribute(XName.Get("type", "http://www.w3.org/2001/XMLSchema-instance")));
        Assert.NotNull(saml.Descendants(a + "Conditions").Single().Attribute("NotOnOrAfter"));
    }

    [Fact]
    public async Task Multi_account_app_lists_roles_provider_first_in_configured_order()
    {
        var saml = DecodeSaml(await SamlFor(await SessionFor(), "0oa2multiAcctXyZ/137"));
        Assert.Equal(
            [
                "arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/Developer",
                "arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/ReadOnly",
                "arn:aws:iam::222222222222:saml-provider/Okta,arn:aws:iam::222222222222:role/team/Admin",
                "arn:aws:iam::222222222222:saml-provider/Okta,arn:aws:iam::222222222222:role/Deployer",
            ],
            AttributeValues(saml, RoleAttribute));
    }

    [Fact]
    public async Task Role_first_app_and_app_without_role_attribute()
    {
        var sid = await SessionFor();
        var roleFirst = DecodeSaml(await SamlFor(sid, "0oa3roleFirstAbC/272"));
        Assert.All(AttributeValues(roleFirst, RoleAttribute), v => Assert.Contains(":role/", v.Split(',')[0]));
        var noRole = DecodeSaml(await SamlFor(sid, "0oa4noRoleAttrQr/272"));
        Assert.Empty(AttributeValues(noRole, RoleAttribute));
    }

    [Fact]
    public async Task One_time_token_on_the_app_link_works_once_and_sets_sid()
    {
        foreach (var parameter in new[] { "onetimetoken", "sessionToken" })
        {
            var (_, auth, _) = await Authn("nomfa@example.com");
            var url = $"/home/amazon_aws/0oa1dev2AbCdEfGh/272?{parameter}={auth["sessionToken"]}";
            var page = await Get(url);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sid=", StringComparison.Ordinal));
            Assert.NotEmpty(ExtractSaml(await page.Content.ReadAsStringAsync()));
            Assert.Equal(HttpStatusCode.Redirect, (await Get(url)).StatusCode);
        }
    }

    [Fact]
    public async Task Unassigned_user_gets_an_error_page()
    {
        var sid = await SessionFor("gina@example.com");
        var page = await Get("/home/amazon_aws/0oa2multiAcctXyZ/137", sid);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("class=\"error-content\"", await page.Content.ReadAsStringAsync());
    }

    /// <summary>Opens the step-up app as gina, answers the step-up's MFA, and returns the SESSION_STEP_UP success.</summary>
    private async Task<(string Sid, JsonNode Success)> StepUpAsync()
    {
        // gina: no MFA at sign-in, but the Bedrock app asks for it (the how-to's case).
        var sid = await SessionFor("gina@example.com");
        var redirect = await Get(StepUpApp, sid);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!.OriginalString;
        Assert.StartsWith(Base + "/login/second-factor?fromURI=", location);

        var page = await (await Get(location, sid)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("SAMLResponse", page);
        var escaped = Regex.Match(page, @"var stateToken = '(.{1,80}?)';").Groups[1].Value;
        Assert.Contains("\\x2D", escaped);
        var stateToken = escaped.Replace("\\x2D", "-", StringComparison.Ordinal);

        var (status, tx, _) = await PostJson("/api/v1/authn", new { stateToken });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("MFA_REQUIRED", (string?)tx["status"]);
        Assert.Equal("GOOGLE", (string?)tx["_embedded"]!["factors"]![0]!["provider"]);
        Assert.Equal("APP", (string?)tx["_embedded"]!["target"]!["type"]);

        var (_, success, _) = await Verify(tx, "uft2ginaGoogleTotp01", new { passCode = await TotpCode("gina@example.com", "GOOGLE") });
        return (sid, success);
    }

    private const string StepUpApp = "/home/amazon_aws/0oa5stepUpBdrck/272";

    [Fact]
    public async Task App_step_up_succeeds_as_SESSION_STEP_UP_whose_next_link_redirects_to_the_app_now_stepped_up()
    {
        var (sid, success) = await StepUpAsync();

        // The shape of okta-signin-widget's SUCCESS_session_step_up fixture: no sessionToken, the app as target.
        Assert.Equal("SUCCESS", (string?)success["status"]);
        Assert.Equal("SESSION_STEP_UP", (string?)success["type"]);
        Assert.Null(success["sessionToken"]);
        Assert.Equal("amazon_aws", (string?)success["_embedded"]!["target"]!["name"]);
        Assert.NotNull(success["_embedded"]!["policy"]);
        Assert.Equal("original", (string?)success["_links"]!["next"]!["name"]);
        var next = (string)success["_links"]!["next"]!["href"]!;
        Assert.Equal($"{Base}/login/step-up/redirect?stateToken={Uri.EscapeDataString((string)success["stateToken"]!)}", next);

        // Until the browser follows it, the app still asks for the step-up.
        Assert.Equal(HttpStatusCode.Redirect, (await Get(StepUpApp, sid)).StatusCode);

        // Another browser (another sid) can't use the link; the session's own browser returns to the app.
        var stranger = await Get(next, await SessionFor("gina@example.com"));
        Assert.StartsWith(Base + "/login/login.htm", stranger.Headers.Location!.OriginalString);
        var back = await Get(next, sid);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(Base + StepUpApp, back.Headers.Location!.OriginalString);

        var saml = DecodeSaml(await SamlFor(sid, "0oa5stepUpBdrck/272"));
        Assert.Equal(["arn:aws:iam::111111111111:saml-provider/Okta,arn:aws:iam::111111111111:role/my-developer-gateway-role"], AttributeValues(saml, RoleAttribute));

        // The link is spent once followed.
        Assert.StartsWith(Base + "/login/login.htm", (await Get(next, sid)).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Malformed_app_page_fault_drops_the_saml_input()
    {
        var sid = await SessionFor();
        await PostJson("/_sandbox/faults", new { malformedAppPage = true });
        var html = await (await Get("/home/amazon_aws/0oa1dev2AbCdEfGh/272", sid)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("SAMLResponse", html);
    }
}
