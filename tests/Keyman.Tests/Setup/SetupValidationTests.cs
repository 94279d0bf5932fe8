using Keyman.Core;
using Keyman.Core.Setup;

namespace Keyman.Tests.Setup;

public sealed class SetupValidationTests
{
    [Theory]
    [InlineData("acme")]
    [InlineData(" https://acme.okta.com ")]
    [InlineData("login.acme.com")]
    public void AnOrgNameDomainOrUrlIsTakenTrimmed(string org) => Assert.Equal(org.Trim(), SetupValidation.Org(org));

    [Theory]
    [InlineData("$OKTA_ORG", "placeholder")]
    [InlineData("${OKTA_ORG}", "placeholder")]
    [InlineData("ac me", "spaces")]
    [InlineData("", "No Okta org")]
    [InlineData("http://acme.okta.com", "http")]
    public void ABadOrgIsExit2SayingWhy(string org, string why)
    {
        var e = Assert.Throws<KeymanException>(() => SetupValidation.Org(org));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(why, e.Message + e.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(e.Hint);
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/my-bedrock-role")]
    [InlineData("arn:aws:iam::123456789012:role/team/path/Bedrock.Role@x")]
    [InlineData("arn:aws-us-gov:iam::123456789012:role/Gov")]
    public void ARoleArnOfTheRightShapeIsTaken(string arn) => Assert.Equal(arn, SetupValidation.BedrockRoleArn(" " + arn + " "));

    [Theory]
    [InlineData("")]
    [InlineData("none")]
    [InlineData("NONE")]
    [InlineData("-")]
    public void NoBedrockRoleIsNull(string answer) => Assert.Null(SetupValidation.BedrockRoleArn(answer));

    [Theory]
    [InlineData("$BEDROCK_ROLE_ARN", "placeholder")]
    [InlineData("arn:aws:iam::$ACCOUNT_ID:role/my-bedrock-role", "placeholder")]
    [InlineData("arn:aws:iam::12345:role/short-account", "not an IAM role ARN")]
    [InlineData("arn:aws:iam::123456789012:user/jane", "not an IAM role ARN")]
    [InlineData("my-bedrock-role", "not an IAM role ARN")]
    [InlineData("arn:aws:iam::123456789012:role/with space", "not an IAM role ARN")]
    public void ABadRoleArnIsExit2(string arn, string why)
    {
        var e = Assert.Throws<KeymanException>(() => SetupValidation.BedrockRoleArn(arn));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-east-1", true)]
    [InlineData("eu-central-1", true)]
    [InlineData("us-gov-west-1", true)]
    [InlineData("ap-southeast-2", true)]
    [InlineData("US-EAST-1", false)]
    [InlineData("us east 1", false)]
    [InlineData("$AWS_REGION", false)]
    [InlineData("us-east", false)]
    public void RegionsHaveTheirShape(string region, bool valid)
    {
        if (valid)
        {
            Assert.Equal(region, SetupValidation.Region(region));
        }
        else
        {
            Assert.Equal(ExitCodes.Usage, Assert.Throws<KeymanException>(() => SetupValidation.Region(region)).ExitCode);
        }
    }

    [Theory]
    [InlineData("chain", ProfileStyle.RoleChain)]
    [InlineData("", ProfileStyle.RoleChain)]
    [InlineData("Credential-Process", ProfileStyle.CredentialProcess)]
    [InlineData("credential_process", ProfileStyle.CredentialProcess)]
    public void ProfileStyles(string answer, ProfileStyle style) => Assert.Equal(style, SetupValidation.Style(answer));

    [Theory]
    [InlineData("bedrock", true)]
    [InlineData("team.dev_1-a", true)]
    [InlineData("$AWS_PROFILE", false)]
    [InlineData("my profile", false)]
    [InlineData("[bedrock]", false)]
    public void ProfileNames(string name, bool valid)
    {
        if (valid)
        {
            Assert.Equal(name, SetupValidation.ProfileName(name));
        }
        else
        {
            Assert.Throws<KeymanException>(() => SetupValidation.ProfileName(name));
        }
    }

    [Fact]
    public void APastedAppLinkIsReducedToItsId() =>
        Assert.Equal("0oa1b2c3d4/272", SetupValidation.AppId("https://acme.okta.com/home/amazon_aws/0oa1b2c3d4/272?fromHome=true"));

    [Theory]
    [InlineData("", true, true)]
    [InlineData("", false, false)]
    [InlineData("Y", false, true)]
    [InlineData("no", true, false)]
    public void YesOrNo(string answer, bool blank, bool expected) => Assert.Equal(expected, SetupValidation.YesNo(answer, blank));

    [Fact]
    public void AnythingElseIsNotYesOrNo() => Assert.Throws<KeymanException>(() => SetupValidation.YesNo("maybe", true));
}
