namespace Keyman.Sandbox.Scenario;

/// <summary>What the emulated Bedrock offers: regions, the model catalogue, inference profiles, who may do what, answers.</summary>
public sealed class ScenarioBedrock
{
    /// <summary>Regions where Bedrock exists; a request signed for any other region fails like an unresolvable host.</summary>
    public List<string> Regions { get; set; } = ["us-east-1", "us-west-2"];

    /// <summary>Pause between two streamed content_block_delta frames, so clients can show words as they arrive.</summary>
    public int StreamDelayMs { get; set; } = 30;

    /// <summary>ListInferenceProfiles page size when the request has no maxResults.</summary>
    public int InferenceProfilePageSize { get; set; } = 10;

    public List<ScenarioModel> Models { get; set; } = [];

    public List<ScenarioInferenceProfile> InferenceProfiles { get; set; } = [];

    /// <summary>Identity-based policies: roles without an entry may do nothing in Bedrock.</summary>
    public List<ScenarioBedrockPermission> Permissions { get; set; } = [];

    /// <summary>Canned answers keyed by the last user text (case-insensitive, trimmed).</summary>
    public List<ScenarioAnswer> Answers { get; set; } = [];

    /// <summary>Answer to any other prompt; "{prompt}" is replaced by the (shortened) last user text.</summary>
    public string DefaultAnswer { get; set; } = "Sandbox answer: you said \"{prompt}\".";

    public ScenarioModel? FindModel(string modelId) => Models.FirstOrDefault(m => m.ModelId == modelId);

    public ScenarioInferenceProfile? FindProfile(string profileId) =>
        InferenceProfiles.FirstOrDefault(p => p.InferenceProfileId == profileId);

    public ScenarioBedrockPermission? PermissionsOf(string roleArn) => Permissions.FirstOrDefault(p => p.RoleArn == roleArn);
}

public sealed class ScenarioModel
{
    public string ModelId { get; set; } = "";

    public string ModelName { get; set; } = "";

    public string ProviderName { get; set; } = "";

    public List<string> InputModalities { get; set; } = ["TEXT"];

    public List<string> OutputModalities { get; set; } = ["TEXT"];

    public bool ResponseStreamingSupported { get; set; } = true;

    public List<string> CustomizationsSupported { get; set; } = [];

    /// <summary>ON_DEMAND, PROVISIONED, INFERENCE_PROFILE; without ON_DEMAND a direct invocation needs a profile.</summary>
    public List<string> InferenceTypesSupported { get; set; } = ["ON_DEMAND"];

    /// <summary>ACTIVE or LEGACY.</summary>
    public string LifecycleStatus { get; set; } = "ACTIVE";

    /// <summary>Model access granted in the account; false = 403 "You don't have access to the model...".</summary>
    public bool Enabled { get; set; } = true;
}

public sealed class ScenarioInferenceProfile
{
    /// <summary>"{geo}.{modelId}", e.g. us.anthropic.claude-3-5-sonnet-20241022-v2:0.</summary>
    public string InferenceProfileId { get; set; } = "";

    public string InferenceProfileName { get; set; } = "";

    public string Description { get; set; } = "";

    public string ModelId { get; set; } = "";

    /// <summary>Regions the profile routes to; it is listed and usable only when called in one of them ("*" = every Bedrock region).</summary>
    public List<string> Regions { get; set; } = [];

    public string CreatedAt { get; set; } = "2024-08-27T00:00:00Z";

    public string UpdatedAt { get; set; } = "2024-08-27T00:00:00Z";

    public bool IsAvailableIn(string region) => Regions.Contains("*") || Regions.Contains(region);
}

public sealed class ScenarioBedrockPermission
{
    public string RoleArn { get; set; } = "";

    /// <summary>bedrock:ListFoundationModels, GetFoundationModel, ListInferenceProfiles.</summary>
    public bool ListModels { get; set; }

    /// <summary>bedrock:InvokeModel(WithResponseStream) on model or profile ids matching these globs ('*' wildcard).</summary>
    public List<string> InvokeModels { get; set; } = [];
}

public sealed class ScenarioAnswer
{
    public string Prompt { get; set; } = "";

    public string Answer { get; set; } = "";
}
