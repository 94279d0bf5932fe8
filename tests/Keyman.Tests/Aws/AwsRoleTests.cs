using Keyman.Core.Aws;

namespace Keyman.Tests.Aws;

public class AwsRoleTests
{
    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/Dev", "aws", "123456789012", "Dev", "Dev")]
    [InlineData("arn:aws:iam::123456789012:role/team/Admin", "aws", "123456789012", "team/Admin", "Admin")]
    [InlineData("arn:aws-us-gov:iam::111122223333:role/a/b/c", "aws-us-gov", "111122223333", "a/b/c", "c")]
    [InlineData("arn:aws-cn:iam::444455556666:role/Ops", "aws-cn", "444455556666", "Ops", "Ops")]
    public void Arn_parts(string arn, string partition, string account, string name, string baseName)
    {
        var role = new AwsRole(arn, $"arn:{partition}:iam::{account}:saml-provider/Okta");

        Assert.Equal(partition, role.Partition);
        Assert.Equal(account, role.AccountId);
        Assert.Equal(name, role.RoleName);
        Assert.Equal(baseName, role.RoleBaseName);
        Assert.Equal($"{account}/{name}", role.Display);
    }
}
