using System.CommandLine;
using System.CommandLine.Help;
using Keyman.Cli;
using Keyman.Cli.Commands;
using Keyman.Cli.Console;

namespace Keyman.Tests.Cli;

/// <summary>
/// One spelling per concept on every command: walks the whole command tree, so a new command or option that spells a
/// concept its own way fails here.
/// </summary>
public sealed class OptionSpellingTests
{
    private static readonly RootCommand Root = KeymanCli.Build(CliTestHost.Capture(TextWriter.Null));

    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);

    private static IEnumerable<(string Path, Option Option)> AllOptions() =>
        Commands(Root).SelectMany(c => SectionedHelp.OptionsOf(c).Select(o => (Path(c), o)));

    private static string Path(Command command) => command == Root ? "keyman" : $"{Path(command.Parents.OfType<Command>().Single())} {command.Name}";

    private static HashSet<string> Spellings(Option option) => [option.Name, .. option.Aliases];

    [Fact]
    public void ASpellingMeansTheSameSpellingsOnEveryCommand()
    {
        var bySpelling = AllOptions()
            .SelectMany(o => Spellings(o.Option).Select(s => (Spelling: s, o.Path, Set: string.Join(' ', Spellings(o.Option).Order(StringComparer.Ordinal)))))
            .GroupBy(o => o.Spelling);

        var clashes = bySpelling.Where(g => g.Select(o => o.Set).Distinct().Count() > 1)
            .Select(g => $"{g.Key}: " + string.Join("; ", g.GroupBy(o => o.Set).Select(s => $"{s.Key} on {string.Join(", ", s.Select(o => o.Path))}")))
            .ToList();

        Assert.Empty(clashes);
    }

    [Fact]
    public void ARegionIsAlwaysRegionWithTheOriginalsRe()
    {
        var regions = AllOptions().Where(o => Spellings(o.Option).Any(s => s.Contains("region", StringComparison.OrdinalIgnoreCase))
            || (o.Option.Description ?? string.Empty).StartsWith("AWS region", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(regions);
        Assert.All(regions, o => Assert.True(Spellings(o.Option).SetEquals(["--region", "-re"]), $"{o.Path}: {string.Join(", ", Spellings(o.Option))}"));
        foreach (var path in new[] { "keyman", "keyman exec", "keyman env", "keyman credential-process", "keyman setup-profile", "keyman bedrock models",
                     "keyman bedrock ask", "keyman bedrock chat", "keyman doctor", "keyman setup claude-code" })
        {
            Assert.Contains(regions, o => o.Path == path);
        }
    }

    [Fact]
    public void AProfileNameIsAlwaysProfileWithNAndName()
    {
        var profiles = AllOptions().Where(o => Spellings(o.Option).Overlaps(["--profile", "--name", "-n"])).ToList();

        Assert.All(profiles, o => Assert.True(Spellings(o.Option).SetEquals(["--profile", "-n", "--name"]), $"{o.Path}: {string.Join(", ", Spellings(o.Option))}"));
        foreach (var path in new[] { "keyman", "keyman credential-process", "keyman setup-profile", "keyman bedrock models", "keyman bedrock ask",
                     "keyman bedrock chat", "keyman doctor", "keyman setup claude-code" })
        {
            Assert.Contains(profiles, o => o.Path == path);
        }
    }

    [Theory]
    [InlineData("keyman env")]
    [InlineData("keyman status")]
    [InlineData("keyman doctor")]
    [InlineData("keyman bedrock models")]
    public void EveryCommandWithMachineOutputHasJson(string path) =>
        Assert.Contains(AllOptions(), o => o.Path == path && o.Option.Name == "--json" && o.Option.Aliases.Count == 0);

    [Theory]
    [InlineData("keyman")]
    [InlineData("keyman exec")]
    [InlineData("keyman env")]
    [InlineData("keyman credential-process")]
    public void TheLoginCommandsHaveQuiet(string path) =>
        Assert.Contains(AllOptions(), o => o.Path == path && Spellings(o.Option).SetEquals(["--quiet", "-q"]));

    [Fact]
    public void EveryCommandThatRunsHasDebug()
    {
        // A group without an action of its own (keyman bedrock) only prints its help; everything that runs takes -D/--debug.
        var runnable = Commands(Root).Where(c => c.Action is not null).ToList();
        var missing = runnable.Where(c => !SectionedHelp.OptionsOf(c).Any(o => Spellings(o).SetEquals(["--debug", "-D"]))).Select(Path).ToList();

        Assert.NotEmpty(runnable);
        Assert.Empty(missing);
    }

    [Fact]
    public void OnlyHelpReachesSubcommandsFromAbove()
    {
        // A recursive option would show (and parse) on every subcommand, whether it applies there or not.
        Assert.All(Commands(Root).SelectMany(c => c.Options).Where(o => o.Recursive), o => Assert.IsType<HelpOption>(o));
    }

    [Fact]
    public void EveryListedOptionBelongsToASectionOrTheCommand()
    {
        // The sections are fixed; an option the table gives an unknown section would never be printed.
        Assert.All(AllOptions(), o => Assert.True(CommonOptions.Section(o.Option) is null || CommonOptions.Sections.Contains(CommonOptions.Section(o.Option)!)));
    }

    [Theory]
    // aws_okta_keyman's flags, short and long (shared/reference/aws_okta_keyman.md), each still parses on the login.
    [InlineData("-o", "acme")]
    [InlineData("--org", "acme")]
    [InlineData("-u", "jane")]
    [InlineData("--username", "jane")]
    [InlineData("-a", "0oa1/272")]
    [InlineData("--appid", "0oa1/272")]
    [InlineData("-D")]
    [InlineData("--debug")]
    [InlineData("-r")]
    [InlineData("--reup")]
    [InlineData("-d", "push")]
    [InlineData("--duo_factor", "push")]
    [InlineData("-n", "work")]
    [InlineData("--name", "work")]
    [InlineData("-c", "/tmp/k.yml")]
    [InlineData("--config", "/tmp/k.yml")]
    [InlineData("-w", "/tmp/k.yml")]
    [InlineData("--writepath", "/tmp/k.yml")]
    [InlineData("-p")]
    [InlineData("--oktapreview")]
    [InlineData("-P")]
    [InlineData("--password_cache")]
    [InlineData("-R")]
    [InlineData("--password_reset")]
    [InlineData("-C", "ls")]
    [InlineData("--command", "ls")]
    [InlineData("-s")]
    [InlineData("--screen")]
    [InlineData("-re", "eu-west-1")]
    [InlineData("--region", "eu-west-1")]
    [InlineData("-du", "7200")]
    [InlineData("--duration", "7200")]
    [InlineData("-co")]
    [InlineData("--console")]
    [InlineData("-U")]
    [InlineData("--update")]
    [InlineData("-ac", "123456789012")]
    [InlineData("--account", "123456789012")]
    [InlineData("-ro", "Admin")]
    [InlineData("--role", "Admin")]
    public void EveryFlagOfTheOriginalStillParses(params string[] args) =>
        Assert.Empty(Root.Parse(args).Errors);

    [Fact]
    public void VersionKeepsTheOriginalsShortFlag() => Assert.Contains(Root.Options, o => o is VersionOption && o.Aliases.Contains("-V"));

    [Fact]
    public async Task LoginHelpIsInSectionsWithEachOptionUnderItsOwn()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync("--help"));

        var sections = Sections(cli.Out);
        Assert.Equal(["Options:", "Okta options:", "AWS options:", "Session options:", "Output options:", "Commands:"],
            sections.Keys.Where(k => k != "Description:" && k != "Usage:").ToList());
        Assert.Contains(sections["Okta options:"], l => l.StartsWith("-o, --org <org>", StringComparison.Ordinal));
        Assert.Contains(sections["Okta options:"], l => l.StartsWith("--factor <factor>", StringComparison.Ordinal));
        Assert.Contains(sections["AWS options:"], l => l.StartsWith("-n, --profile <profile>", StringComparison.Ordinal));
        Assert.Contains(sections["AWS options:"], l => l.StartsWith("-re, --region <region>", StringComparison.Ordinal));
        Assert.Contains(sections["Session options:"], l => l.StartsWith("-r, --reup", StringComparison.Ordinal));
        Assert.Contains(sections["Output options:"], l => l.StartsWith("-q, --quiet", StringComparison.Ordinal));
        Assert.Contains(sections["Output options:"], l => l.StartsWith("-s, --screen", StringComparison.Ordinal));
        Assert.Contains(sections["Options:"], l => l.StartsWith("-c, --config <config>", StringComparison.Ordinal));
        Assert.Contains(sections["Options:"], l => l.StartsWith("-?, -h, --help", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-n, --profile <profile>", "--name")]
    [InlineData("-d, --duo-factor <duo-factor>", "--duo_factor")]
    [InlineData("-P, --password-cache ", "--password_cache")]
    [InlineData("-R, --password-reset ", "--password_reset")]
    public async Task TheOriginalsOtherSpellingIsNamedOnTheLineOfKeymansOne(string listed, string original)
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync("--help"));

        var line = Assert.Single(cli.Out.Split('\n'), l => l.Contains(original, StringComparison.Ordinal));
        Assert.StartsWith("  " + listed, line, StringComparison.Ordinal);
        Assert.EndsWith($"(aws_okta_keyman: {original})", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setup")]
    [InlineData("setup-profile")]
    [InlineData("doctor")]
    [InlineData("bedrock", "models")]
    [InlineData("credential-process")]
    public async Task CommandsTheOriginalNeverHadNameNoOriginalSpellingForTheirProfile(params string[] command)
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync([.. command, "--help"]));

        Assert.Contains("-n, --profile <profile>", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("(aws_okta_keyman: --name)", cli.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env")]
    [InlineData("exec")]
    [InlineData("credential-process")]
    public async Task CommandsTakingTheOriginalsLoginFlagsNameItsSpellingAndDuoIsNotCalledUnsupported(string command)
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync([command, "--help"]));

        var line = Assert.Single(cli.Out.Split('\n'), l => l.Contains("--duo-factor", StringComparison.Ordinal));
        Assert.EndsWith("(aws_okta_keyman: --duo_factor)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not supported", cli.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bedrock", "models")]
    [InlineData("bedrock", "ask")]
    [InlineData("doctor")]
    [InlineData("status")]
    public async Task ASubcommandListsOnlyItsOwnOptions(params string[] command)
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync([.. command, "--help"]));

        foreach (var loginOnly in new[] { "--org", "--appid", "--reup", "--screen", "--console", "--duration", "--quiet", "--factor", "--version" })
        {
            Assert.DoesNotContain(loginOnly, cli.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EnvDoesNotOfferARefreshItNeverDoes()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync("env", "--help"));

        Assert.DoesNotContain("--refresh-before", cli.Out, StringComparison.Ordinal);
        Assert.Contains("--json", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpShowsEvenWhenARequiredValueIsMissing()
    {
        await using var cli = await CliTestHost.OfflineAsync();

        Assert.Equal(0, await cli.RunAsync("credential-process", "--help"));

        Assert.Contains("-n, --profile <profile> (REQUIRED)", cli.Out, StringComparison.Ordinal);
        Assert.Empty(cli.Error);
    }

    private static Dictionary<string, List<string>> Sections(string help)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in help.Split('\n'))
        {
            if (line.Length > 0 && !line.StartsWith(' ') && line.EndsWith(':'))
            {
                sections[line] = current = [];
            }
            else if (current is not null && line.StartsWith("  ", StringComparison.Ordinal))
            {
                current.Add(line.Trim());
            }
        }

        return sections;
    }
}
