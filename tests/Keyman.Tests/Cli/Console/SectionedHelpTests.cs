using System.CommandLine;
using Keyman.Cli.Console;

namespace Keyman.Tests.Cli.Console;

public sealed class SectionedHelpTests
{
    private static Command Sample()
    {
        var command = new Command("demo", "A demo command");
        command.Options.Add(new Option<string>("--region", "-re") { Description = "AWS region for STS and the profile, written to the profile and used for every call (default: us-east-1)" });
        command.Options.Add(new Option<bool>("--stream") { Description = "Print the answer as it arrives" });
        command.Options.Add(new Option<string>("--name", "-n", "--profile") { Description = "AWS profile" });
        return command;
    }

    [Fact]
    public void OnANarrowTerminalDescriptionsWrapUnderTheirColumn()
    {
        var help = new SectionedHelp(60).Write(Sample());

        var lines = help.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 60, $"'{l}' is wider than 60"));
        var first = Array.FindIndex(lines, l => l.StartsWith("  -re, --region <region>", StringComparison.Ordinal));
        var column = lines[first].IndexOf("AWS region", StringComparison.Ordinal);
        Assert.StartsWith(new string(' ', column) + "profile", lines[first + 1], StringComparison.Ordinal);
    }

    [Fact]
    public void NotOnATerminalEachOptionIsOneLineInItsSection()
    {
        var help = new SectionedHelp(int.MaxValue).Write(Sample());

        Assert.Contains("Options:\n  --stream                 Print the answer as it arrives\n\nAWS options:\n", help, StringComparison.Ordinal);
        Assert.Contains("  -re, --region <region>   AWS region for STS and the profile, written to the profile and used for every call (default: us-east-1)\n", help, StringComparison.Ordinal);
        Assert.Contains("  -n, --profile <profile>  AWS profile (aws_okta_keyman: --name)\n", help, StringComparison.Ordinal);
        Assert.StartsWith("Description:\n  A demo command\n\nUsage:\n  demo [options]\n\n", help, StringComparison.Ordinal);
    }
}
