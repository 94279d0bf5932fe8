using System.Xml;
using Keyman.Cli.Console;
using Keyman.Core;

namespace Keyman.Tests.Cli.Console;

public sealed class ErrorReportTests
{
    public static TheoryData<Exception, string> RuntimeFailures => new()
    {
        // Native AOT strips the runtime's resource strings: these messages are what users saw.
        { new FileNotFoundException("IO_FileNotFound_FileName, /home/u/.aws/config", "/home/u/.aws/config"), "the file /home/u/.aws/config does not exist" },
        { new DirectoryNotFoundException("IO_PathNotFound_Path, /nope/x"), "a folder on the way to a file does not exist" },
        { new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, /etc/x"), "permission to read or write a file was denied" },
        { new IOException("IO_SharingViolation_File"), "reading or writing a file failed" },
        { new XmlException("Xml_MissingRoot", null, 3, 7), "an XML document is malformed (line 3, position 7)" },
        { new TypeInitializationException("Keyman.Core.Secrets.SecretStores", null), "a part of Keyman (Keyman.Core.Secrets.SecretStores) could not start" },
        { new InvalidOperationException("InvalidOperation_EnumFailedVersion"), "something Keyman did not expect went wrong" },
    };

    [Theory]
    [MemberData(nameof(RuntimeFailures))]
    public void ARuntimeFailureIsOneLineInKeymansWordsNeverTheRuntimesMessage(Exception failure, string words)
    {
        var error = new StringWriter();

        var code = ErrorReport.Fail(CliTestHost.Capture(error), failure, debug: false);

        Assert.Equal(ExitCodes.Internal, code);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"(ERROR) Unexpected error: {words} ({failure.GetType().Name}). Fix: run again with --debug and report it.", line, StringComparison.Ordinal);
        Assert.DoesNotContain(failure.Message, line, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeymanFailureIsItsMessageAndFixWithItsExitCode()
    {
        var error = new StringWriter();

        var code = ErrorReport.Fail(CliTestHost.Capture(error), new KeymanException(ExitCodes.StsRefused, "STS refused the role.", "Ask your admin."), debug: false);

        Assert.Equal(ExitCodes.StsRefused, code);
        Assert.EndsWith("(ERROR) STS refused the role. Fix: Ask your admin.", error.ToString().TrimEnd());
    }

    [Fact]
    public void CancellationIsExitCode130()
    {
        var error = new StringWriter();

        Assert.Equal(130, ErrorReport.Fail(CliTestHost.Capture(error), new OperationCanceledException(), debug: false));
        Assert.EndsWith("(ERROR) Cancelled.", error.ToString().TrimEnd());
    }

    [Fact]
    public void DebugAddsTheStackButWithholdsAMessageThatMayQuoteAFile()
    {
        var error = new StringWriter();
        var quoting = new InvalidDataException("Line 3:<aws_secret_access_key = wJalrXUtnFEMI> in file /home/u/.aws/credentials");

        ErrorReport.Fail(CliTestHost.Capture(error), new KeymanException(ExitCodes.AwsProfileInvalid, "The profile is broken", "Fix the file.", quoting), debug: true);

        Assert.Contains("message withheld", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", error.ToString(), StringComparison.Ordinal);
    }
}
