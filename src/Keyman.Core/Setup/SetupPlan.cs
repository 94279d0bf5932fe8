using System.Text;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Ui;

namespace Keyman.Core.Setup;

/// <summary>One file as it is and as setup would leave it.</summary>
public sealed partial record SetupFileChange(string Path, string? Before, string After)
{
    public bool Changed => !string.Equals(Before ?? string.Empty, After, StringComparison.Ordinal) || (Before is null && After.Length > 0);

    /// <summary>
    /// The change as a unified diff ("" when there is none). A secret key's value (a static key some keep in
    /// ~/.aws/config, removed or shown as context) is replaced by "(hidden)": the diff is shown, the secret never.
    /// </summary>
    public string Diff => Changed
        ? SecretValue().Replace(LineDiff.Unified(Before, After, Path + (Before is null ? " (new)" : string.Empty), Path), "$1(hidden)")
        : string.Empty;

    [System.Text.RegularExpressions.GeneratedRegex(@"(?im)^([-+ ]\s*(?:aws_secret_access_key|aws_session_token|aws_security_token)\s*=\s*)\S.*$")]
    private static partial System.Text.RegularExpressions.Regex SecretValue();
}

/// <summary>Keys to set in one section of the AWS config (only those that differ) and keys to drop from it.</summary>
public sealed record AwsSectionEdit(string Section, IReadOnlyList<KeyValuePair<string, string>> Set, IReadOnlyList<string> Remove)
{
    public bool Changed => Set.Count > 0 || Remove.Count > 0;
}

/// <summary>
/// What setup writes, worked out before anything is written: the Keyman config's keys (merged by
/// <see cref="ConfigFile"/>, which keeps comments and unknown keys) and the AWS config's profiles (only the keys whose
/// value differs are set, in place, by <see cref="CredentialsFile"/>'s section merge), so that every other byte stays
/// and a second run with the same answers has nothing to write.
/// </summary>
public sealed class SetupPlan
{
    private const string AwsConfigWhat = "the AWS config file";

    /// <summary>Keys that would give the Bedrock profile credentials some other way than its source_profile.</summary>
    private static readonly string[] OtherRoleSources =
    [
        "credential_process", "credential_source", "web_identity_token_file", "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
        "sso_session", "sso_start_url", "sso_account_id", "sso_role_name", "sso_region",
    ];

    private SetupPlan(SetupAnswers answers, KeymanConfig keys, SetupFileChange keymanConfig, SetupFileChange awsConfig, IReadOnlyList<AwsSectionEdit> edits)
    {
        Answers = answers;
        Keys = keys;
        KeymanConfig = keymanConfig;
        AwsConfig = awsConfig;
        AwsEdits = edits;
    }

    public SetupAnswers Answers { get; }

    /// <summary>The Keyman config's keys setup writes.</summary>
    public KeymanConfig Keys { get; }

    public SetupFileChange KeymanConfig { get; }

    public SetupFileChange AwsConfig { get; }

    public IReadOnlyList<AwsSectionEdit> AwsEdits { get; }

    public bool Changed => KeymanConfig.Changed || AwsConfig.Changed;

    /// <summary>The files this plan changes.</summary>
    public IEnumerable<string> Written => new[] { KeymanConfig, AwsConfig }.Where(c => c.Changed).Select(c => c.Path);

    /// <summary>
    /// The plan for <paramref name="answers"/> with the app and role the login settled on. <paramref name="keymanBinary"/>
    /// is the credential_process command's program; <paramref name="configPathForProcess"/> its --config (null: the default).
    /// </summary>
    public static SetupPlan Make(SetupAnswers answers, string appId, string roleArn, string configPath, string? configPathForProcess,
        string? keymanBinary, IEnvironment environment, ILog log)
    {
        var existing = Lenient(configPath, environment, log);
        var keys = new KeymanConfig
        {
            Org = answers.Org,
            Username = answers.Username,
            AppId = appId,
            Role = roleArn,
            Region = answers.Region,
            // The chain's source profile is the one plain `keyman` writes; said in the file only when it is not already so.
            Name = answers.Style == ProfileStyle.RoleChain && existing.EffectiveProfile != answers.SourceProfile ? answers.SourceProfile : null,
        };
        var (target, before, after) = ConfigFile.Plan(configPath, keys, environment);
        var keymanConfig = new SetupFileChange(target, before, after);

        var awsPath = AwsConfigFile.ResolvePath(environment);
        var original = RegularFile.ReadAllBytes(awsPath, RegularFile.IniLimit, AwsConfigWhat, ExitCodes.Config);
        var ini = IniFile.Parse(original is null ? string.Empty : Encoding.UTF8.GetString(original));
        var edits = new List<AwsSectionEdit>();
        if (answers.Style == ProfileStyle.CredentialProcess)
        {
            var binary = keymanBinary ?? throw new KeymanException(ExitCodes.Internal, "Cannot tell where the keyman binary is, for the credential_process line",
                "Run keyman setup through its full path, or choose the 'chain' profile style.");
            edits.Add(Edit(ini, answers.SourceProfile,
                [new("credential_process", CredentialProcessProfile.Command(binary, answers.SourceProfile, configPathForProcess)), new("region", answers.Region)],
                CredentialProcessProfile.OtherCredentialSources));
        }

        if (answers.BedrockRoleArn is { } bedrockRole)
        {
            edits.Add(Edit(ini, answers.BedrockProfile,
                [new("role_arn", bedrockRole), new("source_profile", answers.SourceProfile), new("region", answers.Region)],
                OtherRoleSources));
        }

        var bytes = original ?? [];
        foreach (var edit in edits.Where(e => e.Changed))
        {
            bytes = CredentialsFile.ReplaceSection(bytes, edit.Section, edit.Set, merge: true, remove: edit.Remove);
        }

        var awsConfig = new SetupFileChange(awsPath, original is null ? null : Encoding.UTF8.GetString(original), Encoding.UTF8.GetString(bytes));
        return new SetupPlan(answers, keys, keymanConfig, awsConfig, edits);
    }

    /// <summary>Writes the changed files (each atomically; the AWS config under its lock, merged again from what is there now).</summary>
    public void Apply(IEnvironment environment)
    {
        if (KeymanConfig.Changed)
        {
            ConfigFile.Write(KeymanConfig.Path, Keys, environment);
        }

        foreach (var edit in AwsEdits.Where(e => e.Changed))
        {
            CredentialsFile.WriteProfile(AwsConfig.Path, edit.Section, edit.Set, merge: true, remove: edit.Remove, what: AwsConfigWhat);
        }
    }

    /// <summary>The section's keys that differ from <paramref name="wanted"/>, and those of <paramref name="conflicting"/> it holds.</summary>
    private static AwsSectionEdit Edit(IniFile ini, string profile, IReadOnlyList<KeyValuePair<string, string>> wanted, IReadOnlyCollection<string> conflicting)
    {
        var section = profile == "default" && ini.Section("default") is null && ini.Section("profile default") is not null ? "profile default"
            : profile == "default" ? "default" : "profile " + profile;
        var current = ini.Section(section);
        var set = wanted.Where(w => current is null || !current.TryGetValue(w.Key, out var value) || value != w.Value).ToList();
        var remove = current is null ? [] : conflicting.Where(current.ContainsKey).ToList();
        return new AwsSectionEdit(section, set, remove);
    }

    /// <summary>The Keyman config as it is for comparing, a broken one read as empty (setup rewrites its keys).</summary>
    private static KeymanConfig Lenient(string path, IEnvironment environment, ILog log)
    {
        try
        {
            return ConfigFile.Load(path, log, environment);
        }
        catch (KeymanException)
        {
            return new KeymanConfig();
        }
    }
}
