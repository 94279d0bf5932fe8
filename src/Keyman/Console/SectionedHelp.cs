using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using System.Text;
using Keyman.Cli.Commands;

namespace Keyman.Cli.Console;

/// <summary>
/// <c>--help</c> with the options in sections (the command's own, then Okta, AWS, sessions, output), which
/// System.CommandLine 2's own help cannot do (its builder is internal). Written from the command tree alone: no
/// reflection, so it stays trim- and AOT-safe. Only the options a command takes are listed: its own and the recursive
/// ones of its parents (--help). aws_okta_keyman's other spellings (<see cref="CommonOptions.Unlisted"/>) are named at
/// the end of their option's line rather than listed as spellings of their own.
/// </summary>
internal sealed class SectionedHelp(int maxWidth) : SynchronousCommandLineAction
{
    private const string Indent = "  ";

    /// <summary>Makes every --help of <paramref name="root"/>'s tree print sectioned help.</summary>
    public static void Install(RootCommand root, int maxWidth)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new SectionedHelp(maxWidth);
        }
    }

    /// <summary>As System.CommandLine's own help: --help shows even when the rest of the line does not parse.</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        output.Write(Write(parseResult.CommandResult.Command).Replace("\n", Environment.NewLine, StringComparison.Ordinal));
        output.Flush();
        return 0;
    }

    /// <summary>The help text of <paramref name="command"/>.</summary>
    public string Write(Command command)
    {
        var text = new StringBuilder();
        if (command.Description is { Length: > 0 } description)
        {
            text.Append("Description:\n").Append(Indent).Append(description).Append("\n\n");
        }

        text.Append("Usage:\n").Append(Indent).Append(Usage(command)).Append("\n\n");
        var arguments = command.Arguments.Where(a => !a.Hidden).Select(a => (ArgumentLabel(a), a.Description ?? string.Empty)).ToList();
        Section(text, "Arguments:", arguments, arguments.Select(r => r.Item1.Length).DefaultIfEmpty(0).Max());

        var options = OptionsOf(command).ToList();
        var width = options.Select(o => OptionLabel(o).Length).DefaultIfEmpty(0).Max();
        Section(text, "Options:", Rows(options.Where(o => CommonOptions.Section(o) is null && o is not (HelpOption or VersionOption))
            .Concat(options.Where(o => o is HelpOption or VersionOption))), width);
        foreach (var section in CommonOptions.Sections)
        {
            Section(text, $"{section} options:", Rows(options.Where(o => CommonOptions.Section(o) == section)), width);
        }

        var commands = command.Subcommands.Where(c => !c.Hidden)
            .Select(c => (string.Join(' ', [c.Name, .. c.Arguments.Where(a => !a.Hidden).Select(ArgumentLabel)]), c.Description ?? string.Empty))
            .ToList();
        Section(text, "Commands:", commands, commands.Select(r => r.Item1.Length).DefaultIfEmpty(0).Max());

        return text.ToString();
    }

    /// <summary>The options <paramref name="command"/> takes, as its --help lists them.</summary>
    public static IEnumerable<Option> OptionsOf(Command command) =>
        command.Options.Concat(Ancestors(command).SelectMany(a => a.Options).Where(o => o.Recursive)).Where(o => !o.Hidden).Distinct();

    /// <summary>An option's first column: short spellings, then the canonical one, then the other listed ones, and its value.</summary>
    public static string OptionLabel(Option option)
    {
        var canonical = CommonOptions.Canonical(option);
        // Windows-style /? and /h stay out of the list, as in System.CommandLine's own help.
        var spellings = option.Aliases.Append(option.Name)
            .Where(a => !CommonOptions.Unlisted.Contains(a) && a != canonical && !a.StartsWith('/')).Distinct().ToList();
        var names = spellings.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).OrderBy(a => a.Length).ThenBy(a => a, StringComparer.Ordinal)
            .Append(canonical)
            .Concat(spellings.Where(a => a.StartsWith("--", StringComparison.Ordinal)).OrderBy(a => a, StringComparer.Ordinal));
        var label = string.Join(", ", names);
        if (option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0)
        {
            label += $" <{option.HelpName ?? Choices(option.GetCompletions(CompletionContext.Empty)) ?? canonical.TrimStart('-')}>";
        }

        return option.Required ? label + " (REQUIRED)" : label;
    }

    private static string ArgumentLabel(Argument argument)
    {
        var label = $"<{argument.HelpName ?? Choices(argument.GetCompletions(CompletionContext.Empty)) ?? argument.Name}>";
        label = argument.Arity.MaximumNumberOfValues > 1 ? label + "..." : label;
        return argument.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label;
    }

    private static string? Choices(IEnumerable<CompletionItem> completions)
    {
        var labels = completions.Select(c => c.Label).Order(StringComparer.Ordinal).ToList();
        return labels.Count > 0 ? string.Join('|', labels) : null;
    }

    private static string Usage(Command command)
    {
        var path = Ancestors(command).Reverse().Append(command).Select(c => c.Name);
        var parts = path.ToList();
        if (command.Subcommands.Any(c => !c.Hidden))
        {
            parts.Add("[command]");
        }

        parts.AddRange(command.Arguments.Where(a => !a.Hidden).Select(ArgumentLabel));
        parts.Add("[options]");
        return string.Join(' ', parts);
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return parent;
        }
    }

    private static IEnumerable<(string Label, string Description)> Rows(IEnumerable<Option> options) =>
        options.Select(o => (OptionLabel(o), Describe(o)));

    private static string Describe(Option option)
    {
        var description = option.Description ?? string.Empty;
        if (CommonOptions.Unlisted.Contains(option.Name) && option.Aliases.Append(option.Name).Where(CommonOptions.Unlisted.Contains).ToList() is { Count: > 0 } originals)
        {
            // The original's spelling stays findable on the line of the one Keyman lists; only on the original's own
            // options (named by its spelling first), not on Keyman's commands that merely accept it (CommonOptions.Profile).
            description += $" (aws_okta_keyman: {string.Join(", ", originals)})";
        }

        if (option.HasDefaultValue && option.ValueType != typeof(bool) && option.GetDefaultValue() is { } value)
        {
            description += string.Create(CultureInfo.InvariantCulture, $" [default: {value}]");
        }

        return description;
    }

    private void Section(StringBuilder text, string title, IEnumerable<(string Label, string Description)> rows, int width)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        text.Append(title).Append('\n');
        foreach (var (label, description) in list)
        {
            var first = Indent + label.PadRight(width) + Indent;
            var lines = Wrap(description, maxWidth - first.Length);
            text.Append(first).Append(lines[0]).Append('\n');
            foreach (var line in lines.Skip(1))
            {
                text.Append(new string(' ', first.Length)).Append(line).Append('\n');
            }
        }

        text.Append('\n');
    }

    // Wraps at spaces to the terminal's width; a narrow terminal (under 20 columns left) gets the text unwrapped.
    private static List<string> Wrap(string text, int width)
    {
        if (width < 20 || text.Length <= width)
        {
            return [text];
        }

        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        lines.Add(line.ToString());
        return lines;
    }
}
