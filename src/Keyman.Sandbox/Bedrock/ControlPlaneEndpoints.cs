using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Microsoft.AspNetCore.WebUtilities;

namespace Keyman.Sandbox.Bedrock;

/// <summary>The Bedrock control plane (bedrock.{region}.amazonaws.com, API version 2023-04-20): models and inference profiles.</summary>
internal static class ControlPlaneEndpoints
{
    private static readonly string[] OutputModalities = ["TEXT", "IMAGE", "EMBEDDING"];
    private static readonly string[] InferenceTypes = ["ON_DEMAND", "PROVISIONED"];
    private static readonly string[] CustomizationTypes = ["FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION"];
    private static readonly string[] ProfileTypes = ["SYSTEM_DEFINED", "APPLICATION"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/foundation-models", ListFoundationModels);
        app.MapGet("/foundation-models/{**modelIdentifier}", GetFoundationModel);
        app.MapGet("/inference-profiles", ListInferenceProfiles);
    }

    private static async Task<IResult> ListFoundationModels(HttpContext http, SandboxState state)
    {
        var (caller, failure) = await BedrockCaller.AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        if (Refused(state, caller, "bedrock:ListFoundationModels") is { } refused)
        {
            return refused;
        }

        var query = Query(caller);
        var provider = query.GetValueOrDefault("byProvider");
        if (provider is not null && (provider.Length is 0 or > 63 || !provider.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ' ')))
        {
            return BedrockErrors.Validation(
                $"1 validation error detected: Value '{provider}' at 'byProvider' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9-]{{1,63}}$");
        }

        if ((EnumError(query, "byOutputModality", OutputModalities) ?? EnumError(query, "byInferenceType", InferenceTypes)
            ?? EnumError(query, "byCustomizationType", CustomizationTypes)) is { } invalid)
        {
            return invalid;
        }

        var summaries = new JsonArray();
        foreach (var model in state.Scenario.Bedrock.Models.Where(m =>
            (provider is null || string.Equals(m.ProviderName, provider, StringComparison.OrdinalIgnoreCase))
            && Matches(query, "byOutputModality", m.OutputModalities)
            && Matches(query, "byInferenceType", m.InferenceTypesSupported)
            && Matches(query, "byCustomizationType", m.CustomizationsSupported)))
        {
            summaries.Add(ModelJson(model, caller));
        }

        return BedrockErrors.Json(new JsonObject { ["modelSummaries"] = summaries });
    }

    private static async Task<IResult> GetFoundationModel(HttpContext http, SandboxState state)
    {
        var (caller, failure) = await BedrockCaller.AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        var identifier = Uri.UnescapeDataString(caller.Request.RawPath["/foundation-models/".Length..]);
        var modelId = identifier.StartsWith("arn:", StringComparison.Ordinal) && identifier.Contains("foundation-model/", StringComparison.Ordinal)
            ? identifier[(identifier.IndexOf("foundation-model/", StringComparison.Ordinal) + "foundation-model/".Length)..]
            : identifier;
        if (Refused(state, caller, "bedrock:GetFoundationModel", caller.FoundationModelArn(modelId)) is { } refused)
        {
            return refused;
        }

        return state.Scenario.Bedrock.FindModel(modelId) is { } model
            ? BedrockErrors.Json(new JsonObject { ["modelDetails"] = ModelJson(model, caller) })
            : BedrockErrors.NotFound($"Could not resolve the foundation model from the provided model identifier.");
    }

    private static async Task<IResult> ListInferenceProfiles(HttpContext http, SandboxState state)
    {
        var (caller, failure) = await BedrockCaller.AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        if (Refused(state, caller, "bedrock:ListInferenceProfiles") is { } refused)
        {
            return refused;
        }

        var query = Query(caller);
        if (EnumError(query, "type", ProfileTypes, "typeEquals") is { } invalid)
        {
            return invalid;
        }

        var pageSize = state.Scenario.Bedrock.InferenceProfilePageSize;
        if (query.TryGetValue("maxResults", out var raw))
        {
            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 1000)
            {
                return BedrockErrors.Validation(
                    $"1 validation error detected: Value '{raw}' at 'maxResults' failed to satisfy constraint: Member must have value "
                    + (pageSize < 1 ? "greater than or equal to 1" : "less than or equal to 1000"));
            }
        }

        // Every scenario profile is SYSTEM_DEFINED; the account has no application profiles.
        var profiles = state.Scenario.Bedrock.InferenceProfiles
            .Where(p => p.IsAvailableIn(caller.Region) && query.GetValueOrDefault("type", "SYSTEM_DEFINED") == "SYSTEM_DEFINED")
            .ToList();
        var start = 0;
        if (query.TryGetValue("nextToken", out var token) && !TryReadToken(token, out start, profiles.Count))
        {
            return BedrockErrors.Validation("The provided pagination token is invalid.");
        }

        var page = new JsonArray();
        foreach (var profile in profiles.Skip(start).Take(pageSize))
        {
            page.Add(ProfileJson(state, profile, caller));
        }

        var body = new JsonObject { ["inferenceProfileSummaries"] = page };
        if (start + pageSize < profiles.Count)
        {
            body["nextToken"] = WriteToken(start + pageSize);
        }

        return BedrockErrors.Json(body);
    }

    private static IResult? Refused(SandboxState state, BedrockCaller caller, string action, string? resource = null)
    {
        if (caller.Permissions(state) is not { ListModels: true })
        {
            return caller.NotAuthorized(action, resource);
        }

        return state.Faults.TryConsume("bedrockThrottle") ? BedrockErrors.Throttling() : null;
    }

    internal static JsonObject ModelJson(ScenarioModel model, BedrockCaller caller) => new()
    {
        ["modelArn"] = caller.FoundationModelArn(model.ModelId),
        ["modelId"] = model.ModelId,
        ["modelName"] = model.ModelName,
        ["providerName"] = model.ProviderName,
        ["inputModalities"] = Strings(model.InputModalities),
        ["outputModalities"] = Strings(model.OutputModalities),
        ["responseStreamingSupported"] = model.ResponseStreamingSupported,
        ["customizationsSupported"] = Strings(model.CustomizationsSupported),
        ["inferenceTypesSupported"] = Strings(model.InferenceTypesSupported),
        ["modelLifecycle"] = new JsonObject { ["status"] = model.LifecycleStatus },
    };

    private static JsonObject ProfileJson(SandboxState state, ScenarioInferenceProfile profile, BedrockCaller caller)
    {
        var regions = profile.Regions.Contains("*") ? state.Scenario.Bedrock.Regions : profile.Regions;
        var models = new JsonArray();
        foreach (var region in regions)
        {
            models.Add(new JsonObject { ["modelArn"] = $"arn:{caller.Partition}:bedrock:{region}::foundation-model/{profile.ModelId}" });
        }

        return new JsonObject
        {
            ["inferenceProfileName"] = profile.InferenceProfileName,
            ["description"] = profile.Description,
            ["createdAt"] = profile.CreatedAt,
            ["updatedAt"] = profile.UpdatedAt,
            ["inferenceProfileArn"] = caller.InferenceProfileArn(profile.InferenceProfileId),
            ["models"] = models,
            ["inferenceProfileId"] = profile.InferenceProfileId,
            ["status"] = "ACTIVE",
            ["type"] = "SYSTEM_DEFINED",
        };
    }

    private static Dictionary<string, string> Query(BedrockCaller caller) =>
        QueryHelpers.ParseQuery(caller.Request.RawQuery).ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);

    private static bool Matches(Dictionary<string, string> query, string name, List<string> values) =>
        !query.TryGetValue(name, out var wanted) || values.Contains(wanted);

    private static IResult? EnumError(Dictionary<string, string> query, string name, string[] allowed, string? member = null) =>
        query.TryGetValue(name, out var value) && !allowed.Contains(value)
            ? BedrockErrors.Validation(
                $"1 validation error detected: Value '{value}' at '{member ?? name}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", allowed)}]")
            : null;

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    /// <summary>Opaque to clients (like AWS's), but only an offset into the filtered list.</summary>
    private static string WriteToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"sandbox-profiles:{offset}"));

    private static bool TryReadToken(string token, out int offset, int count)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("sandbox-profiles:", StringComparison.Ordinal)
                && int.TryParse(text["sandbox-profiles:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out offset)
                && offset <= count;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
