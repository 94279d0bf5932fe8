using System.Text;

namespace Keyman.Core.Aws;

/// <summary>
/// A reader for the AWS shared config and credentials files, following botocore's configparser rules closely enough:
/// "[section]" headers, "key = value" or "key: value", whole-line comments starting with '#' or ';', keys
/// case-insensitive, indented lines continuing the previous value (nested "s3 =" blocks), later duplicates winning.
/// </summary>
public sealed class IniFile
{
    private readonly Dictionary<string, Dictionary<string, string>> _sections;

    private IniFile(Dictionary<string, Dictionary<string, string>> sections) => _sections = sections;

    /// <summary>Section names in file order.</summary>
    public IReadOnlyCollection<string> SectionNames => _sections.Keys;

    /// <summary>Parses the text in one pass (time linear in its length, however many continuation lines a value has).</summary>
    public static IniFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        string? lastKey = null;
        StringBuilder? continued = null; // the value of lastKey while indented lines extend it
        void Flush()
        {
            if (continued is not null)
            {
                current![lastKey!] = continued.ToString();
                continued = null;
            }
        }

        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            if (TryParseHeader(line, out var name))
            {
                Flush();
                if (!sections.TryGetValue(name, out current))
                {
                    current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    sections[name] = current;
                }

                lastKey = null;
                continue;
            }

            if (current is null)
            {
                continue; // keys before any section are ignored, as botocore does
            }

            if (char.IsWhiteSpace(line[0]) && lastKey is not null)
            {
                continued ??= new StringBuilder(current[lastKey]);
                if (continued.Length > 0)
                {
                    continued.Append('\n');
                }

                continued.Append(trimmed);
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                continue;
            }

            Flush();
            lastKey = line[..separator].Trim();
            current[lastKey] = line[(separator + 1)..].Trim();
        }

        Flush();
        return new IniFile(sections);
    }

    /// <summary>
    /// Reads the file; a missing file reads as empty. Only a regular file of at most <see cref="RegularFile.IniLimit"/>
    /// bytes is read: anything else is a one-line error with <paramref name="exitCode"/> naming <paramref name="what"/>.
    /// I/O failures propagate for the caller to word.
    /// </summary>
    public static IniFile Load(string path, string what = "the AWS config file", int exitCode = ExitCodes.Config) =>
        Parse(RegularFile.ReadAllText(path, RegularFile.IniLimit, what, exitCode) ?? string.Empty);

    /// <summary>
    /// Why the AWS CLI (botocore's configparser) would refuse to read <paramref name="bytes"/>, naming the line, or
    /// null when it reads them: text that is not UTF-8, a key before any [section], a line that is neither a header,
    /// a comment, a "key = value" nor an indented continuation. Keyman's own reader is lenient; this is for telling the
    /// user before a login that the file they will use is broken.
    /// </summary>
    public static string? FindSyntaxError(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return "it is not UTF-8 text";
        }

        var inSection = false;
        var hasKey = false;
        var number = 0;
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            number++;
            var line = raw.TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }

            if (TryParseHeader(line, out _))
            {
                inSection = true;
                hasKey = false;
                continue;
            }

            if (!inSection)
            {
                return $"line {number} comes before any [section] header";
            }

            if (char.IsWhiteSpace(line[0]) && hasKey)
            {
                continue;
            }

            if (trimmed.IndexOfAny(['=', ':']) <= 0)
            {
                return $"line {number} is not a [section] header, a comment or 'key = value'";
            }

            hasKey = true;
        }

        return null;
    }

    /// <summary>The section's keys and values, or null when there is no such section.</summary>
    public IReadOnlyDictionary<string, string>? Section(string name) =>
        _sections.TryGetValue(name, out var section) ? section : null;

    /// <summary>The profile as ~/.aws/config names it: "[default]" (or "[profile default]") and "[profile NAME]".</summary>
    public IReadOnlyDictionary<string, string>? ConfigProfile(string profile)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        return profile == "default"
            ? Section("default") ?? Section("profile default")
            : Section("profile " + profile);
    }

    /// <summary>A "[...]" header line: the name between the first '[' and the last ']', trimmed.</summary>
    internal static bool TryParseHeader(string line, out string name)
    {
        name = string.Empty;
        var trimmed = line.Trim();
        if (trimmed.Length < 2 || trimmed[0] != '[' || char.IsWhiteSpace(line[0]))
        {
            return false;
        }

        var close = trimmed.LastIndexOf(']');
        if (close < 1)
        {
            return false;
        }

        // botocore splits the header on whitespace, so "[profile  dev]" is profile "dev" too.
        name = string.Join(' ', trimmed[1..close].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return true;
    }
}

/// <summary>Where ~/.aws/config lives.</summary>
public static class AwsConfigFile
{
    /// <summary>AWS_CONFIG_FILE (with ~ expanded), else {home}/.aws/config.</summary>
    public static string ResolvePath(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return AwsPaths.Expand(environment.Get("AWS_CONFIG_FILE"), environment)
            ?? Path.Combine(environment.HomeDirectory, ".aws", "config");
    }
}

internal static class AwsPaths
{
    /// <summary>Expands a leading "~" to the home directory; null or blank stays null.</summary>
    public static string? Expand(string? path, IEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        return Config.ConfigFile.ExpandHome(path.Trim(), environment);
    }
}
