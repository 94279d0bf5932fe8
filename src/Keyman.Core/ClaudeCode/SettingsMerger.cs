using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Keyman.Core.ClaudeCode;

/// <summary>
/// Merges keys into a JSON settings file by splicing text: the positions of the existing members come from
/// <see cref="Utf8JsonReader"/>, and only the values that change (or the members that are new) are written, so every other
/// byte — key order, indentation, unknown keys, line endings, the trailing newline — stays as it was.
/// </summary>
public static class SettingsMerger
{
    /// <summary>How strings are written: as Claude Code and most editors write them (no \u escapes for quotes or non-ASCII).</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The text with each top-level string member of <paramref name="topLevel"/> and each member of the
    /// <paramref name="objectName"/> object in <paramref name="nested"/> set. Null text (no file yet) gives a new file.
    /// </summary>
    /// <exception cref="SettingsFormatException">The text is not a JSON object; nothing can be merged into it.</exception>
    public static string Merge(string? text, string objectName, IReadOnlyList<KeyValuePair<string, string>> nested, IReadOnlyList<KeyValuePair<string, string>> topLevel)
    {
        ArgumentNullException.ThrowIfNull(objectName);
        ArgumentNullException.ThrowIfNull(nested);
        ArgumentNullException.ThrowIfNull(topLevel);
        if (string.IsNullOrWhiteSpace(text))
        {
            text = "{}\n";
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var root = Scan(bytes);
        var style = Style.Of(text, root);
        var edits = new List<(int Start, int End, string Text)>();

        if (root.Members.FirstOrDefault(m => m.Name == objectName) is { } existing)
        {
            if (existing.Object is not { } inner)
            {
                edits.Add((existing.ValueStart, existing.ValueEnd, ObjectText(nested, style, 1)));
            }
            else
            {
                AddEdits(edits, bytes, inner, nested, style, 2);
            }
        }

        var missingTop = topLevel.ToList();
        AddEdits(edits, bytes, root, missingTop, style, 1,
            root.Members.Any(m => m.Name == objectName) ? [] : [new KeyValuePair<string, string>(objectName, ObjectText(nested, style, 1))]);

        var result = new StringBuilder();
        var at = 0;
        foreach (var (start, end, insert) in edits.OrderBy(e => e.Start))
        {
            result.Append(Encoding.UTF8.GetString(bytes, at, start - at)).Append(insert);
            at = end;
        }

        result.Append(Encoding.UTF8.GetString(bytes, at, bytes.Length - at));
        return result.ToString();
    }

    /// <summary>Replaces the values that differ; appends the members that are missing before the object's closing brace.</summary>
    private static void AddEdits(List<(int, int, string)> edits, byte[] bytes, JsonObjectSpan target, IReadOnlyList<KeyValuePair<string, string>> strings,
        Style style, int depth, IReadOnlyList<KeyValuePair<string, string>>? rawMembers = null)
    {
        var appended = new List<string>();
        foreach (var (name, raw) in rawMembers ?? [])
        {
            appended.Add(Literal(name) + style.Colon + raw);
        }

        foreach (var (name, value) in strings)
        {
            if (target.Members.LastOrDefault(m => m.Name == name) is { } member)
            {
                if (!(member.IsString && member.StringValue == value))
                {
                    edits.Add((member.ValueStart, member.ValueEnd, Literal(value)));
                }
            }
            else
            {
                appended.Add(Literal(name) + style.Colon + Literal(value));
            }
        }

        if (appended.Count == 0)
        {
            return;
        }

        var indent = style.Indent(depth);
        if (target.Members.Count == 0)
        {
            // "{}" (or "{ }"): open it over lines at this depth.
            var inside = string.Concat(appended.Select((m, i) => (i == 0 ? "" : ",") + style.NewLine + indent + m));
            edits.Add((target.Start + 1, target.End - 1, inside + style.NewLine + style.Indent(depth - 1)));
            return;
        }

        var last = target.Members[^1];
        var separator = style.Multiline ? style.NewLine + MemberIndent(bytes, last.NameStart, indent) : " ";
        edits.Add((last.ValueEnd, last.ValueEnd, string.Concat(appended.Select(m => "," + separator + m))));
    }

    /// <summary>The whitespace before an existing member on its line, so new members line up with it.</summary>
    private static string MemberIndent(byte[] bytes, int nameStart, string fallback)
    {
        var lineStart = nameStart;
        while (lineStart > 0 && bytes[lineStart - 1] is (byte)' ' or (byte)'\t')
        {
            lineStart--;
        }

        return lineStart > 0 && bytes[lineStart - 1] == (byte)'\n' ? Encoding.UTF8.GetString(bytes, lineStart, nameStart - lineStart) : fallback;
    }

    private static string ObjectText(IReadOnlyList<KeyValuePair<string, string>> members, Style style, int depth) =>
        members.Count == 0
            ? "{}"
            : "{" + string.Concat(members.Select((m, i) => (i == 0 ? "" : ",") + style.NewLine + style.Indent(depth + 1) + Literal(m.Key) + style.Colon + Literal(m.Value)))
                + style.NewLine + style.Indent(depth) + "}";

    /// <summary>A JSON string literal.</summary>
    public static string Literal(string value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static JsonObjectSpan Scan(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SettingsFormatException(1, "the file is not a JSON object");
            }

            var root = ReadObject(ref reader, captureChildren: true);
            if (reader.Read())
            {
                throw new SettingsFormatException(LineOf(bytes, (int)reader.TokenStartIndex), "there is more after the closing brace");
            }

            return root;
        }
        catch (JsonException ex)
        {
            throw new SettingsFormatException((int)(ex.LineNumber ?? 0) + 1, ex.Message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' '));
        }
    }

    /// <summary>Reads the members of the object whose '{' the reader is on, up to its '}'.</summary>
    private static JsonObjectSpan ReadObject(ref Utf8JsonReader reader, bool captureChildren)
    {
        var start = (int)reader.TokenStartIndex;
        var members = new List<JsonMemberSpan>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            var nameStart = (int)reader.TokenStartIndex;
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            JsonObjectSpan? child = null;
            string? text = null;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when captureChildren:
                    child = ReadObject(ref reader, captureChildren: false);
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    reader.Skip();
                    break;
                case JsonTokenType.String:
                    text = reader.GetString();
                    break;
            }

            members.Add(new JsonMemberSpan(name, nameStart, valueStart, (int)reader.BytesConsumed, reader.TokenType == JsonTokenType.String || text is not null, text, child));
        }

        return new JsonObjectSpan(start, (int)reader.BytesConsumed, members);
    }

    private static int LineOf(byte[] bytes, int position) => 1 + bytes.AsSpan(0, Math.Min(position, bytes.Length)).Count((byte)'\n');

    private sealed record JsonMemberSpan(string Name, int NameStart, int ValueStart, int ValueEnd, bool IsString, string? StringValue, JsonObjectSpan? Object);

    private sealed record JsonObjectSpan(int Start, int End, IReadOnlyList<JsonMemberSpan> Members);

    /// <summary>The file's own conventions: line ending, indentation unit, the text between a key and its value, one line or many.</summary>
    private sealed record Style(string NewLine, string Unit, string Colon, bool Multiline)
    {
        public string Indent(int depth) => string.Concat(Enumerable.Repeat(Unit, Math.Max(0, depth)));

        public static Style Of(string text, JsonObjectSpan root)
        {
            var newLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var unit = "  ";
            var colon = ": ";
            var multiline = root.Members.Count == 0 || text.Contains('\n', StringComparison.Ordinal);
            if (root.Members.Count > 0)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var first = root.Members[0];
                var indent = MemberIndent(bytes, first.NameStart, "");
                if (indent.Length > 0)
                {
                    unit = indent;
                }

                // Between the end of the key's string and the value: ": " or ":" or " : ".
                var nameEnd = first.NameStart + Encoding.UTF8.GetByteCount(Literal(first.Name));
                var between = Encoding.UTF8.GetString(bytes, nameEnd, first.ValueStart - nameEnd);
                if (between.Trim() == ":" && !between.Contains('\n', StringComparison.Ordinal))
                {
                    colon = between;
                }
            }

            return new Style(newLine, unit, colon, multiline);
        }
    }
}

/// <summary>The settings file is not JSON Keyman can merge into; <see cref="Line"/> is 1-based.</summary>
public sealed class SettingsFormatException(int line, string reason) : Exception($"line {line}: {reason}")
{
    public int Line { get; } = line;

    public string Reason { get; } = reason;
}
