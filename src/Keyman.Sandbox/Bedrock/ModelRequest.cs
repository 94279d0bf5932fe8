using System.Text.Json;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Bedrock;

/// <summary>What an invocation asked for once its provider-specific body is validated.</summary>
internal sealed record ModelRequest(string Prompt, int MaxTokens, int InputTokens)
{
    /// <summary>User messages in the conversation (Converse sends the whole history): the answer's "{turn}".</summary>
    public int UserTurns { get; init; } = 1;

    /// <summary>
    /// The keys the Anthropic messages API on Bedrock accepts; any other key (e.g. "model", "stream") is refused, like the real
    /// JSON-schema check does ("#: extraneous key [model] is not permitted").
    /// </summary>
    private static readonly HashSet<string> AnthropicKeys =
    [
        "anthropic_version", "max_tokens", "system", "messages", "temperature", "top_p", "top_k", "stop_sequences",
        "tools", "tool_choice", "anthropic_beta", "metadata", "thinking",
    ];

    /// <summary>Parses and validates the body for the model's provider; an error is the ValidationException message.</summary>
    public static (ModelRequest? Request, string? Error) Parse(ScenarioModel model, byte[] body)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            return (null, BedrockErrors.Malformed);
        }

        return model.ProviderName.ToLowerInvariant() switch
        {
            "anthropic" => ParseAnthropic(json),
            "meta" => ParseSimple(json, "prompt", json["max_gen_len"], 512),
            _ => ParseSimple(json, "inputText", json["textGenerationConfig"]?["maxTokenCount"], 512),
        };
    }

    private static (ModelRequest?, string?) ParseAnthropic(JsonObject json)
    {
        var errors = new List<string>();
        foreach (var key in new[] { "anthropic_version", "max_tokens", "messages" }.Where(k => !json.ContainsKey(k)))
        {
            errors.Add($"#: required key [{key}] not found");
        }

        foreach (var key in json.Select(p => p.Key).Where(k => !AnthropicKeys.Contains(k)))
        {
            errors.Add($"#: extraneous key [{key}] is not permitted");
        }

        if (json["anthropic_version"] is { } version && (version.GetValueKind() != JsonValueKind.String || (string)version! != "bedrock-2023-05-31"))
        {
            return (null, BedrockErrors.Malformed);
        }

        var maxTokens = 0;
        if (json["max_tokens"] is { } max)
        {
            if (max.GetValueKind() != JsonValueKind.Number || !max.AsValue().TryGetValue(out maxTokens))
            {
                errors.Add($"#/max_tokens: expected type: Integer, found: {TypeName(max)}");
            }
            else if (maxTokens < 1)
            {
                errors.Add($"#/max_tokens: {maxTokens} is not greater or equal to 1");
            }
        }

        var texts = new List<string>();
        string? lastUser = null;
        if (json["messages"] is { } messages)
        {
            if (messages is not JsonArray list)
            {
                errors.Add($"#/messages: expected type: JSONArray, found: {TypeName(messages)}");
            }
            else if (list.Count == 0)
            {
                errors.Add("#/messages: expected minimum item count: 1, found: 0");
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (MessageText(list[i], i, errors) is { } text)
                    {
                        texts.Add(text);
                        if ((string?)list[i]!["role"] == "user")
                        {
                            lastUser = text;
                        }
                    }
                }
            }
        }

        if (json["system"] is { } system)
        {
            if (system.GetValueKind() == JsonValueKind.String)
            {
                texts.Add((string)system!);
            }
            else if (system is JsonArray blocks && blocks.All(b => b is JsonObject { } o && (string?)o["type"] == "text" && o["text"]?.GetValueKind() == JsonValueKind.String))
            {
                texts.AddRange(blocks.Select(b => (string)b!["text"]!));
            }
            else
            {
                errors.Add($"#/system: expected type: String, found: {TypeName(system)}");
            }
        }

        if (errors.Count > 0)
        {
            return (null, $"Malformed input request: {string.Join("", errors)}, please reformat your input and try again.");
        }

        return (new ModelRequest(lastUser ?? "", maxTokens, texts.Sum(CountWords)), null);
    }

    /// <summary>The text of one message (content as a string or as text blocks); null after recording why it is invalid.</summary>
    private static string? MessageText(JsonNode? message, int index, List<string> errors)
    {
        if (message is not JsonObject m)
        {
            errors.Add($"#/messages/{index}: expected type: JSONObject, found: {TypeName(message)}");
            return null;
        }

        if ((string?)(m["role"]?.GetValueKind() == JsonValueKind.String ? m["role"] : null) is not ("user" or "assistant"))
        {
            errors.Add(m.ContainsKey("role") ? $"#/messages/{index}/role: {m["role"]?.ToJsonString()} is not a valid enum value" : $"#/messages/{index}: required key [role] not found");
            return null;
        }

        switch (m["content"])
        {
            case null when !m.ContainsKey("content"):
                errors.Add($"#/messages/{index}: required key [content] not found");
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return (string)v!;
            case JsonArray blocks when blocks.Count > 0:
                var parts = new List<string>();
                for (var b = 0; b < blocks.Count; b++)
                {
                    if (blocks[b] is JsonObject block && (string?)block["type"] == "text" && block["text"]?.GetValueKind() == JsonValueKind.String)
                    {
                        parts.Add((string)block["text"]!);
                    }
                    else if (blocks[b] is JsonObject { } other && (string?)other["type"] is "image" or "document" or "tool_use" or "tool_result")
                    {
                        continue; // accepted, but carries no text for the canned answers
                    }
                    else
                    {
                        errors.Add($"#/messages/{index}/content/{b}: subject must be a valid content block");
                        return null;
                    }
                }

                return string.Join("\n", parts);
            default:
                errors.Add($"#/messages/{index}/content: expected type: String or JSONArray with at least one block, found: {TypeName(m["content"])}");
                return null;
        }
    }

    private static (ModelRequest?, string?) ParseSimple(JsonObject json, string promptKey, JsonNode? max, int defaultMax)
    {
        if (json[promptKey]?.GetValueKind() != JsonValueKind.String)
        {
            return (null, json.ContainsKey(promptKey)
                ? BedrockErrors.Malformed
                : $"Malformed input request: #: required key [{promptKey}] not found, please reformat your input and try again.");
        }

        var maxTokens = defaultMax;
        if (max is not null && (max.GetValueKind() != JsonValueKind.Number || !max.AsValue().TryGetValue(out maxTokens) || maxTokens < 1))
        {
            return (null, BedrockErrors.Malformed);
        }

        var prompt = (string)json[promptKey]!;
        return (new ModelRequest(prompt, maxTokens, CountWords(prompt)), null);
    }

    public static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string TypeName(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "String",
        JsonValueKind.Number => "Integer",
        JsonValueKind.Array => "JSONArray",
        JsonValueKind.Object => "JSONObject",
        JsonValueKind.True or JsonValueKind.False => "Boolean",
        _ => "Null",
    };
}
