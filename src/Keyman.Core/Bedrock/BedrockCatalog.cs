namespace Keyman.Core.Bedrock;

/// <summary>One foundation model and how to invoke it: directly (on-demand), or through an inference profile.</summary>
public sealed record CatalogModel(FoundationModelSummary Model, InferenceProfileSummary? InferenceProfile)
{
    public bool NeedsInferenceProfile => !Model.SupportsOnDemand;

    /// <summary>The ID to pass to InvokeModel: the model's own when on-demand works, else its inference profile's.</summary>
    public string? InvokeId => Model.SupportsOnDemand ? Model.ModelId : InferenceProfile?.InferenceProfileId;
}

/// <summary>What a profile can see of Bedrock in its region: the models of a provider and the inference profiles that serve them.</summary>
public sealed record BedrockCatalog(string Region, IReadOnlyList<CatalogModel> Models, IReadOnlyList<InferenceProfileSummary> InferenceProfiles)
{
    /// <summary>Lists the provider's models (null = every provider) and all inference profiles (every page).</summary>
    public static async Task<BedrockCatalog> LoadAsync(BedrockClient client, string? provider, CancellationToken cancellationToken)
    {
        var models = await client.ListFoundationModelsAsync(provider, cancellationToken).ConfigureAwait(false);
        var profiles = await client.ListInferenceProfilesAsync(cancellationToken).ConfigureAwait(false);
        var entries = models
            .OrderBy(m => m.ProviderName, StringComparer.OrdinalIgnoreCase)
            .ThenByDescending(m => BedrockModelSelector.ReleaseDate(m.ModelId))
            .ThenBy(m => m.ModelId, StringComparer.Ordinal)
            .Select(m => new CatalogModel(m, BedrockModelSelector.InferenceProfileFor(m.ModelId, profiles, client.Region)))
            .ToList();
        var modelIds = models.Select(m => m.ModelId).ToHashSet(StringComparer.Ordinal);
        var relevant = profiles
            .Where(p => p.Models.Any(pm => modelIds.Contains(pm.ModelArn[(pm.ModelArn.LastIndexOf('/') + 1)..])))
            .OrderBy(p => p.InferenceProfileId, StringComparer.Ordinal)
            .ToList();
        return new BedrockCatalog(client.Region, entries, relevant);
    }

    /// <summary>The newest Claude model this profile can invoke in its region, or a failure that says why there is none.</summary>
    public ModelChoice NewestClaude() => ClaudeByRecency().FirstOrDefault() ?? throw NoClaude();

    /// <summary>The Claude models listed here that have an on-demand ID or an inference profile, newest first.</summary>
    public IReadOnlyList<ModelChoice> ClaudeByRecency() =>
        BedrockModelSelector.ClaudeByRecency(Models.Select(m => m.Model), InferenceProfiles, Region).ToList();

    /// <summary>How many models <see cref="WithNewestUsableClaudeAsync"/> tries before it gives up.</summary>
    public const int MaxModelsTried = 3;

    /// <summary>
    /// Runs <paramref name="call"/> with the newest Claude model; when that model is not enabled for the account or not
    /// allowed to the role (a listing shows models a profile may still not invoke), with the next newest, up to
    /// <see cref="MaxModelsTried"/>. If none works, the newest model's error is the one reported.
    /// </summary>
    public async Task<T> WithNewestUsableClaudeAsync<T>(Func<string, Task<T>> call, Ui.ILog log)
    {
        var candidates = ClaudeByRecency().Take(MaxModelsTried).ToList();
        if (candidates.Count == 0)
        {
            throw NoClaude();
        }

        KeymanException? first = null;
        foreach (var candidate in candidates)
        {
            try
            {
                return await call(candidate.InvokeId).ConfigureAwait(false);
            }
            catch (KeymanException e) when (e.ExitCode is ExitCodes.BedrockModelNotEnabled or ExitCodes.BedrockAccessDenied)
            {
                first ??= e;
                log.Warning($"{candidate.InvokeId} is not available to this profile ({e.Message.TrimEnd('.')})");
            }
        }

        throw first!;
    }

    private KeymanException NoClaude() => new(
        ExitCodes.BedrockModelInvalid,
        $"No Claude model can be invoked in {Region} with this profile",
        "Check `keyman bedrock models`; ask DevOps to enable Claude model access in this region, or pass --region / --model-id.");
}
