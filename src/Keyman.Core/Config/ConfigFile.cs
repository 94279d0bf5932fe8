using System.Text;
using System.Text.RegularExpressions;
using Keyman.Core.Ui;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Keyman.Core.Config;

/// <summary>
/// Reads and writes aws_okta_keyman.yml. It walks the YAML node tree itself (no reflection, so it works under
/// Native AOT) and so can name the line of every problem. What each key means is in <see cref="ConfigKeys"/>.
/// </summary>
public static partial class ConfigFile
{
    /// <summary>A config is a few hundred bytes; anything past this is not one (and /dev/zero never ends).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>A config nests three levels (accounts, entry, value); YamlDotNet builds its tree recursively, so depth is bounded well before the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>Every key the file may hold, for warnings and for the docs.</summary>
    public static readonly IReadOnlyList<string> KnownKeys = [.. ConfigKeys.All.Select(k => k.Name)];

    /// <summary>~/.config/aws_okta_keyman.yml on every OS (the original uses %USERPROFILE%\.config on Windows too).</summary>
    public static string DefaultPath(IEnvironment env) =>
        Path.Combine(env.HomeDirectory, ".config", "aws_okta_keyman.yml");

    /// <summary>
    /// Expands a leading ~ to the home folder, for every path Keyman is given (flags, config values, AWS_* variables);
    /// the original does not, a bug when the shell leaves it unexpanded.
    /// </summary>
    public static string ExpandHome(string path, IEnvironment env)
    {
        if (path == "~")
        {
            return env.HomeDirectory;
        }

        return path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal)
            ? Path.Combine(env.HomeDirectory, path[2..])
            : path;
    }

    /// <summary>Loads the file at <paramref name="path"/>; a missing file gives an empty config.</summary>
    public static KeymanConfig Load(string path, ILog log, IEnvironment? env = null) =>
        ReadText(path) is { } text ? Parse(text, path, log, env) : new KeymanConfig();

    public static KeymanConfig Parse(string text, string path, ILog log, IEnvironment? env = null) =>
        Read(LoadRoot(text, path), path, env ?? ProcessEnvironment.Instance, log);

    /// <summary>
    /// Every wrong value of the file at <paramref name="path"/> (each placeholder, each bad shape), in file order, where
    /// <see cref="Load"/> stops at the first; empty when the file loads. An unreadable or malformed file is one problem.
    /// </summary>
    public static IReadOnlyList<KeymanException> Problems(string path, IEnvironment env)
    {
        var problems = new List<KeymanException>();
        try
        {
            if (ReadText(path) is { } text)
            {
                Read(LoadRoot(text, path), path, env, log: null, problems: problems);
            }
        }
        catch (KeymanException e)
        {
            problems.Add(e);
        }

        return problems;
    }

    /// <summary>
    /// Makes the file at <paramref name="path"/> hold <paramref name="config"/>'s saved keys: keys whose value
    /// changes are rewritten in place and new ones added after the last, while comments, unknown keys, order and
    /// untouched lines stay as they were. A symlinked file is written through the link; the write is atomic.
    /// </summary>
    public static void Write(string path, KeymanConfig config, IEnvironment? env = null)
    {
        var (target, _, merged) = Plan(path, config, env);
        AtomicFile.WriteAllText(target, merged, secret: false);
    }

    /// <summary>
    /// What <see cref="Write"/> would do, without writing: the file it writes (through links), its text now (null when
    /// missing) and the text it would hold. <c>keyman setup</c> shows the difference before it asks.
    /// </summary>
    public static (string Target, string? Before, string After) Plan(string path, KeymanConfig config, IEnvironment? env = null)
    {
        env ??= ProcessEnvironment.Instance;
        var target = ThroughLinks(Path.GetFullPath(path));
        var text = ReadText(target) ?? string.Empty;
        var root = LoadRoot(text, target);
        var current = Read(root, target, env, log: null, lenient: true);
        var merged = root is null or YamlMappingNode { Style: not MappingStyle.Flow }
            ? ConfigText.Merge(text, (YamlMappingNode?)root, config, current)
            : ConfigText.Fresh(config.Over(current));

        // The edit is checked by reading it back; should it ever not say what was asked, a plain rewrite does.
        if (!Says(Read(LoadRoot(merged, target), target, env, log: null, lenient: true), config))
        {
            merged = ConfigText.Fresh(config.Over(current));
        }

        return (target, FileKinds.Of(target) == FileKind.Missing ? null : text, merged);
    }

    private static bool Says(KeymanConfig written, KeymanConfig config) =>
        ConfigKeys.All.All(k => !k.Saved || k.Get(config) is not { } value || k.Type.Same(k.Get(written), value));

    private static string ThroughLinks(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>The file's text, or null when it does not exist; a folder, a FIFO, a device or a huge file is refused.</summary>
    private static string? ReadText(string path)
    {
        const string OtherFile = "Pass a YAML config file with -c PATH, or run 'keyman config' to write one.";
        switch (FileKinds.Of(path))
        {
            case FileKind.Missing:
                return null;
            case FileKind.Directory:
                throw new KeymanException(ExitCodes.Config, $"Config file {path} is a folder, not a file", OtherFile);
            case FileKind.Special:
                throw new KeymanException(ExitCodes.Config, $"Config file {path} is not a regular file (a FIFO, socket or device)", OtherFile);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            // Sized by the file, not the cap: a config is small. One byte past the cap tells a file that is too large.
            var buffer = new byte[(int)Math.Min(stream.Length + 1, MaxBytes + 1L)];
            var length = 0;
            int read;
            while ((read = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
                if (length == buffer.Length && length <= MaxBytes)
                {
                    // The file grew, or reports no size (as /proc files do).
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxBytes + 1));
                }
                else if (length == buffer.Length)
                {
                    break;
                }
            }

            if (length > MaxBytes)
            {
                throw TooLarge(path);
            }

            using var reader = new StreamReader(new MemoryStream(buffer, 0, length), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeymanException(ExitCodes.Config, $"Cannot read config file {path}: {e.Message}", "Check the file's permissions, or pass another file with -c PATH.");
        }
    }

    private static KeymanException TooLarge(string path) =>
        new(ExitCodes.Config, $"Config file {path} is larger than 1 MiB; a Keyman config is a few lines", "Check that -c names the right file, or recreate it with 'keyman config'.");

    /// <summary>The first document's root, or null when the file has no content; malformed or too deep YAML is refused.</summary>
    private static YamlNode? LoadRoot(string text, string path)
    {
        if (text.Length > MaxBytes)
        {
            throw TooLarge(path);
        }

        var stream = new YamlStream();
        var parser = new DepthLimitedParser(new Parser(new StringReader(text)), path);
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // YamlDotNet reports some structural errors as InvalidOperationException, and an empty nested key or a bad
            // "!!" tag as ArgumentException (fuzz findings); the parser still knows where it stopped.
            var mark = e is YamlException y ? y.Start : parser.Current?.Start ?? Mark.Empty;
            var problem = e is YamlException { InnerException: YamlException inner } ? inner.Message
                : e is YamlException ? e.Message : "unexpected structure, e.g. an unclosed [ or {, or a bad indent";
            throw new KeymanException(
                ExitCodes.Config,
                $"{path}: line {mark.Line}, column {mark.Column}: the YAML is malformed ({Trim(problem)})",
                "Fix that line (keys are 'name: value', lists are indented '- name: ...'), or recreate the file with 'keyman config'.");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        return stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw ConfigValueReader.Problem(path, stream.Documents[0].RootNode, "the file must be a mapping of 'key: value' lines");
    }

    /// <summary>
    /// The settings of a loaded file; unknown keys are warned about on <paramref name="log"/> (none: silently skipped).
    /// <paramref name="lenient"/> leaves a wrong value unset instead of refusing the file, so that a rewrite can replace
    /// it (or keep it as the user wrote it) rather than fail.
    /// </summary>
    private static KeymanConfig Read(YamlNode? root, string path, IEnvironment env, ILog? log, bool lenient = false, List<KeymanException>? problems = null)
    {
        var config = new KeymanConfig();
        if (root is not YamlMappingNode mapping)
        {
            return config;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (ConfigKeys.Find(name) is { } key)
            {
                try
                {
                    config = key.Set(config, key.Type.Read(new ConfigValueReader(path, name, valueNode, env)));
                }
                catch (KeymanException) when (lenient)
                {
                }
                catch (KeymanException e) when (problems is not null)
                {
                    problems.Add(e);
                }
            }
            else if (log is not null)
            {
                var hint = Spelling.Closest(name, KnownKeys, 3) is { } suggestion ? $" Did you mean '{suggestion}'?" : string.Empty;
                log.Warning($"{path}: line {keyNode.Start.Line}: unknown key '{name}' is ignored.{hint}");
            }
        }

        return config;
    }

    private static string Trim(string s) => s.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")]
    private static partial Regex PlaceholderPattern();

    /// <summary>True when a value is still a how-to placeholder such as <c>$OKTA_ORG</c> or <c>${OKTA_USERNAME}</c>.</summary>
    public static bool IsPlaceholder(string value) => PlaceholderPattern().IsMatch(value.Trim());

    /// <summary>
    /// Checks the events as they stream by, before YamlDotNet builds any tree: nesting deeper than <see cref="MaxDepth"/>;
    /// an alias inside the list or mapping it names (a self-reference, which sends YamlDotNet's hashing into endless
    /// recursion: a stack overflow); and a list or mapping used as a key (the original refuses these too, as "unhashable";
    /// through aliases they would also make hashing exponential). Aliases of finished lists and mappings stay allowed
    /// (<c>accounts: [*base]</c>); an alias before its anchor is refused, as YAML itself refuses it.
    /// </summary>
    private sealed class DepthLimitedParser(IParser inner, string path) : IParser
    {
        private readonly Stack<(bool Mapping, string Anchor)> _open = new();
        private readonly Stack<bool> _expectKey = new();
        private readonly HashSet<string> _collectionAnchors = new(StringComparer.Ordinal);
        private readonly HashSet<string> _scalarAnchors = new(StringComparer.Ordinal);

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case MappingStart or SequenceStart:
                    var node = (NodeEvent)inner.Current;
                    if (_open.Count >= MaxDepth)
                    {
                        throw Refused(node, $"the YAML nests deeper than {MaxDepth} levels",
                            "A Keyman config nests three levels at most (accounts, entry, value); check that -c names the right file.");
                    }

                    RefuseAtKey(node, node is MappingStart ? "a mapping" : "a list");
                    _open.Push((node is MappingStart, node.Anchor.IsEmpty ? string.Empty : node.Anchor.Value));
                    _expectKey.Push(true);
                    break;
                case MappingEnd or SequenceEnd:
                    var (_, anchor) = _open.Pop();
                    _expectKey.Pop();
                    if (anchor.Length > 0)
                    {
                        _collectionAnchors.Add(anchor);
                        _scalarAnchors.Remove(anchor);
                    }

                    NodeDone();
                    break;
                case Scalar scalar:
                    if (!scalar.Anchor.IsEmpty)
                    {
                        _collectionAnchors.Remove(scalar.Anchor.Value);
                        _scalarAnchors.Add(scalar.Anchor.Value);
                    }

                    NodeDone();
                    break;
                case AnchorAlias alias:
                    var name = alias.Value.Value;
                    if (_open.Any(o => o.Anchor == name))
                    {
                        throw Refused(alias, $"the alias *{name} is inside the list or mapping &{name} it names",
                            "Write the value out in full; a Keyman config never needs to refer to itself.");
                    }

                    if (!_collectionAnchors.Contains(name) && !_scalarAnchors.Contains(name))
                    {
                        // YAML allows an alias only after its anchor; YamlDotNet resolves later ones afterwards, and a key
                        // that is such an alias sends its equality check into endless recursion (a fuzz finding).
                        throw Refused(alias, $"the alias *{name} comes before any &{name} anchor",
                            $"Define '&{name}' on a value above this line, or write the value out in full.");
                    }

                    if (_collectionAnchors.Contains(name))
                    {
                        RefuseAtKey(alias, $"the alias *{name} of a list or mapping");
                    }

                    NodeDone();
                    break;
            }

            return true;
        }

        /// <summary>Inside a mapping, nodes alternate key, value; a finished node flips which comes next.</summary>
        private void NodeDone()
        {
            if (_open.Count > 0 && _open.Peek().Mapping)
            {
                _expectKey.Push(!_expectKey.Pop());
            }
        }

        private void RefuseAtKey(ParsingEvent node, string what)
        {
            if (_open.Count > 0 && _open.Peek().Mapping && _expectKey.Peek())
            {
                throw Refused(node, $"{what} is used as a key; keys must be plain text",
                    "Keys are 'name: value' (e.g. 'org: acme'); remove the '?' or the brackets before the ':'.");
            }
        }

        private KeymanException Refused(ParsingEvent at, string problem, string fix) =>
            new(ExitCodes.Config, $"{path}: line {at.Start.Line}, column {at.Start.Column}: {problem}", fix);
    }
}
