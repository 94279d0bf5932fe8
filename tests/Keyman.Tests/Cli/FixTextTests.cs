using System.Text.RegularExpressions;

namespace Keyman.Tests.Cli;

/// <summary>
/// Every flag a message tells the user to type ("Fix: … --role …", "use --model …") is a flag Keyman has: each
/// --flag written in a string of the sources appears in the --help of some command.
/// </summary>
public sealed partial class FixTextTests
{
    private static readonly string[][] Commands =
    [
        [], ["exec"], ["env"], ["credential-process"], ["setup-profile"], ["setup"], ["setup", "claude-code"], ["config"],
        ["bedrock"], ["bedrock", "models"], ["bedrock", "ask"], ["bedrock", "chat"], ["doctor"], ["status"], ["logout"],
        ["completion"], ["serve"],
    ];

    // Flags that belong to other programs, named in messages on purpose (the AWS CLI's, a shell's, the tests' sandbox).
    private static readonly HashSet<string> OtherPrograms =
    [
        "--endpoint-url", "--cli-binary-format", "--no-cli-pager", "--query", "--output", "--body", "--region-name", "--scenario",
        "--ready-file", "--https-port", "--time-scale", "--latency-ms", "--fault", "--port", "--ca-file", "--messages", "--no-sandbox",
        "--headless", "--user-data-dir", "--remote-debugging-port", "--ignore-certificate-errors", "--add-source", "--tool-path",
        "--unlock", // gnome-keyring-daemon
    ];

    [Fact]
    public async Task Every_flag_a_message_names_exists()
    {
        var help = new System.Text.StringBuilder();
        foreach (var command in Commands)
        {
            await using var cli = await CliTestHost.OfflineAsync();
            var code = await cli.RunAsync([.. command, "--help"]);
            Assert.True(code == 0, $"keyman {string.Join(' ', command)} --help: {cli}");
            help.Append(cli.Out).Append('\n');
        }

        var known = FlagPattern().Matches(help.ToString()).Select(m => m.Value).ToHashSet();
        var root = Root();
        var named = Directory.EnumerateFiles(Path.Combine(root, "src", "Keyman.Core"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src", "Keyman"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => StringLiteral().Matches(File.ReadAllText(f)).Select(literal => (File: Path.GetFileName(f), Text: literal.Value)))
            .SelectMany(s => FlagPattern().Matches(s.Text).Select(m => (s.File, Flag: m.Value)))
            .Where(s => !OtherPrograms.Contains(s.Flag))
            .ToList();

        Assert.NotEmpty(named);
        Assert.Empty(named.Where(s => !known.Contains(s.Flag)).Select(s => $"{s.File}: {s.Flag}").Distinct());
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keyman.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keyman.slnx not found");
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9_-]*[a-z0-9]")]
    private static partial Regex FlagPattern();

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();
}
