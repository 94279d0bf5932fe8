using System.Text;
using CsCheck;
using Keyman.Core.Aws;

namespace Keyman.Tests.Aws;

/// <summary>
/// parse∘write of the shared credentials file over generated files: sections, comments, blank lines, indented blocks,
/// duplicates and junk, with LF or CRLF line endings, with or without a BOM and a final newline.
/// </summary>
public class CredentialsFilePropertyTests
{
    private static readonly string[] Profiles = ["default", "dev", "prod-eu", "team.a"];

    private static readonly Gen<string> Word = Gen.Char["abcdefgh_-.0123456789"].Array[1, 8].Select(a => new string(a));

    /// <summary>Keys Keyman writes, and others, so that generated files and written values share some.</summary>
    private static readonly Gen<string> Key = Gen.Frequency((2, Gen.OneOf("aws_access_key_id", "aws_session_token", "region", "Region")), (3, Word));

    private static readonly Gen<string> Header = Gen.Frequency(
        (4, Gen.OneOf(Profiles).Select(p => $"[{p}]")),
        (2, Word.Select(w => $"[{w}]")),
        (1, Gen.OneOf(Profiles).Select(p => $"[ {p} ]")),
        (1, Gen.OneOf(Profiles).Select(p => $"[profile {p}]")));

    private static readonly Gen<string> Line = Gen.Frequency(
        (3, Header),
        (6, Gen.Select(Key, Gen.OneOf(" = ", "=", ": ", " =  "), Word, (k, s, v) => k + s + v)),
        (2, Gen.Select(Gen.OneOf("# ", ";", "  # "), Word, (c, w) => c + w)),
        (2, Gen.OneOf("", " ", "\t")),
        (2, Gen.Select(Gen.OneOf("  ", "\t"), Word, Word, (i, k, v) => $"{i}{k} = {v}")),
        (1, Gen.Select(Word, w => "s3 =")),
        (1, Gen.Char["[]=:#; \taé€"].Array[1, 6].Select(a => new string(a))));

    /// <summary>A generated file: its bytes, given as lines joined by one line ending, maybe with a BOM and a final newline.</summary>
    private static readonly Gen<byte[]> File = Gen.Select(Line.Array[0, 14], Gen.OneOf("\n", "\r\n"), Gen.Bool, Gen.Bool, (lines, newline, bom, final) =>
    {
        var text = string.Join(newline, lines) + (final && lines.Length > 0 ? newline : "");
        var bytes = Encoding.UTF8.GetBytes(text);
        return bom ? [.. Encoding.UTF8.Preamble, .. bytes] : bytes;
    });

    private static readonly Gen<(byte[] File, string Profile, KeyValuePair<string, string>[] Values)> Case = Gen.Select(
        File,
        Gen.OneOf(Profiles),
        Gen.Select(Key, Word, (k, v) => new KeyValuePair<string, string>(k, v)).Array[1, 4],
        (file, profile, values) => (file, profile, values.DistinctBy(v => v.Key, StringComparer.OrdinalIgnoreCase).ToArray()));

    /// <summary>The text as Keyman reads the file (File.ReadAllText: a UTF-8 BOM is dropped).</summary>
    private static string Text(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>A failing case as readable text: the file with its line endings shown, the profile and the values.</summary>
    private static string Show((byte[] File, string Profile, KeyValuePair<string, string>[] Values) c) =>
        $"[{c.Profile}] <- {string.Join(", ", c.Values.Select(v => $"{v.Key}={v.Value}"))} into:\n"
        + Text(c.File).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n\n", StringComparison.Ordinal);

    private static int Sections(byte[] file, string profile) =>
        Text(file).ReplaceLineEndings("\n").Split('\n').Count(l => IniFile.TryParseHeader(l, out var name) && name == profile);

    /// <summary>Files holding the profile at most once (later duplicates, which botocore refuses, are dropped on write).</summary>
    private static readonly Gen<(byte[] File, string Profile, KeyValuePair<string, string>[] Values)> SingleCase = Case.Where(c => Sections(c.File, c.Profile) <= 1);

    [Fact]
    public void Property_writing_a_profile_reads_back_exactly_its_values()
    {
        Case.Sample(c =>
        {
            var written = CredentialsFile.ReplaceSection(c.File, c.Profile, c.Values);

            var section = IniFile.Parse(Text(written)).Section(c.Profile);
            Assert.NotNull(section);
            Assert.Equal(c.Values.ToDictionary(v => v.Key, v => v.Value), section.ToDictionary(s => s.Key, s => s.Value));
        }, iter: 2000, print: Show);
    }

    [Fact]
    public void Property_writing_a_profile_keeps_every_other_section()
    {
        Case.Sample(c =>
        {
            var before = IniFile.Parse(Text(c.File));
            var after = IniFile.Parse(Text(CredentialsFile.ReplaceSection(c.File, c.Profile, c.Values)));

            foreach (var name in before.SectionNames.Where(n => n != c.Profile))
            {
                Assert.Equal(before.Section(name)!.OrderBy(p => p.Key, StringComparer.Ordinal), after.Section(name)!.OrderBy(p => p.Key, StringComparer.Ordinal));
            }

            Assert.Equal(before.SectionNames.Append(c.Profile).Distinct().Order(StringComparer.Ordinal), after.SectionNames.Order(StringComparer.Ordinal));
        }, iter: 2000, print: Show);
    }

    /// <summary>
    /// Byte for byte: the new file is an unchanged head of the old one, the new section, and an unchanged tail; what was cut
    /// out is the profile's old section(s) only. Appending adds nothing but line endings before the section.
    /// </summary>
    [Fact]
    public void Property_writing_a_profile_preserves_every_other_byte()
    {
        SingleCase.Sample(c =>
        {
            var written = CredentialsFile.ReplaceSection(c.File, c.Profile, c.Values);
            var firstEnd = Array.IndexOf(c.File, (byte)'\n');
            var newline = firstEnd > 0 && c.File[firstEnd - 1] == '\r' ? "\r\n" : "\n";
            var section = Encoding.UTF8.GetBytes($"[{c.Profile}]{newline}" + string.Concat(c.Values.Select(v => $"{v.Key} = {v.Value}{newline}")));
            var at = written.AsSpan().IndexOf(section);
            Assert.True(at >= 0, "the new section is written whole");
            var head = written[..at];
            var tail = written[(at + section.Length)..];

            if (Sections(c.File, c.Profile) == 0)
            {
                Assert.Empty(tail);
                Assert.True(head.AsSpan().StartsWith(c.File), "an appended section leaves the file's bytes in front of it");
                Assert.Matches("^(\r?\n)*$", Text(head[c.File.Length..]));
                return;
            }

            Assert.True(c.File.AsSpan().StartsWith(head), "the bytes before the section are unchanged");
            Assert.True(c.File.AsSpan().EndsWith(tail), "the bytes after the section are unchanged");
            var removed = Text(c.File[head.Length..^tail.Length]).Split('\n');
            Assert.True(IniFile.TryParseHeader(removed[0].TrimEnd('\r'), out var first) && first == c.Profile, "the cut starts at the profile's header");
            Assert.All(removed, l => Assert.True(!IniFile.TryParseHeader(l.TrimEnd('\r'), out var n) || n == c.Profile, $"the cut holds no other section: {l}"));
        }, iter: 2000, print: Show);
    }

    /// <summary>The section's top-level keys in order ("key = value" / "key: value"), each with whether indented lines follow it.</summary>
    private static List<(string Key, bool Block)> SectionKeys(byte[] file, string profile)
    {
        var keys = new List<(string Key, bool Block)>();
        var inside = false;
        foreach (var line in Text(file).ReplaceLineEndings("\n").Split('\n'))
        {
            if (IniFile.TryParseHeader(line, out var name))
            {
                inside = name == profile;
                continue;
            }

            var trimmed = line.Trim();
            if (!inside || trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (char.IsWhiteSpace(line[0]))
            {
                if (keys.Count > 0)
                {
                    keys[^1] = (keys[^1].Key, true);
                }
            }
            else if (separator > 0)
            {
                keys.Add((line[..separator].Trim(), false));
            }
        }

        return keys;
    }

    /// <summary>
    /// Merging only rewrites the first line of a key: a second line of it (any case) still wins, and indented lines under it
    /// stay attached to the new value. Both are reported (see the skipped tests below) and left out of the merge property.
    /// </summary>
    private static bool MergeFindingsApply((byte[] File, string Profile, KeyValuePair<string, string>[] Values) c)
    {
        var keys = SectionKeys(c.File, c.Profile);
        return c.Values.Any(v =>
            keys.Count(k => string.Equals(k.Key, v.Key, StringComparison.OrdinalIgnoreCase)) > 1
            || keys.Any(k => k.Block && string.Equals(k.Key, v.Key, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Property_merging_keeps_the_sections_other_keys_and_sets_the_new_ones()
    {
        SingleCase.Where(c => !MergeFindingsApply(c)).Sample(c =>
        {
            var before = IniFile.Parse(Text(c.File)).Section(c.Profile);
            var after = IniFile.Parse(Text(CredentialsFile.ReplaceSection(c.File, c.Profile, c.Values, merge: true))).Section(c.Profile);

            Assert.NotNull(after);
            foreach (var (key, value) in c.Values)
            {
                Assert.Equal(value, after[key]);
            }

            foreach (var (key, value) in before ?? new Dictionary<string, string>())
            {
                if (!c.Values.Any(v => string.Equals(v.Key, key, StringComparison.OrdinalIgnoreCase)))
                {
                    Assert.Equal(value, after[key]);
                }
            }
        }, iter: 2000, print: Show);
    }

    /// <summary>Found by the merge property: "Region=a" then "region=b" in the section; merging region=c rewrites only the first line.</summary>
    [Fact]
    public void Merging_a_key_the_section_sets_twice_sets_it()
    {
        var file = Encoding.UTF8.GetBytes("[dev]\nRegion=eu-west-1\nregion=eu-west-2\n");

        var written = CredentialsFile.ReplaceSection(file, "dev", [new("region", "us-east-1")], merge: true);

        Assert.Equal("us-east-1", IniFile.Parse(Text(written)).Section("dev")!["region"]);
    }

    /// <summary>Found by the merge property: indented lines under the old value stay and become part of the new one.</summary>
    [Fact]
    public void Merging_a_key_with_a_nested_block_replaces_the_block_too()
    {
        var file = Encoding.UTF8.GetBytes("[dev]\nregion = eu-west-1\n  nested = x\n");

        var written = CredentialsFile.ReplaceSection(file, "dev", [new("region", "us-east-1")], merge: true);

        Assert.Equal("us-east-1", IniFile.Parse(Text(written)).Section("dev")!["region"]);
    }
}
