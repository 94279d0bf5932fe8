using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Keyman.Core.Ui;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keyman.Core.Config;

/// <summary>
/// Reads and writes aws_okta_keyman.yml. It walks the YAML node tree itself (no reflection, so it works under
/// Native AOT) and so can name the line of every problem.
/// </summary>
public static partial class ConfigFile
{
    /// <summary>Every key the file may hold, and what it means, for warnings and for the docs.</summary>
    public static readonly IReadOnlyList<string> KnownKeys =
    [
        "org", "username", "appid", "accounts", "role", "account", "region", "duration", "reup", "duo_factor",
        "factor", "password_cache", "password_reset", "screen", "console", "command", "debug", "oktapreview", "name",
        "update", "assume_role_arn", "refresh_before",
    ];

    /// <summary>~/.config/aws_okta_keyman.yml on every OS (the original uses %USERPROFILE%\.config on Windows too).</summary>
    public static string DefaultPath(IEnvironment env) =>
        Path.Combine(env.HomeDirectory, ".config", "aws_okta_keyman.yml");

    /// <summary>Expands a leading ~ (the original does not, a bug when the shell leaves it unexpanded).</summary>
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
    public static KeymanConfig Load(string path, ILog log)
    {
        string text;
        try
        {
            if (!File.Exists(path))
            {
                return new KeymanConfig();
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeymanException(ExitCodes.Config, $"Cannot read config file {path}: {e.Message}", "Check the file's permissions, or pass another file with -c PATH.");
        }

        return Parse(text, path, log);
    }

    public static KeymanConfig Parse(string text, string path, ILog log)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // YamlDotNet reports some structural errors as InvalidOperationException; the parser still knows where it stopped.
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
            return new KeymanConfig();
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw Problem(path, stream.Documents[0].RootNode, "the file must be a mapping of 'key: value' lines");
        }

        var config = new KeymanConfig();
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var reader = new ValueReader(path, key, valueNode);
            config = key switch
            {
                "org" => config with { Org = reader.String() },
                "username" => config with { Username = reader.String() },
                "appid" => config with { AppId = reader.String() },
                "accounts" => config with { Accounts = reader.Accounts() },
                "role" => config with { Role = reader.String() },
                "account" => config with { Account = reader.String() },
                "region" => config with { Region = reader.String() },
                "duration" => config with { Duration = reader.Duration() },
                "reup" => config with { Reup = reader.Bool() },
                "duo_factor" => config with { DuoFactor = reader.String() },
                "factor" => config with { Factor = reader.String() },
                "password_cache" => config with { PasswordCache = reader.Bool() },
                "password_reset" => config with { PasswordReset = reader.Bool() },
                "screen" => config with { Screen = reader.Bool() },
                "console" => config with { Console = reader.Bool() },
                "command" => config with { Command = reader.String() },
                "debug" => config with { Debug = reader.Bool() },
                "oktapreview" => config with { OktaPreview = reader.Bool() },
                "name" => config with { Name = reader.String() },
                "update" => config,
                "assume_role_arn" => config with { AssumeRoleArn = reader.RoleArn() },
                "refresh_before" => config with { RefreshBefore = reader.Seconds() },
                _ => Unknown(config, key, keyNode, path, log),
            };
        }

        return config;
    }

    private static KeymanConfig Unknown(KeymanConfig config, string key, YamlNode node, string path, ILog log)
    {
        var suggestion = KnownKeys.OrderBy(k => Distance(k, key)).First();
        var hint = Distance(suggestion, key) <= 3 ? $" Did you mean '{suggestion}'?" : string.Empty;
        log.Warning($"{path}: line {node.Start.Line}: unknown key '{key}' is ignored.{hint}");
        return config;
    }

    /// <summary>Writes the config atomically, every key that is set (aws_okta_keyman's write_config dropped appid and others).</summary>
    public static void Write(string path, KeymanConfig config)
    {
        var root = new YamlMappingNode();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                root.Add(key, new YamlScalarNode(value));
            }
        }

        static string? B(bool? b) => b is null ? null : b.Value ? "true" : "false";
        Add("org", config.Org);
        Add("oktapreview", B(config.OktaPreview));
        Add("username", config.Username);
        // Unlike the original's write_config, appid, name and command survive a rewrite: dropping them lost settings.
        Add("appid", config.AppId);
        if (config.Accounts is { Count: > 0 } accounts)
        {
            var list = new YamlSequenceNode();
            foreach (var a in accounts)
            {
                var entry = new YamlMappingNode { { "name", a.Name }, { "appid", a.AppId } };
                if (a.AssumeRoleArn is not null)
                {
                    entry.Add("assume_role_arn", a.AssumeRoleArn);
                }

                list.Add(entry);
            }

            root.Add("accounts", list);
        }

        Add("role", config.Role);
        Add("account", config.Account);
        Add("region", config.Region);
        Add("duration", config.Duration?.ToString(CultureInfo.InvariantCulture));
        Add("factor", config.Factor);
        Add("duo_factor", config.DuoFactor);
        Add("password_cache", B(config.PasswordCache));
        Add("reup", B(config.Reup));
        Add("screen", B(config.Screen));
        Add("console", B(config.Console));
        Add("assume_role_arn", config.AssumeRoleArn);
        Add("refresh_before", config.RefreshBefore?.ToString(CultureInfo.InvariantCulture));
        Add("name", config.Name);
        Add("command", config.Command);

        var builder = new StringBuilder();
        using (var writer = new StringWriter(builder, CultureInfo.InvariantCulture))
        {
            new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        }

        var yaml = builder.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
        if (yaml.EndsWith("...\n", StringComparison.Ordinal))
        {
            yaml = yaml[..^4];
        }

        AtomicFile.WriteAllText(path, yaml, secret: false);
    }

    private static KeymanException Problem(string path, YamlNode node, string message, string? hint = null) =>
        new(ExitCodes.Config, $"{path}: line {node.Start.Line}: {message}", hint ?? "Fix the value, or recreate the file with 'keyman config'.");

    private static string Trim(string s) => s.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Trim();

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }

        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$")]
    public static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")]
    private static partial Regex PlaceholderPattern();

    /// <summary>True when a value is still a how-to placeholder such as <c>$OKTA_ORG</c> or <c>${OKTA_USERNAME}</c>.</summary>
    public static bool IsPlaceholder(string value) => PlaceholderPattern().IsMatch(value.Trim());

    /// <summary>Reads one key's value, turning each wrong shape into a one-line error naming file, line and key.</summary>
    private readonly struct ValueReader(string path, string key, YamlNode node)
    {
        private KeymanException Bad(string what, YamlNode? at = null) =>
            Problem(path, at ?? node, $"'{key}' {what}");

        private string? Scalar()
        {
            if (node is not YamlScalarNode scalar)
            {
                throw Bad("must be a single value, not a list or mapping");
            }

            // An unquoted null/~/empty value means "not set", as in files written by aws_okta_keyman (reup: null).
            if (scalar.Style == ScalarStyle.Plain && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"))
            {
                return null;
            }

            return scalar.Value;
        }

        public string? String()
        {
            var value = Scalar();
            if (value is not null && IsPlaceholder(value))
            {
                throw new KeymanException(
                    ExitCodes.Config,
                    $"{path}: line {node.Start.Line}: '{key}' is still the placeholder '{value}' from the how-to",
                    $"Replace '{value}' with the real value your DevOps team gave you (for org, e.g. https://acme.okta.com).");
            }

            return value?.Trim();
        }

        public bool? Bool()
        {
            var value = Scalar();
            return value?.ToLowerInvariant() switch
            {
                null => null,
                "true" or "yes" or "on" or "1" => true,
                "false" or "no" or "off" or "0" => false,
                _ => throw Bad($"must be true or false, not '{value}'"),
            };
        }

        public int? Duration()
        {
            var value = Scalar();
            if (value is null)
            {
                return null;
            }

            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            {
                throw Bad($"must be a whole number of seconds, not '{value}'");
            }

            if (seconds is < KeymanConfig.MinDuration or > KeymanConfig.MaxDuration)
            {
                throw new KeymanException(
                    ExitCodes.Config,
                    $"{path}: line {node.Start.Line}: 'duration' is {seconds}, outside 900 to 43200 seconds",
                    "Use a duration from 900 (15 minutes) to 43200 (12 hours); your role's maximum session duration may be lower.");
            }

            return seconds;
        }

        public string? RoleArn()
        {
            var value = String();
            if (value is not null && !RoleArnPattern().IsMatch(value))
            {
                throw Bad($"must be an IAM role ARN like arn:aws:iam::123456789012:role/Name, not '{value}'");
            }

            return value;
        }

        public int? Seconds()
        {
            var value = Scalar();
            if (value is null)
            {
                return null;
            }

            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 0 || seconds > KeymanConfig.MaxDuration)
            {
                throw Bad($"must be a whole number of seconds from 0 to 43200, not '{value}'");
            }

            return seconds;
        }

        public IReadOnlyList<AccountEntry>? Accounts()
        {
            if (node is YamlScalarNode)
            {
                return Scalar() is null ? null : throw Bad("must be a list of '- name: ...' / '  appid: ...' entries");
            }

            if (node is not YamlSequenceNode list)
            {
                throw Bad("must be a list of '- name: ...' / '  appid: ...' entries");
            }

            var accounts = new List<AccountEntry>();
            foreach (var item in list.Children)
            {
                if (item is not YamlMappingNode entry)
                {
                    throw Bad("entries must each have 'name' and 'appid'", item);
                }

                string? name = null, appId = null, assumeRoleArn = null;
                foreach (var (k, v) in entry.Children)
                {
                    var sub = new ValueReader(path, $"accounts.{(k as YamlScalarNode)?.Value}", v);
                    switch ((k as YamlScalarNode)?.Value)
                    {
                        case "name":
                            name = sub.String();
                            break;
                        case "appid":
                            appId = sub.String();
                            break;
                        case "assume_role_arn":
                            assumeRoleArn = sub.RoleArn();
                            break;
                        default:
                            throw Problem(path, k, $"unknown key '{(k as YamlScalarNode)?.Value}' in an 'accounts' entry; entries take 'name', 'appid' and 'assume_role_arn'");
                    }
                }

                if (string.IsNullOrWhiteSpace(appId))
                {
                    throw Bad("entry has no 'appid'", item);
                }

                accounts.Add(new AccountEntry(string.IsNullOrWhiteSpace(name) ? appId : name, appId, assumeRoleArn));
            }

            return accounts;
        }
    }
}
