using System.Globalization;
using System.Text.RegularExpressions;

namespace Keyman.Core.Bedrock;

/// <summary>A model to invoke: the ID to send (the model's own or an inference profile's) and what it stands for.</summary>
public sealed record ModelChoice(string InvokeId, FoundationModelSummary Model, InferenceProfileSummary? InferenceProfile);

/// <summary>Picks Claude models and the inference profiles needed to call them.</summary>
public static partial class BedrockModelSelector
{
    /// <summary>The release date in a model ID ("anthropic.claude-3-7-sonnet-20250219-v1:0" -> 2025-02-19), or null.</summary>
    public static DateOnly? ReleaseDate(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        var match = DateRegex().Match(modelId);
        return match.Success && DateOnly.TryParseExact(match.Groups[1].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
    }

    /// <summary>The geography prefix of inference profiles for a region: us-east-1 -> "us", eu-west-1 -> "eu", ap-south-1 -> "apac".</summary>
    public static string? GeoPrefix(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return region switch
        {
            _ when region.StartsWith("us-gov-", StringComparison.Ordinal) => "us-gov",
            _ when region.StartsWith("us-", StringComparison.Ordinal) => "us",
            _ when region.StartsWith("eu-", StringComparison.Ordinal) => "eu",
            _ when region.StartsWith("ap-", StringComparison.Ordinal) => "apac",
            _ when region.StartsWith("ca-", StringComparison.Ordinal) => "ca",
            _ => null,
        };
    }

    /// <summary>
    /// The inference profile to call <paramref name="modelId"/> through: an active profile containing the model, preferring
    /// the one whose geography matches the region, then "global", then any. Null when none contains it.
    /// </summary>
    public static InferenceProfileSummary? InferenceProfileFor(string modelId, IEnumerable<InferenceProfileSummary> profiles, string region)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(profiles);
        var geo = GeoPrefix(region);
        return profiles
            .Where(p => !string.Equals(p.Status, "DISABLED", StringComparison.OrdinalIgnoreCase) && Contains(p, modelId))
            .OrderBy(p => Prefix(p.InferenceProfileId) == geo ? 0 : Prefix(p.InferenceProfileId) == "global" ? 1 : 2)
            .ThenBy(p => p.InferenceProfileId, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>
    /// For a base model ID that cannot be invoked on demand, the inference profile ID to use instead; null when the model
    /// is unknown, supports on-demand, or no profile contains it.
    /// </summary>
    public static string? ProfileToUseInstead(string modelId, IEnumerable<FoundationModelSummary> models, IEnumerable<InferenceProfileSummary> profiles, string region)
    {
        ArgumentNullException.ThrowIfNull(models);
        var model = models.FirstOrDefault(m => m.ModelId == modelId);
        return model is null || model.SupportsOnDemand ? null : InferenceProfileFor(modelId, profiles, region)?.InferenceProfileId;
    }

    /// <summary>
    /// The newest Claude model (by the date in its ID, then its version) that can be invoked here: on demand by its own ID,
    /// or else through an inference profile (preferring the region's geography). Legacy models only when nothing else fits.
    /// </summary>
    public static ModelChoice? NewestClaude(IEnumerable<FoundationModelSummary> models, IEnumerable<InferenceProfileSummary> profiles, string region) =>
        ClaudeByRecency(models, profiles, region).FirstOrDefault();

    /// <summary>Every Claude model that can be invoked here, newest first (see <see cref="NewestClaude"/>).</summary>
    public static IEnumerable<ModelChoice> ClaudeByRecency(IEnumerable<FoundationModelSummary> models, IEnumerable<InferenceProfileSummary> profiles, string region)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(profiles);
        var profileList = profiles.ToList();
        var candidates = models
            .Where(m => m.ModelId.Contains("anthropic.claude", StringComparison.Ordinal)
                && (m.OutputModalities.Count == 0 || m.OutputModalities.Contains("TEXT")))
            .OrderBy(m => string.Equals(m.ModelLifecycle?.Status, "LEGACY", StringComparison.OrdinalIgnoreCase) ? 1 : 0)
            .ThenByDescending(m => ReleaseDate(m.ModelId) ?? DateOnly.MinValue)
            .ThenByDescending(m => Version(m.ModelId))
            .ThenBy(m => m.ModelId, StringComparer.Ordinal);
        foreach (var model in candidates)
        {
            if (model.SupportsOnDemand)
            {
                yield return new ModelChoice(model.ModelId, model, null);
            }
            else if (InferenceProfileFor(model.ModelId, profileList, region) is { } profile)
            {
                yield return new ModelChoice(profile.InferenceProfileId, model, profile);
            }
        }
    }

    private static bool Contains(InferenceProfileSummary profile, string modelId) =>
        profile.Models.Any(m => m.ModelArn.EndsWith("foundation-model/" + modelId, StringComparison.Ordinal))
        || (profile.InferenceProfileId.IndexOf('.', StringComparison.Ordinal) is var dot and > 0
            && profile.InferenceProfileId[(dot + 1)..] == modelId);

    private static string Prefix(string profileId)
    {
        var dot = profileId.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? profileId[..dot] : "";
    }

    private static int Version(string modelId)
    {
        var match = VersionRegex().Match(modelId);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"-(\d{8})(?:-|:|$)")]
    private static partial Regex DateRegex();

    [GeneratedRegex(@"-v(\d+)(?::|$)")]
    private static partial Regex VersionRegex();
}
