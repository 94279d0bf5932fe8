using System.Text;
using Keyman.Core.Aws;

namespace Keyman.Core.Login;

/// <summary>
/// How <c>--all-profiles</c> names each role's profile: text with the placeholders <c>{account}</c> (the account's
/// alias, else its ID), <c>{account_id}</c> and <c>{role}</c> (the role name, a path's slashes as hyphens). The default,
/// <c>{account}-{role}</c>, is gimme-aws-creds's "acc-role" naming. <c>{role}</c> is required: without it two roles of
/// one account would share a profile.
/// </summary>
public sealed class ProfileNameTemplate
{
    public const string Default = "{account}-{role}";

    /// <summary>What a template may hold, as the fix of a template refused.</summary>
    public const string Rule = "Build the template from the placeholders {account}, {account_id} and {role} ({role} is required), with only letters, digits and - _ . around them, e.g. --profile-template '" + Default + "'.";

    private static readonly string[] Placeholders = ["account", "account_id", "role"];

    private readonly List<(bool IsPlaceholder, string Text)> _parts;

    private ProfileNameTemplate(string text, List<(bool, string)> parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>The template, checked.</summary>
    /// <exception cref="KeymanException">ExitCodes.Usage, saying what is wrong.</exception>
    public static ProfileNameTemplate Parse(string? text)
    {
        text ??= Default;
        if (Problem(text, out var parts) is { } problem)
        {
            throw new KeymanException(ExitCodes.Usage, $"--profile-template '{text}' {problem}", Rule);
        }

        return new ProfileNameTemplate(text, parts);
    }

    /// <summary>What is wrong with <paramref name="text"/> as a template, or null (for the option's validator).</summary>
    public static string? Problem(string text) => Problem(text, out _);

    /// <summary>The profile name for <paramref name="role"/>; <paramref name="accountNames"/> maps account ID to alias.</summary>
    public string Render(AwsRole role, IReadOnlyDictionary<string, string> accountNames)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(accountNames);
        var builder = new StringBuilder();
        foreach (var (isPlaceholder, text) in _parts)
        {
            builder.Append(!isPlaceholder ? text : text switch
            {
                "account" => Safe(accountNames.TryGetValue(role.AccountId, out var alias) && alias.Length > 0 ? alias : role.AccountId),
                "account_id" => role.AccountId,
                _ => Safe(role.RoleName.Replace('/', '-')),
            });
        }

        return builder.ToString();
    }

    private static string? Problem(string text, out List<(bool, string)> parts)
    {
        parts = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is empty";
        }

        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{')
            {
                var close = text.IndexOf('}', i + 1);
                if (close < 0)
                {
                    return "has a '{' without its '}'";
                }

                var name = text[(i + 1)..close];
                if (!Placeholders.Contains(name, StringComparer.Ordinal))
                {
                    return $"names {{{name}}}, which is not one of {{account}}, {{account_id}}, {{role}}";
                }

                if (literal.Length > 0)
                {
                    parts.Add((false, literal.ToString()));
                    literal.Clear();
                }

                parts.Add((true, name));
                i = close;
            }
            else if (c == '}')
            {
                return "has a '}' without its '{'";
            }
            else if (!IsNameCharacter(c))
            {
                return $"holds '{c}', which does not belong in a profile name";
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add((false, literal.ToString()));
        }

        return parts.Any(p => p is (true, "role")) ? null : "lacks {role}, so two roles of one account would get the same profile";
    }

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    /// <summary>An alias or role name as a profile name part: anything but letters, digits and - _ . becomes '-'.</summary>
    private static string Safe(string value) => string.Concat(value.Select(c => IsNameCharacter(c) ? c : '-'));
}
