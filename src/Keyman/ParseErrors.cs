using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Keyman.Core.Config;

namespace Keyman.Cli;

/// <summary>
/// System.CommandLine's parse errors in plain words: a bad number names the option and what it takes, a mistyped
/// option or subcommand gets a "did you mean", and each line points at the help of the command being parsed.
/// </summary>
internal static class ParseErrors
{
    /// <summary>Between a validator's error and its own fix: such an error is shown as it is, not pointed at --help.</summary>
    public const string FixMark = ". Fix: ";

    public static IEnumerable<string> Lines(ParseResult parse)
    {
        var command = parse.CommandResult;
        var help = $"see '{PathOf(command)} --help'";
        var unmatched = parse.UnmatchedTokens;
        foreach (var error in parse.Errors)
        {
            var token = unmatched.Select((t, i) => (Token: t, Index: i)).FirstOrDefault(t => error.Message.Contains($"'{t.Token}'", StringComparison.Ordinal));
            if (token.Token is not null && token.Index > 0 && !token.Token.StartsWith('-') && unmatched[token.Index - 1].StartsWith('-'))
            {
                // The value of a mistyped option: the line about the option says it all.
                continue;
            }

            if (error.Message.Contains(FixMark, StringComparison.Ordinal))
            {
                yield return error.Message;
                continue;
            }

            var text = WholeNumber(error) ?? error.Message.TrimEnd('.');
            if (token.Token is not null && Suggest(token.Token, command.Command) is { } suggestion)
            {
                text += $" (did you mean '{suggestion}'?)";
            }

            yield return $"{text}{FixMark}{help}.";
        }
    }

    /// <summary>"keyman", "keyman env", "keyman bedrock models".</summary>
    private static string PathOf(CommandResult command)
    {
        var names = new List<string>();
        for (var current = command; current.Parent is CommandResult parent; current = parent)
        {
            names.Insert(0, current.Command.Name);
        }

        return string.Join(' ', ["keyman", .. names]);
    }

    /// <summary>"--duration must be a whole number of seconds, not 'x'" in place of the .NET type name.</summary>
    private static string? WholeNumber(ParseError error)
    {
        if ((error.SymbolResult as OptionResult ?? error.SymbolResult?.Parent as OptionResult) is not { } result)
        {
            return null;
        }

        var type = Nullable.GetUnderlyingType(result.Option.ValueType) ?? result.Option.ValueType;
        if (type != typeof(int) && type != typeof(long))
        {
            return null;
        }

        var bad = result.Tokens.Select(t => t.Value).FirstOrDefault(v => !long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
        if (bad is null)
        {
            return null;
        }

        var unit = result.Option.HelpName is { Length: > 0 } name && name != result.Option.Name.TrimStart('-') ? $" of {name}" : string.Empty;
        return $"{result.Option.Name} must be a whole number{unit}, not '{bad}'";
    }

    /// <summary>The option (for a word starting with '-') or subcommand of <paramref name="command"/> nearest a mistyped word.</summary>
    private static string? Suggest(string word, Command command)
    {
        IEnumerable<string> known = word.StartsWith('-')
            ? command.Options.Concat(Ancestors(command).SelectMany(c => c.Options).Where(o => o.Recursive)).Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name));
        return Spelling.Closest(word, known, Math.Min(3, word.Length / 2));
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return parent;
        }
    }
}
