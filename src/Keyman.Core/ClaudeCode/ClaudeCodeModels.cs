using Keyman.Core.Aws.Profiles;
using Keyman.Core.Bedrock;
using Keyman.Core.Ui;

namespace Keyman.Core.ClaudeCode;

/// <summary>
/// Picks what Claude Code should use: the newest Claude model and the newest Haiku the profile can invoke in its region
/// (through the region's inference profiles, as <c>bedrock ask</c> picks), each proven by a one-token Converse call, and
/// the Keyman command that renews the profile's credentials.
/// </summary>
public static class ClaudeCodeModels
{
    /// <summary>
    /// The main model (the newest Claude that is not a Haiku, else any) and the small model (the newest Haiku, else the
    /// main one), both just invoked successfully. A model the account or role may not use is skipped, up to
    /// <see cref="BedrockCatalog.MaxModelsTried"/> of each kind.
    /// </summary>
    public static async Task<(string Model, string Haiku)> FindAsync(BedrockClient client, ILog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(log);
        var catalog = await BedrockCatalog.LoadAsync(client, "Anthropic", cancellationToken).ConfigureAwait(false);
        var all = catalog.ClaudeByRecency();
        if (all.Count == 0)
        {
            catalog.NewestClaude(); // throws the "no Claude model" failure
        }

        static bool IsHaiku(ModelChoice c) => c.Model.ModelId.Contains("haiku", StringComparison.Ordinal);
        var model = await FirstInvocableAsync(client, all.Where(c => !IsHaiku(c)), log, cancellationToken).ConfigureAwait(false)
            ?? await FirstInvocableAsync(client, all, log, cancellationToken).ConfigureAwait(false)
            ?? throw new KeymanException(ExitCodes.BedrockAccessDenied, $"None of the newest Claude models can be invoked with this profile in {client.Region}",
                "Check `keyman bedrock models`; ask DevOps for Claude model access and bedrock:InvokeModel on its inference profiles.");
        var haiku = await FirstInvocableAsync(client, all.Where(IsHaiku), log, cancellationToken).ConfigureAwait(false);
        if (haiku is null)
        {
            log.Warning($"No Haiku model can be invoked here; Claude Code's small model will be {model} too");
        }

        return (model, haiku ?? model);
    }

    private static async Task<string?> FirstInvocableAsync(BedrockClient client, IEnumerable<ModelChoice> choices, ILog log, CancellationToken cancellationToken)
    {
        foreach (var choice in choices.Take(BedrockCatalog.MaxModelsTried))
        {
            try
            {
                return await ProbeAsync(client, choice.InvokeId, cancellationToken).ConfigureAwait(false);
            }
            catch (KeymanException e) when (e.ExitCode is ExitCodes.BedrockModelNotEnabled or ExitCodes.BedrockAccessDenied)
            {
                log.Warning($"{choice.InvokeId} is not available to this profile ({e.Message.TrimEnd('.')})");
            }
        }

        return null;
    }

    private static async Task<string> ProbeAsync(BedrockClient client, string modelId, CancellationToken cancellationToken)
    {
        await client.ConverseAsync(modelId, ConverseRequest.FromPrompt("Say OK.", maxTokens: 1), cancellationToken).ConfigureAwait(false);
        return modelId;
    }

    /// <summary>
    /// The credential hooks for the profile: a Keyman credential_process profile gets <c>awsCredentialExport</c> (its own
    /// command with <c>--format claude-export</c>); any other profile gets <c>awsAuthRefresh</c>, the Keyman login that
    /// writes its source profile.
    /// </summary>
    public static (string? AuthRefresh, string? CredentialExport) Hooks(AwsProfilePlan plan, string keyman)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentException.ThrowIfNullOrEmpty(keyman);
        if (plan.Roles.Count == 0 && plan.BaseCredentialProcess is { } process && process.Contains(" credential-process", StringComparison.Ordinal))
        {
            return (null, process.Trim() + " --format claude-export");
        }

        return ($"{Quote(keyman)} -n {Quote(plan.BaseProfile)}", null);
    }

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or '@') ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
