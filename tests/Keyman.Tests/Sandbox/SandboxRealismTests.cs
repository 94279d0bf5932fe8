using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Keyman.Tests.Sandbox;

/// <summary>Where the sandbox was made to answer like the real Okta and STS do (headers, cookies, reusable assertions, TLS).</summary>
public sealed partial class SandboxRealismTests : SandboxTestBase
{
    private const string DeveloperRole = "arn:aws:iam::111111111111:role/Developer";
    private const string DevProvider = "arn:aws:iam::111111111111:saml-provider/Okta";

    private static Dictionary<string, string> SamlForm(string saml, int? duration = null)
    {
        var form = new Dictionary<string, string> { ["Action"] = "AssumeRoleWithSAML", ["RoleArn"] = DeveloperRole, ["PrincipalArn"] = DevProvider, ["SAMLAssertion"] = saml };
        if (duration is not null)
        {
            form["DurationSeconds"] = duration.Value.ToString(CultureInfo.InvariantCulture);
        }

        return form;
    }

    [Fact]
    public async Task Okta_answers_carry_a_request_id_and_the_first_authn_sets_the_DT_cookie()
    {
        var (_, _, first) = await Authn("nomfa@example.com");
        Assert.Matches("^[A-Za-z0-9]{27}$", first.Headers.GetValues("X-Okta-Request-Id").Single());
        var dt = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("DT=", StringComparison.Ordinal));
        Assert.Contains("path=/", dt, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", dt, StringComparison.OrdinalIgnoreCase);

        // A client that sends its DT back gets no new one; every Okta answer (errors too) has its own request id.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/authn")
        {
            Content = new StringContent("{\"username\":\"nomfa@example.com\",\"password\":\"wrong\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Cookie", dt.Split(';')[0]);
        var again = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.False(again.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("DT=", StringComparison.Ordinal)));
        Assert.NotEqual(first.Headers.GetValues("X-Okta-Request-Id").Single(), again.Headers.GetValues("X-Okta-Request-Id").Single());
    }

    [Fact]
    public async Task Session_cookie_redirect_goes_only_to_the_orgs_own_origin()
    {
        var (_, body, _) = await Authn("nomfa@example.com");
        var token = Uri.EscapeDataString((string)body["sessionToken"]!);
        var elsewhere = await Get($"/login/sessionCookieRedirect?token={token}&redirectUrl={Uri.EscapeDataString("https://evil.example/steal")}");
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Null(elsewhere.Headers.Location);
        Assert.Contains("class=\"error-content\"", await elsewhere.Content.ReadAsStringAsync());

        // The refused request left the token unspent: the org's own app link works with it, and the Location is absolute.
        var own = await Get($"/login/sessionCookieRedirect?token={token}&redirectUrl={Uri.EscapeDataString(Base + "/home/amazon_aws/0oa1dev2AbCdEfGh/272")}");
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.Equal(Base + "/home/amazon_aws/0oa1dev2AbCdEfGh/272", own.Headers.Location!.OriginalString);
        Assert.Contains(own.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sid=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_security_answer_has_its_own_cause()
    {
        var (_, tx, _) = await Authn("jane@example.com");
        var (status, error, _) = await Verify(tx, "ufs1janeQuestion0001", new { answer = "ketchup" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("E0000068", (string?)error["errorCode"]);
        Assert.Equal("Invalid Passcode/Answer", (string?)error["errorSummary"]);
        Assert.Equal("Your answer doesn't match our records. Please try again.", (string?)error["errorCauses"]![0]!["errorSummary"]);

        var (_, wrongCode, _) = await Verify(tx, "uft1janeGoogleTotp01", new { passCode = "000000" });
        Assert.Equal("Your passcode doesn't match our records. Please try again.", (string?)wrongCode["errorCauses"]![0]!["errorSummary"]);
    }

    [Fact]
    public async Task One_assertion_serves_every_role_and_the_same_role_again_until_five_minutes_after_its_issue()
    {
        // As real STS does for okta-aws-cli --all-profiles, gimme-aws-creds and saml2aws --cache-saml (sandbox README, STS).
        var saml = await SamlFor(await SessionFor(), "0oa2multiAcctXyZ/137");
        var (refused, _) = await Sts(SamlForm(saml, duration: 899));
        Assert.Equal(HttpStatusCode.BadRequest, refused);

        // The refused call spent nothing: the same assertion works for the same role, twice, with new keys each time.
        var first = await AssumeWithSaml(DeveloperRole, DevProvider, saml);
        var again = await AssumeWithSaml(DeveloperRole, DevProvider, saml);
        Assert.Matches(KeyIdPattern(), first.AccessKeyId);
        Assert.NotEqual(first.AccessKeyId, again.AccessKeyId);

        // Every other role it names, all at once.
        const string ProdProvider = "arn:aws:iam::222222222222:saml-provider/Okta";
        string[][] others =
        [
            ["arn:aws:iam::111111111111:role/ReadOnly", DevProvider],
            ["arn:aws:iam::222222222222:role/team/Admin", ProdProvider],
            ["arn:aws:iam::222222222222:role/Deployer", ProdProvider],
        ];
        var keys = await Task.WhenAll(others.Select(r => AssumeWithSaml(r[0], r[1], saml)));
        Assert.Equal(3, keys.Select(k => k.AccessKeyId).Distinct().Count());

        // Five minutes after its issue STS stops taking it, whatever the role.
        Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var (late, xml) = await Sts(SamlForm(saml));
        Assert.Equal(HttpStatusCode.BadRequest, late);
        Assert.Equal("ExpiredTokenException", StsValue(xml, "Code"));
        Assert.Equal("Token must be redeemed within 5 minutes of issuance", StsValue(xml, "Message"));
    }

    [Fact]
    public async Task Signing_is_checked_against_real_time_and_a_valid_region_while_credentials_expire_by_the_sandbox_clock()
    {
        var (akid, secret, token) = await AssumeWithSaml(DeveloperRole, DevProvider, await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272"));
        Dictionary<string, string> Call() => new() { ["Action"] = "GetCallerIdentity" };

        var (badRegion, xml) = await Sts(Call(), new StsSigner(akid, secret, token, Clock.GetUtcNow(), region: "moon-base-1"));
        Assert.Equal(HttpStatusCode.Forbidden, badRegion);
        Assert.Equal("SignatureDoesNotMatch", StsValue(xml, "Code"));
        Assert.Contains("valid region", StsValue(xml, "Message"));
        Assert.Equal(HttpStatusCode.OK, (await Sts(Call(), new StsSigner(akid, secret, token, Clock.GetUtcNow(), region: "eu-central-1"))).Status);

        // Moving the sandbox clock 30 minutes on: a client signing with the real time is still current...
        await PostJson("/_sandbox/clock", new { advanceSeconds = 1800 });
        Assert.Equal(HttpStatusCode.OK, (await Sts(Call(), new StsSigner(akid, secret, token, Clock.GetUtcNow()))).Status);

        // ...and past the credentials' hour they expire (403 ExpiredToken, as STS says it), still signed with real time.
        await PostJson("/_sandbox/clock", new { advanceSeconds = 1801 });
        var (expired, expiredXml) = await Sts(Call(), new StsSigner(akid, secret, token, Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Forbidden, expired);
        Assert.Equal("ExpiredToken", StsValue(expiredXml, "Code"));
    }

    [Fact]
    public async Task The_same_services_answer_over_https_with_the_sandboxs_own_CA_and_okta_links_use_https()
    {
        Assert.StartsWith("https://127.0.0.1:", Sandbox.HttpsUrl);
        using var https = new HttpClient(Sandbox.Certificates.TrustingHandler(allowAutoRedirect: false, useCookies: false)) { BaseAddress = new Uri(Sandbox.HttpsUrl) };
        using var content = new StringContent("{\"username\":\"jane@example.com\",\"password\":\"correct-horse-battery\"}", Encoding.UTF8, "application/json");
        var response = await https.PostAsync("/api/v1/authn", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tx = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith(Sandbox.HttpsUrl + "/api/v1/authn/factors/", (string?)tx["_embedded"]!["factors"]![0]!["_links"]!["verify"]!["href"]);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("DT=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));

        // A client that doesn't trust the sandbox's CA is refused at the handshake.
        using var untrusting = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(Sandbox.HttpsUrl + "/api/v1/users/me/appLinks"));
    }

    [GeneratedRegex("^ASIA[A-Z2-7]{16}$")]
    private static partial Regex KeyIdPattern();
}
