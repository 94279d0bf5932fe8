using System.Text;
using Keyman.Core.Ui;

namespace Keyman.Core.ClaudeCode;

/// <summary>What Claude Code needs to run on Bedrock with a Keyman profile: the env block and the credential hooks.</summary>
public sealed record ClaudeCodeBedrockConfig(string Profile, string Region, string Model, string HaikuModel, string? AuthRefresh, string? CredentialExport)
{
    /// <summary>The members of "env", in the order they are added to a file that lacks them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env =>
    [
        new("CLAUDE_CODE_USE_BEDROCK", "1"),
        new("AWS_PROFILE", Profile),
        new("AWS_REGION", Region),
        new("ANTHROPIC_MODEL", Model),
        new("ANTHROPIC_DEFAULT_HAIKU_MODEL", HaikuModel),
    ];

    /// <summary>The top-level hooks Claude Code runs for credentials.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Hooks =>
    [
        .. AuthRefresh is null ? [] : new[] { new KeyValuePair<string, string>("awsAuthRefresh", AuthRefresh) },
        .. CredentialExport is null ? [] : new[] { new KeyValuePair<string, string>("awsCredentialExport", CredentialExport) },
    ];
}

/// <summary>The outcome of merging into the settings file: the text before (null: no file) and after, and whether they differ.</summary>
public sealed record SettingsChange(string Path, string? Before, string After)
{
    public bool Changed => Before != After;

    public string Diff => LineDiff.Unified(Before, After, Path + (Before is null ? " (new)" : ""), Path);
}

/// <summary>Claude Code's settings file: where it is, the merge of the Bedrock keys into it, and the write with a backup.</summary>
public static class ClaudeCodeSettings
{
    private const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>~/.claude/settings.json (or $CLAUDE_CONFIG_DIR/settings.json); with <paramref name="projectDirectory"/>, its .claude/settings.json.</summary>
    public static string PathFor(IEnvironment environment, string? projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (projectDirectory is not null)
        {
            return System.IO.Path.Combine(projectDirectory, ".claude", "settings.json");
        }

        var folder = environment.Get("CLAUDE_CONFIG_DIR") ?? System.IO.Path.Combine(environment.HomeDirectory, ".claude");
        return System.IO.Path.Combine(folder, "settings.json");
    }

    /// <summary>Reads the file and merges the keys in; nothing is written.</summary>
    /// <exception cref="KeymanException">The file is not valid JSON (the line is named) or cannot be read.</exception>
    public static SettingsChange Plan(string path, ClaudeCodeBedrockConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var bytes = RegularFile.ReadAllBytes(path, MaxBytes, "Claude Code's settings file", ExitCodes.Config);
        var before = bytes is null ? null : new UTF8Encoding(false, true).GetString(bytes);
        try
        {
            return new SettingsChange(path, before, SettingsMerger.Merge(before, "env", config.Env, config.Hooks));
        }
        catch (SettingsFormatException ex)
        {
            throw new KeymanException(ExitCodes.Config, $"{path} line {ex.Line} is not valid JSON ({ex.Reason}); nothing was written",
                "Fix that line (or move the file away) and run keyman setup claude-code again.");
        }
    }

    /// <summary>Writes the merged file, after a copy of the old one at settings.json.bak (0600). An owner-only file stays owner-only.</summary>
    public static void Write(SettingsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var ownerOnly = true;
        if (change.Before is not null)
        {
            AtomicFile.Replace(change.Path + ".bak", File.ReadAllBytes(change.Path), secret: true);
            ownerOnly = OperatingSystem.IsWindows()
                || (File.GetUnixFileMode(change.Path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) == 0;
        }

        AtomicFile.WriteAllText(change.Path, change.After, secret: ownerOnly);
    }
}
