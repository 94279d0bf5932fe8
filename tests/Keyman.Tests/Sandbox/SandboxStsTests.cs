using System.Globalization;
using System.Net;
using System.Text;

namespace Keyman.Tests.Sandbox;

public sealed class SandboxStsTests : SandboxTestBase
{
    private const string DeveloperRole = "arn:aws:iam::111111111111:role/Developer";
    private const string DevProvider = "arn:aws:iam::111111111111:saml-provider/Okta";
    private const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";

    private Dictionary<string, string> SamlForm(string saml, string role = DeveloperRole, string provider = DevProvider, int? duration = null)
    {
        var form = new Dictionary<string, string> { ["Action"] = "AssumeRoleWithSAML", ["RoleArn"] = role, ["PrincipalArn"] = provider, ["SAMLAssertion"] = saml };
        if (duration is not null)
        {
            form["DurationSeconds"] = duration.Value.ToString(CultureInfo.InvariantCulture);
        }

        return form;
    }

    private static void AssertStsError(HttpStatusCode status, string code, string? message, (HttpStatusCode Status, System.Xml.Linq.XDocument Xml) r)
    {
        Assert.Equal(status, r.Status);
        Assert.Equal("ErrorResponse", r.Xml.Root!.Name.LocalName);
        Assert.Equal("https://sts.amazonaws.com/doc/2011-06-15/", r.Xml.Root.Name.NamespaceName);
        Assert.Equal(code, StsValue(r.Xml, "Code"));
        Assert.NotNull(StsValue(r.Xml, "RequestId"));
        if (message is not null)
        {
            Assert.Equal(message, StsValue(r.Xml, "Message"));
        }
    }

    [Fact]
    public async Task Assume_role_with_saml_returns_credentials_in_the_documented_shape()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        var (status, xml) = await Sts(SamlForm(saml, duration: 7200));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AssumeRoleWithSAMLResponse", xml.Root!.Name.LocalName);
        Assert.Matches("^ASIA[A-Z0-9]{16}$", StsValue(xml, "AccessKeyId"));
        Assert.Equal(40, StsValue(xml, "SecretAccessKey")!.Length);
        Assert.True(StsValue(xml, "SessionToken")!.Length > 100);
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com", StsValue(xml, "Arn"));
        Assert.Matches("^AROA[A-Z0-9]{17}:nomfa@example.com$", StsValue(xml, "AssumedRoleId"));
        Assert.Equal("https://signin.aws.amazon.com/saml", StsValue(xml, "Audience"));
        Assert.Equal("nomfa@example.com", StsValue(xml, "Subject"));
        Assert.NotNull(StsValue(xml, "RequestId"));
        var expiration = DateTimeOffset.Parse(StsValue(xml, "Expiration")!, CultureInfo.InvariantCulture);
        Assert.InRange(expiration - Clock.GetUtcNow(), TimeSpan.FromSeconds(7195), TimeSpan.FromSeconds(7201));
    }

    [Fact]
    public async Task Expired_assertion_is_refused()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        AssertStsError(HttpStatusCode.BadRequest, "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", await Sts(SamlForm(saml)));
    }

    [Fact]
    public async Task Forged_and_garbled_assertions_are_invalid_identity_tokens()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        var forgedXml = Encoding.UTF8.GetString(Convert.FromBase64String(saml)).Replace("role/Developer", "role/ReadOnly", StringComparison.Ordinal);
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes(forgedXml));
        AssertStsError(HttpStatusCode.BadRequest, "InvalidIdentityToken", null, await Sts(SamlForm(forged, "arn:aws:iam::111111111111:role/ReadOnly")));
        AssertStsError(HttpStatusCode.BadRequest, "InvalidIdentityToken", null, await Sts(SamlForm("not-base64-at-all!!")));
    }

    [Fact]
    public async Task Role_not_in_the_assertion_is_access_denied()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        AssertStsError(HttpStatusCode.Forbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML",
            await Sts(SamlForm(saml, "arn:aws:iam::111111111111:role/ReadOnly")));
        AssertStsError(HttpStatusCode.Forbidden, "AccessDenied", null,
            await Sts(SamlForm(saml, DeveloperRole, "arn:aws:iam::111111111111:saml-provider/Other")));
    }

    [Fact]
    public async Task Duration_is_validated_against_limits_and_role_max()
    {
        // Each call takes its own assertion: STS takes one once, even for a call it refuses.
        var sid = await SessionFor();
        AssertStsError(HttpStatusCode.BadRequest, "ValidationError", null, await Sts(SamlForm(await SamlFor(sid, "0oa2multiAcctXyZ/137"), duration: 899)));
        AssertStsError(HttpStatusCode.BadRequest, "ValidationError", null, await Sts(SamlForm(await SamlFor(sid, "0oa2multiAcctXyZ/137"), duration: 43201)));
        AssertStsError(HttpStatusCode.BadRequest, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            await Sts(SamlForm(await SamlFor(sid, "0oa2multiAcctXyZ/137"), "arn:aws:iam::111111111111:role/ReadOnly", duration: 7200)));
    }

    [Fact]
    public async Task Session_duration_attribute_caps_the_credentials()
    {
        // team/Admin allows 7200 s but the app's SessionDuration attribute says 3600.
        var saml = await SamlFor(await SessionFor(), "0oa2multiAcctXyZ/137");
        var (status, xml) = await Sts(SamlForm(saml, "arn:aws:iam::222222222222:role/team/Admin", "arn:aws:iam::222222222222:saml-provider/Okta", 7200));
        Assert.Equal(HttpStatusCode.OK, status);
        var expiration = DateTimeOffset.Parse(StsValue(xml, "Expiration")!, CultureInfo.InvariantCulture);
        Assert.InRange(expiration - Clock.GetUtcNow(), TimeSpan.FromSeconds(3595), TimeSpan.FromSeconds(3601));
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/Admin/nomfa@example.com", StsValue(xml, "Arn"));
    }

    [Fact]
    public async Task Get_caller_identity_with_issued_credentials()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        var (akid, secret, token) = await AssumeWithSaml(DeveloperRole, DevProvider, saml);
        var (status, xml) = await Sts(new() { ["Action"] = "GetCallerIdentity" }, new StsSigner(akid, secret, token, Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("111111111111", StsValue(xml, "Account"));
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com", StsValue(xml, "Arn"));
        Assert.Matches("^AROA[A-Z0-9]{17}:nomfa@example.com$", StsValue(xml, "UserId"));
    }

    [Fact]
    public async Task Signed_calls_fail_like_aws_for_bad_keys_tokens_signatures_and_clock_skew()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        var (akid, secret, token) = await AssumeWithSaml(DeveloperRole, DevProvider, saml);
        var now = Clock.GetUtcNow();
        Dictionary<string, string> Call() => new() { ["Action"] = "GetCallerIdentity" };

        AssertStsError(HttpStatusCode.Forbidden, "SignatureDoesNotMatch", null,
            await Sts(Call(), new StsSigner(akid, "wrong" + secret[5..], token, now)));
        AssertStsError(HttpStatusCode.Forbidden, "InvalidClientTokenId", "The security token included in the request is invalid.",
            await Sts(Call(), new StsSigner("ASIAAAAAAAAAAAAAAAAA", secret, token, now)));
        AssertStsError(HttpStatusCode.Forbidden, "InvalidClientTokenId", null,
            await Sts(Call(), new StsSigner(akid, secret, "bogus", now)));
        AssertStsError(HttpStatusCode.Forbidden, "InvalidClientTokenId", null,
            await Sts(Call(), new StsSigner(akid, secret, null, now)));
        var skewed = await Sts(Call(), new StsSigner(akid, secret, token, now.AddMinutes(-6)));
        AssertStsError(HttpStatusCode.Forbidden, "SignatureDoesNotMatch", null, skewed);
        Assert.StartsWith("Signature expired", StsValue(skewed.Xml, "Message"));
        AssertStsError(HttpStatusCode.Forbidden, "MissingAuthenticationToken", null, await Sts(Call()));

        Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        AssertStsError(HttpStatusCode.Forbidden, "ExpiredToken", "The security token included in the request is expired",
            await Sts(Call(), new StsSigner(akid, secret, token, Clock.GetUtcNow())));
    }

    [Fact]
    public async Task Assume_role_chains_only_where_allowed_and_caps_at_one_hour()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        var (akid, secret, token) = await AssumeWithSaml(DeveloperRole, DevProvider, saml);
        var signer = new StsSigner(akid, secret, token, Clock.GetUtcNow());

        var (status, xml) = await Sts(new() { ["Action"] = "AssumeRole", ["RoleArn"] = BedrockRole, ["RoleSessionName"] = "bedrock" }, signer);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("AssumeRoleResponse", xml.Root!.Name.LocalName);
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/my-bedrock-role/bedrock", StsValue(xml, "Arn"));

        var chained = new StsSigner(StsValue(xml, "AccessKeyId")!, StsValue(xml, "SecretAccessKey")!, StsValue(xml, "SessionToken")!, Clock.GetUtcNow());
        var (_, identity) = await Sts(new() { ["Action"] = "GetCallerIdentity" }, chained);
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/my-bedrock-role/bedrock", StsValue(identity, "Arn"));

        AssertStsError(HttpStatusCode.BadRequest, "ValidationError", null,
            await Sts(new() { ["Action"] = "AssumeRole", ["RoleArn"] = BedrockRole, ["RoleSessionName"] = "bedrock", ["DurationSeconds"] = "7200" }, signer));
        AssertStsError(HttpStatusCode.Forbidden, "AccessDenied",
            "User: arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/team/Admin",
            await Sts(new() { ["Action"] = "AssumeRole", ["RoleArn"] = "arn:aws:iam::222222222222:role/team/Admin", ["RoleSessionName"] = "x1" }, signer));
    }

    [Fact]
    public async Task Unknown_action_is_invalid_action()
    {
        AssertStsError(HttpStatusCode.BadRequest, "InvalidAction", null, await Sts(new() { ["Action"] = "GetSessionTokenz" }));
    }
}
