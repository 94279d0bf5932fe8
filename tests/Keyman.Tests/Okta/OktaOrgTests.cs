using Keyman.Core;
using Keyman.Core.Okta;

namespace Keyman.Tests.Okta;

public class OktaOrgTests
{
    [Theory]
    [InlineData("acme", false, "https://acme.okta.com/")]
    [InlineData("acme", true, "https://acme.oktapreview.com/")]
    [InlineData("  acme-corp ", false, "https://acme-corp.okta.com/")]
    [InlineData("acme.okta.com", false, "https://acme.okta.com/")]
    [InlineData("acme.okta.com/", false, "https://acme.okta.com/")]
    [InlineData("login.acme.com", false, "https://login.acme.com/")]
    [InlineData("https://acme.okta.com", false, "https://acme.okta.com/")]
    [InlineData("https://acme.okta.com/", true, "https://acme.okta.com/")]
    [InlineData("https://Login.Acme.com", false, "https://login.acme.com/")]
    [InlineData("https://login.acme.com:8443", false, "https://login.acme.com:8443/")]
    [InlineData("http://127.0.0.1:8080", false, "http://127.0.0.1:8080/")]
    [InlineData("http://localhost:5000/", false, "http://localhost:5000/")]
    [InlineData("http://[::1]:9000", false, "http://[::1]:9000/")]
    public void Resolves(string org, bool preview, string expected)
    {
        Assert.Equal(expected, OktaOrg.Resolve(org, preview).AbsoluteUri);
    }

    [Fact]
    public void DisplayHasNoTrailingSlash()
    {
        Assert.Equal("https://acme.okta.com", OktaOrg.Display(OktaOrg.Resolve("acme")));
    }

    [Theory]
    [InlineData("http://acme.okta.com", "https")]
    [InlineData("http://10.0.0.5:8080", "https")]
    [InlineData("ftp://acme.okta.com", "https")]
    [InlineData("$OKTA_ORG", "placeholder")]
    [InlineData("https://$OKTA_ORG.okta.com", "placeholder")]
    [InlineData("acme corp", "spaces")]
    [InlineData("https://acme.okta.com/app/amazon_aws/123", "path")]
    [InlineData("acme.okta.com/home", "path")]
    [InlineData("https://acme.okta.com/?x=1", "path")]
    [InlineData("", "No Okta org")]
    public void RejectsBadOrgs(string org, string messagePart)
    {
        var e = Assert.Throws<KeymanException>(() => OktaOrg.Resolve(org));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains(messagePart, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(e.Hint));
    }

    [Fact]
    public void PlaceholderHintNamesTheHowToVariable()
    {
        var e = Assert.Throws<KeymanException>(() => OktaOrg.Resolve("$OKTA_ORG"));
        Assert.Contains("$OKTA_ORG", e.Hint, StringComparison.Ordinal);
    }
}
