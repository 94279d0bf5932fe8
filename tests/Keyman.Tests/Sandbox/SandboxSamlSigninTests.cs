using System.Net;
using Keyman.Core.Aws;
using Keyman.Sandbox.Scenario;

namespace Keyman.Tests.Sandbox;

public sealed class SandboxSamlSigninTests : SandboxTestBase
{
    private async Task<(HttpStatusCode Status, string Html)> PostSaml(string saml)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["SAMLResponse"] = saml, ["RelayState"] = "" });
        using var response = await Http.PostAsync(Base + "/saml", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Shows_each_account_with_its_alias_and_its_roles()
    {
        var saml = await SamlFor(await SessionFor(), "0oa2multiAcctXyZ/137");
        var (status, html) = await PostSaml(saml);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<div class=\"saml-account-name\">Account: sandbox-prod-account (222222222222)</div>", html);
        Assert.Contains("value=\"arn:aws:iam::222222222222:role/team/Admin\"", html);
        var names = AccountAliases.Parse(html);
        Assert.Equal("sandbox-dev", names["111111111111"]);
        Assert.Equal("sandbox-prod-account", names["222222222222"]);
    }

    [Theory]
    [InlineData("Sandbox Dev")]
    [InlineData("-dev")]
    [InlineData("a--b")]
    [InlineData("ab")]
    public void A_scenario_alias_that_IAM_would_refuse_is_refused(string alias) =>
        Assert.Throws<InvalidDataException>(() => ScenarioDocument.Parse($"{{\"accountAliases\": {{\"111111111111\": \"{alias}\"}}}}"));

    [Fact]
    public async Task Refuses_a_forged_or_expired_assertion_with_an_html_page()
    {
        var (forged, page) = await PostSaml(Convert.ToBase64String("<x/>"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, forged);
        Assert.Contains("invalid SAML response", page);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostSaml("!!!")).Status);

        var saml = await SamlFor(await SessionFor(), "0oa2multiAcctXyZ/137");
        Clock.Advance(TimeSpan.FromMinutes(6));
        var (expired, expiredPage) = await PostSaml(saml);
        Assert.Equal(HttpStatusCode.BadRequest, expired);
        Assert.Contains("expired", expiredPage);
    }
}
