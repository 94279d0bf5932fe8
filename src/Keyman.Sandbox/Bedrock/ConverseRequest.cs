using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// Validates a Converse / ConverseStream body (botocore's ConverseRequest: messages, system, inferenceConfig, …) the way
/// the service does, and reduces it to what the canned answers need. The same shape serves every model that Converse supports.
/// </summary>
internal static class ConverseRequest
{
    /// <summary>What a model gets as maxTokens when inferenceConfig omits it (the sandbox's stand-in for each model's default).</summary>
    public const int DefaultMaxTokens = 4096;

    public const string UnsupportedModel = "This action doesn't support the model that you provided. Try again with a supported text or chat model.";

    private const string MustStartWithUser = "A conversation must start with a user message. Try again with a conversation that starts with a user message.";

    private const string MustAlternate =
        "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";

    /// <summary>The request, or the ValidationException message.</summary>
    public static (ModelRequest? Request, string? Error) Parse(byte[] body)
    {
        JsonObject? json;
        try
        {
            json = body.Length == 0 ? [] : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            return (null, BedrockErrors.Malformed);
        }

        if (json["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return (null, MustStartWithUser);
        }

        var texts = new List<string>();
        string? lastUser = null;
        string? previousRole = null;
        var userTurns = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i]?["role"]?.GetValueKind() == JsonValueKind.String ? (string?)messages[i]!["role"] : null;
            if (role is not ("user" or "assistant"))
            {
                return (null, $"1 validation error detected: Value '{role ?? "null"}' at 'messages.{i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]");
            }

            if (i == 0 && role != "user")
            {
                return (null, MustStartWithUser);
            }

            if (role == previousRole)
            {
                return (null, MustAlternate);
            }

            previousRole = role;
            if (messages[i]!["content"] is not JsonArray { Count: > 0 } content)
            {
                return (null, $"The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again.");
            }

            var parts = new List<string>();
            for (var b = 0; b < content.Count; b++)
            {
                if (content[b] is not JsonObject block || block.Count == 0)
                {
                    return (null, BedrockErrors.Malformed);
                }

                if (block["text"] is { } text)
                {
                    if (text.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace((string?)text))
                    {
                        return (null, $"The text field in the ContentBlock object at messages.{i}.content.{b} is blank. Add text to the text field, and try again.");
                    }

                    parts.Add((string)text!);
                }
            }

            var joined = string.Join("\n", parts);
            texts.Add(joined);
            if (role == "user")
            {
                lastUser = joined;
                userTurns++;
            }
        }

        if (json["system"] is { } system)
        {
            if (system is not JsonArray blocks)
            {
                return (null, BedrockErrors.Malformed);
            }

            foreach (var block in blocks)
            {
                if (block?["text"] is { } text && text.GetValueKind() == JsonValueKind.String)
                {
                    texts.Add((string)text!);
                }
            }
        }

        var maxTokens = DefaultMaxTokens;
        if (json["inferenceConfig"] is JsonObject config)
        {
            if (config["maxTokens"] is { } max)
            {
                if (max.GetValueKind() != JsonValueKind.Number || !max.AsValue().TryGetValue(out maxTokens))
                {
                    return (null, BedrockErrors.Malformed);
                }

                if (maxTokens < 1)
                {
                    return (null, Constraint(maxTokens.ToString(CultureInfo.InvariantCulture), "inferenceConfig.maxTokens", "Member must have value greater than or equal to 1"));
                }
            }

            foreach (var (name, upper) in new[] { ("temperature", 1.0), ("topP", 1.0) })
            {
                if (config[name] is { } value && value.GetValueKind() == JsonValueKind.Number && value.GetValue<double>() is var v && (v < 0 || v > upper))
                {
                    return (null, Constraint(v.ToString(CultureInfo.InvariantCulture), "inferenceConfig." + name, "Member must have value less than or equal to 1"));
                }
            }
        }

        return (new ModelRequest(lastUser ?? "", maxTokens, texts.Sum(ModelRequest.CountWords)) { UserTurns = userTurns }, null);
    }

    private static string Constraint(string value, string member, string rule) =>
        $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}";
}
