using Keyman.Core;
using Keyman.Core.Aws.Sts;

namespace Keyman.Tests.Aws.Sts;

public class StsErrorsTests
{
    // The SDK names neither file nor line when its own parse of the AWS files fails (a region value with '; comment' is
    // one such line); the fix must lead to the command that does name them.
    [Fact]
    public void AnAwsFileTheSdkCannotParseLeadsToDoctorWhichNamesTheLine()
    {
        var sdkFailure = new TypeInitializationException("Amazon.Runtime.CredentialManagement.SharedCredentialsFile", new FormatException("bad region"));

        var e = Assert.IsType<KeymanException>(StsErrors.Map(sdkFailure, new StsCall("GetCallerIdentity", new Uri("https://sts.amazonaws.com"), 1)));

        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Equal("The AWS SDK cannot parse the AWS config or credentials file", e.Message);
        Assert.StartsWith("Run 'keyman doctor'", e.Hint);
    }
}
