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

    public static IniFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        string? lastKey = null;
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
                current[lastKey] = current[lastKey].Length == 0 ? trimmed : current[lastKey] + "\n" + trimmed;
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                continue;
            }

            lastKey = line[..separator].Trim();
            current[lastKey] = line[(separator + 1)..].Trim();
        }

        return new IniFile(sections);
    }

    /// <summary>Reads the file; a missing file reads as empty.</summary>
    public static IniFile Load(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : Parse(string.Empty);

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
