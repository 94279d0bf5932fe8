using System.Globalization;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Keyman.Core.Config;

/// <summary>
/// What kind of value a key holds: how it is read from the file (with a line-numbered error when wrong), how it is
/// written back, and how it is given and checked as a flag. Values are boxed (<c>string</c>, <c>bool</c>, <c>int</c>,
/// a list of <see cref="AccountEntry"/>) so one table can hold every key without reflection.
/// </summary>
public abstract class ConfigType
{
    /// <summary>Text, trimmed; a how-to placeholder is refused.</summary>
    public static readonly ConfigType Text = new TextType();

    /// <summary>An Okta AWS app ID; a pasted app link is reduced to its app ID (<see cref="OktaAppLink"/>).</summary>
    public static readonly ConfigType AppId = new AppIdType();

    /// <summary>true/false (also yes/no, on/off, 1/0, as PyYAML reads them).</summary>
    public static readonly ConfigType Switch = new SwitchType();

    /// <summary>A session duration: whole seconds from 900 to 43200.</summary>
    public static readonly ConfigType Duration = new DurationType();

    /// <summary>Whole seconds from 0 to 43200.</summary>
    public static readonly ConfigType Seconds = new SecondsType();

    /// <summary>An IAM role ARN.</summary>
    public static readonly ConfigType RoleArn = new RoleArnType();

    /// <summary>The <c>accounts</c> list of name + appid (+ assume_role_arn) entries.</summary>
    public static readonly ConfigType Accounts = new AccountsType();

    /// <summary>A file that must exist: <c>~</c> expanded, relative to the config file's folder (a flag: to the current one).</summary>
    public static readonly ConfigType ExistingFile = new ExistingFileType();

    /// <summary>A key aws_okta_keyman knows and Keyman reads without using (<c>update</c>).</summary>
    public static readonly ConfigType Ignored = new IgnoredType();

    /// <summary>How the flag takes its value; <see cref="FlagKind.None"/> when the key has no flag form.</summary>
    public abstract FlagKind Flag { get; }

    /// <summary>The value of the file's key, or null when it says "not set".</summary>
    public abstract object? Read(ConfigValueReader reader);

    /// <summary>What follows <c>key:</c> in the file: <c> value</c>, or a block on the next lines indented past <paramref name="indent"/>.</summary>
    public virtual string Render(object value, string indent) => " " + (value is string text ? ConfigText.Scalar(text) : Format(value));

    /// <summary>Whether two values mean the same, so that rewriting the file leaves that line as the user wrote it.</summary>
    public virtual bool Same(object? a, object? b) => Equals(a, b);

    /// <summary>The one-line usage error for a bad flag value (a string or int as parsed), or null when it is fine.</summary>
    public virtual string? FlagProblem(string flag, object value, IEnvironment environment) => null;

    /// <summary>What a number flag counts ("seconds"), shown as its value's name in --help; null for other flags.</summary>
    public virtual string? Unit => null;

    /// <summary>The value a flag gives the config (e.g. a path made absolute).</summary>
    public virtual object FromFlag(object value, IEnvironment environment) => value;

    protected virtual string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>A whole number, or null when not set; <paramref name="notANumber"/> words the error for other text.</summary>
    private static int? Whole(ConfigValueReader reader, Func<string, string> notANumber)
    {
        var value = reader.Scalar();
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : throw reader.Bad(notANumber(value));
    }

    private sealed class TextType : ConfigType
    {
        public override FlagKind Flag => FlagKind.Text;

        public override object? Read(ConfigValueReader reader) => reader.String();
    }

    private sealed class AppIdType : ConfigType
    {
        public override FlagKind Flag => FlagKind.Text;

        public override object? Read(ConfigValueReader reader) => reader.String() is { } value ? OktaAppLink.ToAppId(value) : null;

        public override object FromFlag(object value, IEnvironment environment) => OktaAppLink.ToAppId((string)value);
    }

    private sealed class SwitchType : ConfigType
    {
        public override FlagKind Flag => FlagKind.Switch;

        public override object? Read(ConfigValueReader reader)
        {
            var value = reader.Scalar();
            return value?.ToLowerInvariant() switch
            {
                null => null,
                "true" or "yes" or "on" or "1" => true,
                "false" or "no" or "off" or "0" => false,
                _ => throw reader.Bad($"must be true or false, not '{value}'"),
            };
        }

        protected override string Format(object value) => (bool)value ? "true" : "false";
    }

    private sealed class DurationType : ConfigType
    {
        public override FlagKind Flag => FlagKind.Number;

        public override string Unit => "seconds";

        public override object? Read(ConfigValueReader reader)
        {
            var seconds = Whole(reader, value => $"must be a whole number of seconds, not '{value}'");
            if (seconds is < KeymanConfig.MinDuration or > KeymanConfig.MaxDuration)
            {
                throw reader.Bad(
                    $"is {seconds}, outside 900 to 43200 seconds",
                    hint: "Use a duration from 900 (15 minutes) to 43200 (12 hours); your role's maximum session duration may be lower.");
            }

            return seconds;
        }

        public override string? FlagProblem(string flag, object value, IEnvironment environment) =>
            (int)value is < KeymanConfig.MinDuration or > KeymanConfig.MaxDuration ? $"{flag} {value} is outside 900 to 43200 seconds." : null;
    }

    private sealed class SecondsType : ConfigType
    {
        public override FlagKind Flag => FlagKind.Number;

        public override string Unit => "seconds";

        public override object? Read(ConfigValueReader reader)
        {
            static string Wrong(string value) => $"must be a whole number of seconds from 0 to 43200, not '{value}'";
            var seconds = Whole(reader, Wrong);
            return seconds is < 0 or > KeymanConfig.MaxDuration ? throw reader.Bad(Wrong(seconds.Value.ToString(CultureInfo.InvariantCulture))) : seconds;
        }

        public override string? FlagProblem(string flag, object value, IEnvironment environment) =>
            (int)value is < 0 or > KeymanConfig.MaxDuration ? $"{flag} {value} is outside 0 to 43200 seconds." : null;
    }

    private sealed class RoleArnType : ConfigType
    {
        public override FlagKind Flag => FlagKind.Text;

        public override object? Read(ConfigValueReader reader)
        {
            var value = reader.String();
            if (value is not null && !Aws.AwsArn.IsRoleArn(value))
            {
                throw reader.Bad($"must be an IAM role ARN like arn:aws:iam::123456789012:role/Name, not '{value}'");
            }

            return value;
        }

        public override string? FlagProblem(string flag, object value, IEnvironment environment) =>
            Aws.AwsArn.IsRoleArn((string)value) ? null : $"{flag} '{value}' is not an IAM role ARN like arn:aws:iam::123456789012:role/Name.";
    }

    private sealed class ExistingFileType : ConfigType
    {
        public override FlagKind Flag => FlagKind.Text;

        public override object? Read(ConfigValueReader reader)
        {
            var value = reader.String();
            if (value is null)
            {
                return null;
            }

            // A relative path means beside the config file, not wherever Keyman happens to be started.
            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(reader.Path)) ?? ".";
            var full = System.IO.Path.GetFullPath(ConfigFile.ExpandHome(value, reader.Environment), folder);
            return Problem(full) is { } problem
                ? throw reader.Bad($"names {full}, which {problem}", hint: "Point it at a PEM file of the CA certificates to trust, e.g. your company's root CA.")
                : full;
        }

        public override string? FlagProblem(string flag, object value, IEnvironment environment) =>
            Absolute((string)value, environment) is var full && Problem(full) is { } problem ? $"{flag} {full} {problem}." : null;

        public override object FromFlag(object value, IEnvironment environment) => Absolute((string)value, environment);

        private static string Absolute(string value, IEnvironment environment) =>
            System.IO.Path.GetFullPath(ConfigFile.ExpandHome(value.Trim(), environment));

        private static string? Problem(string path) => FileKinds.Of(path) switch
        {
            FileKind.Missing => "does not exist",
            FileKind.Regular => null,
            FileKind.Directory => "is a folder, not a file",
            _ => "is not a regular file (a FIFO, socket or device)",
        };
    }

    private sealed class AccountsType : ConfigType
    {
        private const string Shape = "must be a list of '- name: ...' / '  appid: ...' entries";

        public override FlagKind Flag => FlagKind.None;

        public override object? Read(ConfigValueReader reader)
        {
            if (reader.Node is YamlScalarNode)
            {
                return reader.Scalar() is null ? null : throw reader.Bad(Shape);
            }

            if (reader.Node is not YamlSequenceNode list)
            {
                throw reader.Bad(Shape);
            }

            var accounts = new List<AccountEntry>();
            foreach (var item in list.Children)
            {
                if (item is not YamlMappingNode entry)
                {
                    throw reader.Bad("entries must each have 'name' and 'appid'", item);
                }

                string? name = null, appId = null, assumeRoleArn = null;
                foreach (var (k, v) in entry.Children)
                {
                    var subKey = (k as YamlScalarNode)?.Value;
                    var sub = reader.For($"accounts.{subKey}", v);
                    switch (subKey)
                    {
                        case "name":
                            name = sub.String();
                            break;
                        case "appid":
                            appId = sub.String() is { } id ? OktaAppLink.ToAppId(id) : null;
                            break;
                        case "assume_role_arn":
                            assumeRoleArn = (string?)RoleArn.Read(sub);
                            break;
                        default:
                            throw ConfigValueReader.Problem(reader.Path, k, $"unknown key '{subKey}' in an 'accounts' entry; entries take 'name', 'appid' and 'assume_role_arn'");
                    }
                }

                if (string.IsNullOrWhiteSpace(appId))
                {
                    throw reader.Bad("entry has no 'appid'", item);
                }

                accounts.Add(new AccountEntry(string.IsNullOrWhiteSpace(name) ? appId : name, appId, assumeRoleArn));
            }

            return accounts;
        }

        public override string Render(object value, string indent)
        {
            var accounts = (IReadOnlyList<AccountEntry>)value;
            if (accounts.Count == 0)
            {
                return " []";
            }

            var text = new StringBuilder();
            foreach (var account in accounts)
            {
                text.Append('\n').Append(indent).Append("  - name: ").Append(ConfigText.Scalar(account.Name));
                text.Append('\n').Append(indent).Append("    appid: ").Append(ConfigText.Scalar(account.AppId));
                if (account.AssumeRoleArn is not null)
                {
                    text.Append('\n').Append(indent).Append("    assume_role_arn: ").Append(ConfigText.Scalar(account.AssumeRoleArn));
                }
            }

            return text.ToString();
        }

        public override bool Same(object? a, object? b) =>
            a is IReadOnlyList<AccountEntry> x && b is IReadOnlyList<AccountEntry> y ? x.SequenceEqual(y) : Equals(a, b);
    }

    private sealed class IgnoredType : ConfigType
    {
        public override FlagKind Flag => FlagKind.None;

        public override object? Read(ConfigValueReader reader) => null;
    }
}
