using System.CommandLine;

namespace Keyman.Cli.Commands;

/// <summary>
/// Keyman's command-line conventions in one place: the options several commands share (one spelling per concept), the
/// section of <c>--help</c> each option belongs to, and the aws_okta_keyman spellings that keep working without being
/// listed.
/// </summary>
internal static class CommonOptions
{
    public const string Okta = "Okta";
    public const string Aws = "AWS";
    public const string Sessions = "Session";
    public const string Output = "Output";

    /// <summary>The sections of <c>--help</c> after the command's own options, in order.</summary>
    public static IReadOnlyList<string> Sections { get; } = [Okta, Aws, Sessions, Output];

    // By an option's canonical spelling; an option not listed here is the command's own and shows under "Options:".
    private static readonly Dictionary<string, string> SectionOf = new(StringComparer.Ordinal)
    {
        ["--org"] = Okta, ["--username"] = Okta, ["--appid"] = Okta, ["--oktapreview"] = Okta, ["--factor"] = Okta,
        ["--duo-factor"] = Okta, ["--device"] = Okta, ["--oidc-client-id"] = Okta,
        ["--profile"] = Aws, ["--region"] = Aws, ["--account"] = Aws, ["--role"] = Aws, ["--duration"] = Aws,
        ["--assume-role"] = Aws, ["--all-profiles"] = Aws, ["--profile-template"] = Aws,
        ["--reup"] = Sessions, ["--refresh-before"] = Sessions, ["--password-cache"] = Sessions, ["--password-reset"] = Sessions,
        ["--screen"] = Output, ["--console"] = Output, ["--open"] = Output, ["--command"] = Output, ["--json"] = Output,
        ["--quiet"] = Output, ["--debug"] = Output, ["--verbose"] = Output, ["--plain"] = Output,
    };

    /// <summary>
    /// aws_okta_keyman's spellings that work everywhere their option is but are not listed as spellings in
    /// <c>--help</c>, where the one spelling Keyman uses for the concept stands instead (the line names them at its end).
    /// </summary>
    public static IReadOnlySet<string> Unlisted { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--name", "--duo_factor", "--password_cache", "--password_reset",
    };

    /// <summary>The spelling of an option that <c>--help</c> shows first: its long name, unless that is an unlisted one.</summary>
    public static string Canonical(Option option) =>
        !Unlisted.Contains(option.Name) ? option.Name
            : option.Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal) && !Unlisted.Contains(a)).DefaultIfEmpty(option.Name).First();

    /// <summary>The <c>--help</c> section of <paramref name="option"/>, or null for the command's own options.</summary>
    public static string? Section(Option option) => SectionOf.GetValueOrDefault(Canonical(option));

    /// <summary>-D/--debug, the same on every command (OptionSpellingTests checks that each one has it).</summary>
    public static Option<bool> Debug(string description = "Detailed log lines (secrets stay redacted)") => new("--debug", "-D") { Description = description };

    /// <summary>-q/--quiet for the commands that log in: errors and what the user must act on only.</summary>
    public static Option<bool> Quiet() => new("--quiet", "-q")
    {
        Description = "Errors only, plus what you must act on (prompts, the Okta Verify number, the sign-in URL and code)",
    };

    /// <summary>--json on every command with machine-readable output.</summary>
    public static Option<bool> Json(string what) => new("--json") { Description = what };

    /// <summary>--region, with aws_okta_keyman's -re, wherever a region applies.</summary>
    public static Option<string> Region(string description) => new("--region", "-re") { Description = description };

    /// <summary>
    /// --profile, with aws_okta_keyman's -n/--name still accepted, wherever an AWS profile name is meant. Its help line
    /// names no original spelling: these commands are Keyman's own (only the original's options, named by its spelling
    /// first, carry that note).
    /// </summary>
    public static Option<string> Profile(string description) => new("--profile", "-n", "--name") { Description = description };
}
