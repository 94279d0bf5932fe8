using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keyman.Core.Config;

/// <summary>Reads one key's value, turning each wrong shape into a one-line error naming file, line and key.</summary>
public readonly struct ConfigValueReader
{
    internal ConfigValueReader(string path, string key, YamlNode node, IEnvironment environment)
    {
        Path = path;
        Key = key;
        Node = node;
        Environment = environment;
    }

    /// <summary>The config file, as named in messages.</summary>
    public string Path { get; }

    public string Key { get; }

    public YamlNode Node { get; }

    /// <summary>For paths in values: the home folder that <c>~</c> stands for.</summary>
    public IEnvironment Environment { get; }

    /// <summary>An error about this value: "{file}: line N: '{key}' {what}".</summary>
    public KeymanException Bad(string what, YamlNode? at = null, string? hint = null) =>
        Problem(Path, at ?? Node, $"'{Key}' {what}", hint);

    internal static KeymanException Problem(string path, YamlNode node, string message, string? hint = null) =>
        new(ExitCodes.Config, $"{path}: line {node.Start.Line}: {message}", hint ?? "Fix the value, or recreate the file with 'keyman config'.");

    internal ConfigValueReader For(string key, YamlNode node) => new(Path, key, node, Environment);

    /// <summary>The value as written; null for an unquoted null, ~ or nothing.</summary>
    public string? Scalar()
    {
        if (Node is not YamlScalarNode scalar)
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

    /// <summary>The trimmed text, refusing a how-to placeholder such as <c>$OKTA_ORG</c>.</summary>
    public string? String()
    {
        var value = Scalar();
        if (value is not null && ConfigFile.IsPlaceholder(value))
        {
            throw new KeymanException(
                ExitCodes.Config,
                $"{Path}: line {Node.Start.Line}: '{Key}' is still the placeholder '{value}' from the how-to",
                $"Replace '{value}' with the real value your DevOps team gave you (for org, e.g. https://acme.okta.com).");
        }

        return value?.Trim();
    }
}
