using System.CommandLine;
using Keyman.Core;
using Keyman.Core.Config;

namespace Keyman.Cli.Commands;

/// <summary>
/// aws_okta_keyman's flags, short and long, plus Keyman's own: one option per flag of <see cref="ConfigKeys.All"/>,
/// checked as the table says, plus the few flags that are actions rather than settings (-c, -w, -U, --open, -q).
/// </summary>
internal sealed class LoginOptions
{
    private readonly IEnvironment _environment;
    private readonly Dictionary<ConfigKey, Option> _byKey = [];

    public LoginOptions(IEnvironment? environment = null)
    {
        _environment = environment ?? ProcessEnvironment.Instance;
        foreach (var key in ConfigKeys.All.Where(k => k.Flags.Count > 0))
        {
            _byKey[key] = CreateOption(key);
        }
    }

    public Option<bool> Debug => (Option<bool>)_byKey[ConfigKeys.Find("debug")!];

    public Option RefreshBefore => _byKey[ConfigKeys.Find("refresh_before")!];

    public Option<string> Config { get; } = new("--config", "-c") { Description = "Config file (default: ~/.config/aws_okta_keyman.yml)" };

    public Option<string> WritePath { get; } = new("--writepath", "-w") { Description = "Merge these flags into the config file at this path, then log in" };

    public Option<bool> Update { get; } = new("--update", "-U") { Description = "(aws_okta_keyman's self-update; Keyman prints how to update instead)" };

    public Option<bool> Open { get; } = new("--open") { Description = "With --console: open the sign-in URL in the default browser" };

    public Option<bool> Quiet { get; } = CommonOptions.Quiet();

    public Option<bool> AllProfiles { get; } = new("--all-profiles")
    {
        Description = "Write a profile for every role of the app(s), one STS call per role from the same SAML assertion",
    };

    public Option<string> ProfileTemplate { get; } = CreateProfileTemplate();

    /// <summary>Every option of the login, in aws_okta_keyman's order of <c>--help</c>.</summary>
    public IEnumerable<Option> All => Ordered(_byKey.Keys, after: new()
    {
        ["debug"] = [Quiet],
        ["name"] = [Config, WritePath, AllProfiles, ProfileTemplate],
        ["console"] = [Update],
        ["assume_role_arn"] = [Open],
    });

    /// <summary>The options that choose how to log in, for subcommands that log in and then deliver the credentials their own way.</summary>
    public IEnumerable<Option> ForDelivery => Ordered(
        _byKey.Keys.Where(k => k.Name is not ("reup" or "name" or "command" or "screen" or "console")),
        after: new() { ["debug"] = [Quiet], ["duo_factor"] = [Config] });

    /// <summary>The values given on the command line; flags left out stay null so the file's values show through.</summary>
    public KeymanConfig FromFlags(ParseResult parse)
    {
        var config = new KeymanConfig();
        foreach (var (key, option) in _byKey)
        {
            var value = option switch
            {
                // A switch left out is "not given", not false, so that the file's true still applies.
                Option<bool> flag => parse.GetResult(flag) is { Implicit: false } ? parse.GetValue(flag) : null,
                Option<int?> number => parse.GetValue(number),
                Option<string> text => (object?)parse.GetValue(text),
                _ => null,
            };
            config = key.Set(config, value is null ? null : key.Type.FromFlag(value, _environment));
        }

        return config;
    }

    private static Option<string> CreateProfileTemplate()
    {
        var option = new Option<string>("--profile-template")
        {
            Description = $"With --all-profiles: the profile names, from {{account}} (alias, else ID), {{account_id}} and {{role}} (default {Keyman.Core.Login.ProfileNameTemplate.Default})",
            HelpName = "template",
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && Keyman.Core.Login.ProfileNameTemplate.Problem(token.Value) is { } problem)
            {
                result.AddError($"--profile-template '{token.Value}' {problem}{ParseErrors.FixMark}{Keyman.Core.Login.ProfileNameTemplate.Rule}");
            }
        });
        return option;
    }

    private IEnumerable<Option> Ordered(IEnumerable<ConfigKey> keys, Dictionary<string, Option[]> after)
    {
        foreach (var key in ConfigKeys.All)
        {
            if (keys.Contains(key))
            {
                yield return _byKey[key];
            }

            foreach (var option in after.GetValueOrDefault(key.Name, []))
            {
                yield return option;
            }
        }
    }

    private Option CreateOption(ConfigKey key)
    {
        var (name, aliases) = (key.Flags[0], key.Flags.Skip(1).ToArray());
        Option option = key.Type.Flag switch
        {
            FlagKind.Text => new Option<string>(name, aliases),
            FlagKind.Number => new Option<int?>(name, aliases),
            FlagKind.Switch => new Option<bool>(name, aliases),
            _ => throw new InvalidOperationException($"'{key.Name}' has flags but no flag kind"),
        };
        option.Description = key.Description;
        option.HelpName = key.Type.Unit ?? option.HelpName;
        option.Validators.Add(result =>
        {
            // Only check a value that parsed; System.CommandLine reports an unparsable one itself.
            if (result.Tokens is not [var token])
            {
                return;
            }

            object? value = key.Type.Flag switch
            {
                FlagKind.Text => token.Value,
                FlagKind.Number when int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
                _ => null,
            };
            if (value is not null && key.Type.FlagProblem(name, value, _environment) is { } problem)
            {
                result.AddError(problem);
            }
        });
        return option;
    }
}
