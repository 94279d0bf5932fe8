using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keyman.Core.Config;

/// <summary>
/// Writes values into the config's YAML text. Only the lines of keys whose value changes are replaced and new keys
/// are added after the last one, so the user's comments, unknown keys, order and quoting survive a rewrite.
/// </summary>
internal static partial class ConfigText
{
    /// <summary>A value as a YAML scalar: plain when it reads back as the same text, else double-quoted with escapes.</summary>
    public static string Scalar(string value) =>
        SafePlain().IsMatch(value) && !ResolvesToOtherType(value) && !value.Contains(": ", StringComparison.Ordinal)
            && !value.Contains(" #", StringComparison.Ordinal) && !value.EndsWith(':') && !value.EndsWith(' ')
            ? value
            : Quoted(value);

    /// <summary>The whole file for <paramref name="config"/>'s saved keys, in table order.</summary>
    public static string Fresh(KeymanConfig config)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in Saved(config))
        {
            text.Append(key.Name).Append(':').Append(key.Type.Render(value, string.Empty)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// <paramref name="text"/> (whose top-level block mapping is <paramref name="root"/>, or null for a file with no
    /// keys yet) with every saved key of <paramref name="config"/> that differs from <paramref name="current"/> rewritten.
    /// </summary>
    public static string Merge(string text, YamlMappingNode? root, KeymanConfig config, KeymanConfig current)
    {
        var entries = new Dictionary<string, (YamlNode Key, YamlNode Value)>(StringComparer.Ordinal);
        foreach (var (k, v) in root?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            if (k is YamlScalarNode { Value: { } name })
            {
                entries[name] = (k, v);
            }
        }

        var indent = root is null ? string.Empty : new string(' ', (int)root.Start.Column - 1);
        var edits = new List<(int Start, int End, string Text)>();
        var added = new StringBuilder();
        foreach (var (key, value) in Saved(config))
        {
            var line = key.Name + ":" + key.Type.Render(value, indent);
            if (!entries.TryGetValue(key.Name, out var entry))
            {
                added.Append(indent).Append(line).Append('\n');
            }
            else if (!key.Type.Same(key.Get(current), value))
            {
                var end = ValueEnd(text, entry.Key, entry.Value);
                // A block scalar's end takes its line break along; put one back so the next key keeps its line.
                edits.Add(((int)entry.Key.Start.Index, end, end > 0 && text[end - 1] == '\n' ? line + "\n" : line));
            }
        }

        if (added.Length > 0)
        {
            var at = root is { Children.Count: > 0 } ? AfterLineOf(text, ContentEnd(root.Children.Last().Value)) : text.Length;
            var separator = at > 0 && text[at - 1] != '\n' ? "\n" : string.Empty;
            edits.Add((at, at, separator + added));
        }

        var result = new StringBuilder(text);
        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start))
        {
            result.Remove(start, end - start).Insert(start, replacement);
        }

        return result.ToString();
    }

    private static IEnumerable<(ConfigKey Key, object Value)> Saved(KeymanConfig config)
    {
        foreach (var key in ConfigKeys.All)
        {
            if (key.Saved && key.Get(config) is { } value)
            {
                yield return (key, value);
            }
        }
    }

    /// <summary>Where a key's value ends; for <c>key:</c> with nothing after it, just past the colon.</summary>
    private static int ValueEnd(string text, YamlNode key, YamlNode value)
    {
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" })
        {
            var colon = text.IndexOf(':', (int)key.End.Index);
            return colon < 0 ? (int)key.End.Index : colon + 1;
        }

        return ContentEnd(value);
    }

    /// <summary>The end of a node's own text; a block collection's end mark lies past the comments and blank lines that follow it.</summary>
    private static int ContentEnd(YamlNode node) => node switch
    {
        YamlSequenceNode { Style: not SequenceStyle.Flow, Children.Count: > 0 } list => ContentEnd(list.Children[^1]),
        YamlMappingNode { Style: not MappingStyle.Flow, Children.Count: > 0 } map => ContentEnd(map.Children.Last().Value),
        _ => (int)node.End.Index,
    };

    /// <summary>The start of the line after the one holding <paramref name="index"/> (a trailing comment stays with its line).</summary>
    private static int AfterLineOf(string text, int index)
    {
        if (index > 0 && text[index - 1] == '\n')
        {
            return index;
        }

        var newline = text.IndexOf('\n', index);
        return newline < 0 ? text.Length : newline + 1;
    }

    private static string Quoted(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                '\x1b' => text.Append("\\e"),
                // C0/C1 controls, DEL, YAML's extra line breaks (NEL, LS, PS), the BOM and lone surrogates never appear raw:
                // each could end the line or be dropped by a reader, and so change what the file says.
                _ when c < ' ' || c is >= '\x7f' and <= '\x9f' or '\u2028' or '\u2029' or '\ufeff' || char.IsSurrogate(c)
                    => text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }

    private static bool ResolvesToOtherType(string value) =>
        value.ToLowerInvariant() is "~" or "null" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n"
        || NumberOrDate().IsMatch(value);

    /// <summary>Text that reads as plain YAML: no indicator first, nothing that starts a comment, flow or mapping.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_/.$(][A-Za-z0-9 _/.@+=:$()~,-]*$")]
    private static partial Regex SafePlain();

    /// <summary>What YAML 1.1 or 1.2 readers (PyYAML, the original's) would take for a number, a date or a time.</summary>
    [GeneratedRegex(@"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$")]
    private static partial Regex NumberOrDate();
}
