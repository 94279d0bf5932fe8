using System.Text.Json.Serialization;

namespace Keyman.Core.Bedrock;

/// <summary>One entry of GET /foundation-models. Enum-like fields stay strings: the live API returns values botocore doesn't list.</summary>
public sealed class FoundationModelSummary
{
    [JsonPropertyName("modelArn")]
    public string ModelArn { get; set; } = "";

    [JsonPropertyName("modelId")]
    public string ModelId { get; set; } = "";

    [JsonPropertyName("modelName")]
    public string? ModelName { get; set; }

    [JsonPropertyName("providerName")]
    public string? ProviderName { get; set; }

    [JsonPropertyName("inputModalities")]
    public List<string> InputModalities { get; set; } = [];

    [JsonPropertyName("outputModalities")]
    public List<string> OutputModalities { get; set; } = [];

    [JsonPropertyName("responseStreamingSupported")]
    public bool? ResponseStreamingSupported { get; set; }

    [JsonPropertyName("inferenceTypesSupported")]
    public List<string> InferenceTypesSupported { get; set; } = [];

    [JsonPropertyName("modelLifecycle")]
    public ModelLifecycle? ModelLifecycle { get; set; }

    /// <summary>True when the model can be invoked by its own ID (not only through an inference profile).</summary>
    [JsonIgnore]
    public bool SupportsOnDemand => InferenceTypesSupported.Contains("ON_DEMAND");
}

public sealed class ModelLifecycle
{
    [JsonPropertyName("status")]
    public string? Status { get; set; }
}

public sealed class ListFoundationModelsResponse
{
    [JsonPropertyName("modelSummaries")]
    public List<FoundationModelSummary> ModelSummaries { get; set; } = [];
}

/// <summary>One entry of GET /inference-profiles.</summary>
public sealed class InferenceProfileSummary
{
    [JsonPropertyName("inferenceProfileName")]
    public string? InferenceProfileName { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("inferenceProfileArn")]
    public string? InferenceProfileArn { get; set; }

    [JsonPropertyName("inferenceProfileId")]
    public string InferenceProfileId { get; set; } = "";

    [JsonPropertyName("models")]
    public List<InferenceProfileModel> Models { get; set; } = [];

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }
}

public sealed class InferenceProfileModel
{
    [JsonPropertyName("modelArn")]
    public string ModelArn { get; set; } = "";
}

public sealed class ListInferenceProfilesResponse
{
    [JsonPropertyName("inferenceProfileSummaries")]
    public List<InferenceProfileSummary> InferenceProfileSummaries { get; set; } = [];

    [JsonPropertyName("nextToken")]
    public string? NextToken { get; set; }
}

/// <summary>The body of an Anthropic Messages request on Bedrock (no "model", no "stream").</summary>
public sealed class AnthropicRequest
{
    public const string BedrockVersion = "bedrock-2023-05-31";

    [JsonPropertyName("anthropic_version")]
    public string AnthropicVersion { get; set; } = BedrockVersion;

    [JsonPropertyName("max_tokens")]
    public int MaxTokens { get; set; } = 1024;

    [JsonPropertyName("system")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? System { get; set; }

    [JsonPropertyName("messages")]
    public List<AnthropicMessageParam> Messages { get; set; } = [];

    [JsonPropertyName("temperature")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Temperature { get; set; }

    [JsonPropertyName("stop_sequences")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? StopSequences { get; set; }

    /// <summary>A one-turn request: one user message of text.</summary>
    public static AnthropicRequest FromPrompt(string prompt, int maxTokens = 1024, string? system = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new AnthropicRequest
        {
            MaxTokens = maxTokens,
            System = string.IsNullOrEmpty(system) ? null : system,
            Messages = [new AnthropicMessageParam { Role = "user", Content = [AnthropicContentBlock.FromText(prompt)] }],
        };
    }
}

public sealed class AnthropicMessageParam
{
    [JsonPropertyName("role")]
    public string Role { get; set; } = "user";

    [JsonPropertyName("content")]
    public List<AnthropicContentBlock> Content { get; set; } = [];
}

public sealed class AnthropicContentBlock
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "text";

    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; set; }

    public static AnthropicContentBlock FromText(string text) => new() { Type = "text", Text = text };
}

public sealed class AnthropicUsage
{
    [JsonPropertyName("input_tokens")]
    public int InputTokens { get; set; }

    [JsonPropertyName("output_tokens")]
    public int OutputTokens { get; set; }
}

/// <summary>The 200 body of InvokeModel for an Anthropic model.</summary>
public sealed class AnthropicMessage
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("content")]
    public List<AnthropicContentBlock> Content { get; set; } = [];

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("stop_sequence")]
    public string? StopSequence { get; set; }

    [JsonPropertyName("usage")]
    public AnthropicUsage? Usage { get; set; }

    /// <summary>The text blocks joined.</summary>
    [JsonIgnore]
    public string Text => string.Concat(Content.Where(c => c.Type == "text").Select(c => c.Text));
}

/// <summary>An InvokeModel result: the parsed message and the body exactly as received (for --raw).</summary>
public sealed record AnthropicInvokeResult(AnthropicMessage Message, string RawJson);

/// <summary>The payload of an event-stream "chunk": base64 of the model's JSON event, plus padding "p".</summary>
internal sealed class BedrockChunk
{
    [JsonPropertyName("bytes")]
    public string? Bytes { get; set; }
}

/// <summary>One decoded Anthropic streaming event (message_start, content_block_delta, message_delta, …).</summary>
internal sealed class AnthropicStreamEvent
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("delta")]
    public AnthropicStreamDelta? Delta { get; set; }

    [JsonPropertyName("message")]
    public AnthropicMessage? Message { get; set; }

    [JsonPropertyName("usage")]
    public AnthropicUsage? Usage { get; set; }

    [JsonPropertyName("error")]
    public BedrockErrorBody? Error { get; set; }
}

internal sealed class AnthropicStreamDelta
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("stop_reason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("stop_sequence")]
    public string? StopSequence { get; set; }
}

/// <summary>A rest-json error body: "message" (sometimes "Message"), and "__type" in the JSON protocol.</summary>
internal sealed class BedrockErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("Message")]
    public string? MessageUpper { get; set; }

    [JsonPropertyName("__type")]
    public string? Type { get; set; }

    [JsonPropertyName("type")]
    public string? LowerType { get; set; }

    [JsonPropertyName("originalMessage")]
    public string? OriginalMessage { get; set; }

    [JsonIgnore]
    public string? Text => Message ?? MessageUpper ?? OriginalMessage;
}

/// <summary>What a streaming invocation yields: text as it arrives, then one <see cref="AnthropicStreamCompleted"/>.</summary>
public abstract record AnthropicStreamUpdate;

public sealed record AnthropicTextDelta(string Text) : AnthropicStreamUpdate;

public sealed record AnthropicStreamCompleted(string? StopReason, string? StopSequence, AnthropicUsage Usage, string? MessageId, string? Model) : AnthropicStreamUpdate;

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ListFoundationModelsResponse))]
[JsonSerializable(typeof(ListInferenceProfilesResponse))]
[JsonSerializable(typeof(AnthropicRequest))]
[JsonSerializable(typeof(AnthropicMessage))]
[JsonSerializable(typeof(BedrockChunk))]
[JsonSerializable(typeof(AnthropicStreamEvent))]
[JsonSerializable(typeof(BedrockErrorBody))]
internal sealed partial class BedrockJsonContext : JsonSerializerContext;
