using System.Net;
using Keyman.Sandbox.Scenario;

namespace Keyman.Tests.Sandbox;

/// <summary>A role whose trust policy leaves the SAML provider out, and an IdP whose assertions expire before STS's five minutes.</summary>
public sealed class SandboxStsTrustTests : SandboxTestBase
{
    private const string Provider = "arn:aws:iam::111111111111:saml-provider/Okta";

    protected override ScenarioDocument? Scenario
    {
        get
        {
            var scenario = ScenarioDocument.LoadDefault();
            scenario.FindRole("arn:aws:iam::111111111111:role/ReadOnly")!.TrustsSaml = false;
            scenario.Settings.AssertionLifetimeSeconds = 60;
            return scenario;
        }
    }

    private static Dictionary<string, string> Form(string saml, string role) => new()
    {
        ["Action"] = "AssumeRoleWithSAML", ["RoleArn"] = role, ["PrincipalArn"] = Provider, ["SAMLAssertion"] = saml,
    };

    [Fact]
    public async Task A_role_that_does_not_trust_the_provider_is_refused_while_the_others_of_the_assertion_work()
    {
        var saml = await SamlFor(await SessionFor(), "0oa2multiAcctXyZ/137");

        var (status, xml) = await Sts(Form(saml, "arn:aws:iam::111111111111:role/ReadOnly"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("AccessDenied", StsValue(xml, "Code"));
        Assert.Equal("Not authorized to perform sts:AssumeRoleWithSAML", StsValue(xml, "Message"));

        await AssumeWithSaml("arn:aws:iam::111111111111:role/Developer", Provider, saml);
    }

    [Fact]
    public async Task Past_the_assertions_own_NotOnOrAfter_it_has_expired()
    {
        var saml = await SamlFor(await SessionFor(), "0oa2multiAcctXyZ/137");
        Clock.Advance(TimeSpan.FromSeconds(61));

        var (status, xml) = await Sts(Form(saml, "arn:aws:iam::111111111111:role/Developer"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ExpiredTokenException", StsValue(xml, "Code"));
        Assert.Equal("Response has expired", StsValue(xml, "Message"));
    }
}
