using System.Text.Json.Serialization;

namespace Keyman.Core.Bedrock;

/// <summary>
/// The body of Converse / ConverseStream (botocore's ConverseRequest without the modelId, which goes in the path): one
/// shape for every model that Converse supports.
/// </summary>
public sealed class ConverseRequest
{
    [JsonPropertyName("messages")]
    public List<ConverseMessage> Messages { get; set; } = [];

    [JsonPropertyName("system")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ConverseSystemBlock>? System { get; set; }

    [JsonPropertyName("inferenceConfig")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConverseInferenceConfig? InferenceConfig { get; set; }

    /// <summary>A request for a conversation so far (the last message the user's), with an optional system prompt.</summary>
    public static ConverseRequest For(IEnumerable<ConverseMessage> messages, int? maxTokens = null, string? system = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new ConverseRequest
        {
            Messages = [.. messages],
            System = string.IsNullOrWhiteSpace(system) ? null : [new ConverseSystemBlock { Text = system }],
            InferenceConfig = maxTokens is null ? null : new ConverseInferenceConfig { MaxTokens = maxTokens },
        };
    }

    /// <summary>A one-turn request: one user message of text.</summary>
    public static ConverseRequest FromPrompt(string prompt, int? maxTokens = null, string? system = null) =>
        For([ConverseMessage.User(prompt)], maxTokens, system);
}

public sealed class ConverseMessage
{
    public const string UserRole = "user";
    public const string AssistantRole = "assistant";

    [JsonPropertyName("role")]
    public string Role { get; set; } = UserRole;

    [JsonPropertyName("content")]
    public List<ConverseContentBlock> Content { get; set; } = [];

    /// <summary>The text blocks joined.</summary>
    [JsonIgnore]
    public string Text => string.Concat(Content.Select(c => c.Text));

    public static ConverseMessage User(string text) => new() { Role = UserRole, Content = [new ConverseContentBlock { Text = text }] };

    public static ConverseMessage Assistant(string text) => new() { Role = AssistantRole, Content = [new ConverseContentBlock { Text = text }] };
}

/// <summary>A content block; only text is used (image, document, toolUse, … are other members of the union).</summary>
public sealed class ConverseContentBlock
{
    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; set; }
}

public sealed class ConverseSystemBlock
{
    [JsonPropertyName("text")]
    public string Text { get; set; } = "";
}

public sealed class ConverseInferenceConfig
{
    [JsonPropertyName("maxTokens")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxTokens { get; set; }

    [JsonPropertyName("temperature")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Temperature { get; set; }

    [JsonPropertyName("topP")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TopP { get; set; }

    [JsonPropertyName("stopSequences")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? StopSequences { get; set; }
}

/// <summary>Token counts of one Converse call.</summary>
public sealed class ConverseUsage
{
    [JsonPropertyName("inputTokens")]
    public int InputTokens { get; set; }

    [JsonPropertyName("outputTokens")]
    public int OutputTokens { get; set; }

    [JsonPropertyName("totalTokens")]
    public int TotalTokens { get; set; }

    [JsonPropertyName("cacheReadInputTokens")]
    public int? CacheReadInputTokens { get; set; }

    [JsonPropertyName("cacheWriteInputTokens")]
    public int? CacheWriteInputTokens { get; set; }
}

public sealed class ConverseMetrics
{
    [JsonPropertyName("latencyMs")]
    public long LatencyMs { get; set; }
}

public sealed class ConverseOutput
{
    [JsonPropertyName("message")]
    public ConverseMessage? Message { get; set; }
}

/// <summary>The 200 body of Converse.</summary>
public sealed class ConverseResponse
{
    [JsonPropertyName("output")]
    public ConverseOutput? Output { get; set; }

    [JsonPropertyName("stopReason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("usage")]
    public ConverseUsage? Usage { get; set; }

    [JsonPropertyName("metrics")]
    public ConverseMetrics? Metrics { get; set; }

    /// <summary>The answer's text blocks joined.</summary>
    [JsonIgnore]
    public string Text => Output?.Message?.Text ?? "";
}

/// <summary>
/// The payload of one ConverseStream event; which members are set depends on :event-type (messageStart: role;
/// contentBlockDelta: delta, contentBlockIndex; contentBlockStop: contentBlockIndex; messageStop: stopReason; metadata:
/// usage, metrics). The "p" padding is ignored.
/// </summary>
internal sealed class ConverseStreamEvent
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("contentBlockIndex")]
    public int? ContentBlockIndex { get; set; }

    [JsonPropertyName("delta")]
    public ConverseContentBlock? Delta { get; set; }

    [JsonPropertyName("stopReason")]
    public string? StopReason { get; set; }

    [JsonPropertyName("usage")]
    public ConverseUsage? Usage { get; set; }

    [JsonPropertyName("metrics")]
    public ConverseMetrics? Metrics { get; set; }
}

/// <summary>What ConverseStream yields: text as it arrives, then one <see cref="ConverseStreamCompleted"/>.</summary>
public abstract record ConverseStreamUpdate;

public sealed record ConverseTextDelta(string Text) : ConverseStreamUpdate;

/// <summary>The end of the answer: why it stopped and the token counts (from the metadata event; null if it never came).</summary>
public sealed record ConverseStreamCompleted(string? StopReason, ConverseUsage? Usage) : ConverseStreamUpdate;

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ConverseRequest))]
[JsonSerializable(typeof(ConverseResponse))]
[JsonSerializable(typeof(ConverseStreamEvent))]
internal sealed partial class ConverseJsonContext : JsonSerializerContext;
