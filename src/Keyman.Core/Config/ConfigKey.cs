namespace Keyman.Core.Config;

/// <summary>
/// One setting: its YAML key, its flags, what kind of value it holds and which <see cref="KeymanConfig"/> property
/// keeps it. <see cref="ConfigKeys.All"/> lists them; reading, writing and merging the file and the command-line
/// options are all driven by that list, so a new setting is one entry there (plus the property it fills).
/// </summary>
public sealed class ConfigKey
{
    private readonly Func<KeymanConfig, object?> _get;
    private readonly Func<KeymanConfig, object?, KeymanConfig> _set;

    internal ConfigKey(string name, ConfigType type, Func<KeymanConfig, object?> get, Func<KeymanConfig, object?, KeymanConfig> set)
    {
        Name = name;
        Type = type;
        _get = get;
        _set = set;
    }

    /// <summary>The key in aws_okta_keyman.yml.</summary>
    public string Name { get; }

    /// <summary>How the value is read, checked, written and given as a flag.</summary>
    public ConfigType Type { get; }

    /// <summary>The flag's name and its aliases (<c>--duo_factor</c>, <c>-d</c>, <c>--duo-factor</c>); none: the file only.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>The flag's line in <c>--help</c>.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>
    /// False for per-run choices that must not stick when <c>-w</c> saves the flags (a saved <c>password_reset</c>
    /// would forget the password on every run); aws_okta_keyman's write_config drops them too.
    /// </summary>
    public bool Saved { get; init; } = true;

    /// <summary>This key's value in <paramref name="config"/>; null when not set.</summary>
    public object? Get(KeymanConfig config) => _get(config);

    /// <summary><paramref name="config"/> with this key set to <paramref name="value"/> (null: not set).</summary>
    public KeymanConfig Set(KeymanConfig config, object? value) => _set(config, value);

    public override string ToString() => Name;
}

/// <summary>How a flag takes its value on the command line.</summary>
public enum FlagKind
{
    /// <summary>No flag: the key is set in the file only.</summary>
    None,

    /// <summary>A text argument (<c>--org acme</c>).</summary>
    Text,

    /// <summary>A whole number (<c>--duration 7200</c>).</summary>
    Number,

    /// <summary>On when present (<c>--reup</c>); left out, the file's value shows through.</summary>
    Switch,
}
