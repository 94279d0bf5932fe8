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
    public ModelChoice NewestClaude() =>
        BedrockModelSelector.NewestClaude(Models.Select(m => m.Model), InferenceProfiles, Region)
        ?? throw new KeymanException(
            ExitCodes.BedrockModelInvalid,
            $"No Claude model can be invoked in {Region} with this profile",
            "Check `keyman bedrock models`; ask DevOps to enable Claude model access in this region, or pass --region / --model-id.");
}
