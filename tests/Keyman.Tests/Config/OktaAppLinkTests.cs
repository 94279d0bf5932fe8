using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Tests.Support;

namespace Keyman.Tests.Config;

public sealed class OktaAppLinkTests
{
    [Theory]
    [InlineData("https://acme.okta.com/home/amazon_aws/0oa1b2c3d4EXAMPLE/272", "0oa1b2c3d4EXAMPLE/272")]
    [InlineData("https://acme.okta.com/home/amazon_aws/0oa1b2c3d4EXAMPLE/272?fromHome=true", "0oa1b2c3d4EXAMPLE/272")]
    [InlineData(" https://login.acme.com/home/amazon_aws/0oa1b2c3d4EXAMPLE/272/#x ", "0oa1b2c3d4EXAMPLE/272")]
    [InlineData("acme.okta.com/home/amazon_aws/0oa1b2c3d4EXAMPLE/272", "0oa1b2c3d4EXAMPLE/272")]
    [InlineData("0oa1b2c3d4EXAMPLE/272", "0oa1b2c3d4EXAMPLE/272")]
    [InlineData(" 0oa1b2c3d4EXAMPLE/272 ", "0oa1b2c3d4EXAMPLE/272")]
    [InlineData("https://acme.okta.com/app/UserHome", "https://acme.okta.com/app/UserHome")]
    public void A_pasted_link_is_reduced_to_the_app_id(string pasted, string appId) => Assert.Equal(appId, OktaAppLink.ToAppId(pasted));

    [Fact]
    public void The_file_reduces_appid_and_accounts_links()
    {
        var config = ConfigFile.Parse(
            "org: acme\nappid: https://acme.okta.com/home/amazon_aws/0oa1dev/272?fromHome=true\naccounts:\n  - name: prod\n    appid: https://acme.okta.com/home/amazon_aws/0oa2prod/272\n",
            "/tmp/k.yml", new RecordingLog(), new DictionaryEnvironment(new Dictionary<string, string>(), "/tmp"));
        Assert.Equal("0oa1dev/272", config.AppId);
        Assert.Equal("0oa2prod/272", Assert.Single(config.Accounts!).AppId);
    }
}
