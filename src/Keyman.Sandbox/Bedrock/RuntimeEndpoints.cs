using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// The Bedrock runtime (bedrock-runtime.{region}.amazonaws.com): InvokeModel and InvokeModelWithResponseStream, Converse
/// and ConverseStream (<see cref="ConverseResponder"/>). The
/// model id in the path may be a model id, an inference-profile id or an ARN, percent-encoded (':' as %3A, '/' as %2F).
/// </summary>
internal static partial class RuntimeEndpoints
{
    internal const string Padding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static void Map(IEndpointRouteBuilder app)
    {
        // A catch-all, so a %2F inside an ARN can't split the id across route segments.
        app.MapPost("/model/{**rest}", Handle);
    }

    private static async Task<IResult> Handle(HttpContext http, SandboxState state)
    {
        var started = Stopwatch.GetTimestamp();
        var (caller, failure) = await BedrockCaller.AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        // Split the raw path so "%2F" in the id stays inside the id: /model/{id}/{invoke[-with-response-stream]|converse[-stream]}.
        var segments = caller.Request.RawPath.Split('/');
        if (segments.Length != 4 || segments[3] is not ("invoke" or "invoke-with-response-stream" or "converse" or "converse-stream"))
        {
            return BedrockErrors.Error(404, "UnknownOperationException", "");
        }

        var converse = segments[3].StartsWith("converse", StringComparison.Ordinal);
        var streaming = segments[3] is "invoke-with-response-stream" or "converse-stream";
        var action = streaming ? "bedrock:InvokeModelWithResponseStream" : "bedrock:InvokeModel";
        var identifier = Uri.UnescapeDataString(segments[2]);
        var target = Resolve(state, caller, identifier);
        var globs = caller.Permissions(state)?.InvokeModels ?? [];
        if (!Allowed(globs, target.Id))
        {
            return caller.NotAuthorized(action, target.ResourceArn);
        }

        if (target.Profile is not null && target.Model is not null && !Allowed(globs, target.Model.ModelId))
        {
            return caller.NotAuthorized(action, caller.FoundationModelArn(target.Model.ModelId));
        }

        if (state.Faults.TryConsume("bedrockThrottle"))
        {
            return BedrockErrors.Throttling();
        }

        if (target.Model is not { } model)
        {
            return BedrockErrors.Validation("The provided model identifier is invalid.");
        }

        if (!model.Enabled || state.Faults.TryConsume("bedrockModelNotEnabled"))
        {
            return BedrockErrors.AccessDenied("You don't have access to the model with the specified model ID.");
        }

        if (target.Profile is null && !model.InferenceTypesSupported.Contains("ON_DEMAND"))
        {
            return BedrockErrors.Validation(
                $"Invocation of model ID {model.ModelId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.");
        }

        if (streaming && !model.ResponseStreamingSupported)
        {
            return BedrockErrors.Validation("The model is unsupported for streaming.");
        }

        if (converse && !model.OutputModalities.Contains("TEXT"))
        {
            return BedrockErrors.Validation(ConverseRequest.UnsupportedModel);
        }

        var (request, error) = converse ? ConverseRequest.Parse(caller.Request.Body) : ModelRequest.Parse(model, caller.Request.Body);
        if (request is null)
        {
            return BedrockErrors.Validation(error!);
        }

        var answer = Answer(state.Scenario.Bedrock, request, model);
        if (converse)
        {
            return await ConverseResponder.RespondAsync(http, state, request, answer, streaming, started);
        }

        if (!streaming)
        {
            var latency = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return new BedrockJsonResult(200, InvokeBody(model, request, answer), null, new Dictionary<string, string>
            {
                ["X-Amzn-Bedrock-Invocation-Latency"] = latency.ToString(CultureInfo.InvariantCulture),
                ["X-Amzn-Bedrock-Input-Token-Count"] = request.InputTokens.ToString(CultureInfo.InvariantCulture),
                ["X-Amzn-Bedrock-Output-Token-Count"] = answer.Words.Count.ToString(CultureInfo.InvariantCulture),
            });
        }

        await StreamAsync(http, state, model, request, answer, started);
        return Results.Empty;
    }

    private sealed record Target(string Id, string ResourceArn, ScenarioModel? Model, ScenarioInferenceProfile? Profile);

    private static Target Resolve(SandboxState state, BedrockCaller caller, string identifier)
    {
        var catalogue = state.Scenario.Bedrock;
        var id = identifier;
        var isProfileArn = false;
        if (identifier.StartsWith("arn:", StringComparison.Ordinal) && identifier.Split(':', 6) is { Length: 6 } arn)
        {
            isProfileArn = arn[5].StartsWith("inference-profile/", StringComparison.Ordinal);
            id = arn[5][(arn[5].IndexOf('/', StringComparison.Ordinal) + 1)..];
        }

        if (catalogue.FindProfile(id) is { } profile && (isProfileArn || !identifier.StartsWith("arn:", StringComparison.Ordinal)))
        {
            var model = profile.IsAvailableIn(caller.Region) ? catalogue.FindModel(profile.ModelId) : null;
            return new Target(id, caller.InferenceProfileArn(id), model, profile);
        }

        return isProfileArn
            ? new Target(id, caller.InferenceProfileArn(id), null, null)
            : new Target(id, caller.FoundationModelArn(id), catalogue.FindModel(id), null);
    }

    private static bool Allowed(IEnumerable<string> globs, string id) =>
        globs.Any(g => Regex.IsMatch(id, "^" + Regex.Escape(g).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1)));

    internal sealed record ModelAnswer(IReadOnlyList<string> Words, bool Truncated)
    {
        public string Text => string.Join(' ', Words);
    }

    /// <summary>
    /// The scenario's answer to the last user text, cut to max_tokens words (one word = one token here). In the default
    /// answer, "{prompt}" is the (shortened) last user text, "{model}" the model ID and "{turn}" the number of user messages.
    /// </summary>
    private static ModelAnswer Answer(ScenarioBedrock bedrock, ModelRequest request, ScenarioModel model)
    {
        var prompt = request.Prompt.Trim();
        var text = bedrock.Answers.FirstOrDefault(a => string.Equals(a.Prompt.Trim(), prompt, StringComparison.OrdinalIgnoreCase))?.Answer
            ?? bedrock.DefaultAnswer.Replace("{prompt}", prompt.Length > 60 ? prompt[..60] + "…" : prompt, StringComparison.Ordinal)
                .Replace("{model}", model.ModelId, StringComparison.Ordinal)
                .Replace("{turn}", request.UserTurns.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > request.MaxTokens ? new ModelAnswer(words[..request.MaxTokens], true) : new ModelAnswer(words, false);
    }

    private static JsonObject InvokeBody(ScenarioModel model, ModelRequest request, ModelAnswer answer)
    {
        var outputTokens = answer.Words.Count;
        return model.ProviderName.ToLowerInvariant() switch
        {
            "anthropic" => new JsonObject
            {
                ["id"] = MessageId(),
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = AnthropicModelName(model.ModelId),
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = answer.Text }),
                ["stop_reason"] = answer.Truncated ? "max_tokens" : "end_turn",
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = request.InputTokens, ["output_tokens"] = outputTokens },
            },
            "meta" => new JsonObject
            {
                ["generation"] = answer.Text,
                ["prompt_token_count"] = request.InputTokens,
                ["generation_token_count"] = outputTokens,
                ["stop_reason"] = answer.Truncated ? "length" : "stop",
            },
            _ when model.OutputModalities.Contains("EMBEDDING") => new JsonObject
            {
                ["embedding"] = new JsonArray([.. Enumerable.Range(0, 8).Select(i => (JsonNode)JsonValue.Create(Math.Round(Math.Sin(request.Prompt.Length + i), 6)))]),
                ["inputTextTokenCount"] = request.InputTokens,
            },
            _ => new JsonObject
            {
                ["inputTextTokenCount"] = request.InputTokens,
                ["results"] = new JsonArray(new JsonObject
                {
                    ["tokenCount"] = outputTokens,
                    ["outputText"] = answer.Text,
                    ["completionReason"] = answer.Truncated ? "LENGTH" : "FINISH",
                }),
            },
        };
    }

    private static async Task StreamAsync(HttpContext http, SandboxState state, ScenarioModel model, ModelRequest request, ModelAnswer answer, long started)
    {
        http.Response.StatusCode = 200;
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        http.Response.Headers["X-Amzn-Bedrock-Content-Type"] = "application/json";
        http.Response.ContentType = "application/vnd.amazon.eventstream";
        var failure = StreamFault(state);
        var delay = state.Scenario.Bedrock.StreamDelayMs;
        var chunkCount = 0;
        long? firstByte = null;

        async Task Chunk(JsonObject chunk)
        {
            var json = Encoding.UTF8.GetBytes(chunk.ToJsonString(BedrockErrors.Wire));
            var payload = new JsonObject { ["bytes"] = Convert.ToBase64String(json), ["p"] = Padding[..(1 + (chunkCount++ * 7 % Padding.Length))] };
            await Write(http, [(":event-type", "chunk"), (":content-type", "application/json"), (":message-type", "event")], payload);
            firstByte ??= (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        JsonObject Metrics() => new()
        {
            ["inputTokenCount"] = request.InputTokens,
            ["outputTokenCount"] = answer.Words.Count,
            ["invocationLatency"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            ["firstByteLatency"] = firstByte ?? 0,
        };

        if (!model.ProviderName.Equals("anthropic", StringComparison.OrdinalIgnoreCase))
        {
            // Other providers: the whole completion in one chunk, with the metrics alongside.
            var whole = InvokeBody(model, request, answer);
            whole["amazon-bedrock-invocationMetrics"] = Metrics();
            await Chunk(whole);
            return;
        }

        await Chunk(new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = MessageId(), ["type"] = "message", ["role"] = "assistant", ["model"] = AnthropicModelName(model.ModelId),
                ["content"] = new JsonArray(), ["stop_reason"] = null, ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = request.InputTokens, ["output_tokens"] = 1 },
            },
        });
        await Chunk(new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } });
        for (var i = 0; i < answer.Words.Count; i++)
        {
            if (i > 0 && delay > 0)
            {
                await Task.Delay(delay, http.RequestAborted);
            }

            if (failure is not null && i == Math.Max(1, answer.Words.Count / 2))
            {
                await WriteException(http, failure);
                return;
            }

            await Chunk(new JsonObject
            {
                ["type"] = "content_block_delta", ["index"] = 0,
                ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = i == 0 ? answer.Words[i] : " " + answer.Words[i] },
            });
        }

        if (failure is not null)
        {
            await WriteException(http, failure);
            return;
        }

        await Chunk(new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        await Chunk(new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = answer.Truncated ? "max_tokens" : "end_turn", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = answer.Words.Count },
        });
        await Chunk(new JsonObject { ["type"] = "message_stop", ["amazon-bedrock-invocationMetrics"] = Metrics() });
    }

    /// <summary>The in-stream exception a switched-on fault asks for, consuming it; null when none is on.</summary>
    internal static string? StreamFault(SandboxState state) =>
        state.Faults.TryConsume("bedrockStreamError") ? "modelStreamErrorException"
            : state.Faults.TryConsume("bedrockStreamThrottle") ? "throttlingException"
            : null;

    internal static Task WriteException(HttpContext http, string exceptionType)
    {
        var payload = exceptionType == "throttlingException"
            ? new JsonObject { ["message"] = "Too many requests, please wait before trying again." }
            : new JsonObject
            {
                ["message"] = "Model stream error: the model returned an error while streaming the response.",
                ["originalStatusCode"] = 500,
                ["originalMessage"] = "Internal server error",
            };
        return Write(http, [(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")], payload);
    }

    /// <summary>Each frame goes out on its own, so a client sees the first words before the last are produced.</summary>
    internal static async Task Write(HttpContext http, (string, string)[] headers, JsonObject payload)
    {
        await http.Response.Body.WriteAsync(EventStreamMessage.Encode(headers, Encoding.UTF8.GetBytes(payload.ToJsonString(BedrockErrors.Wire))), http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    /// <summary>"anthropic.claude-3-5-sonnet-20241022-v2:0" -> "claude-3-5-sonnet-20241022", as the response's "model" says.</summary>
    private static string AnthropicModelName(string modelId) => ModelName().Match(modelId) is { Success: true } m ? m.Groups[1].Value : modelId;

    private static string MessageId() => "msg_bdrk_01" + RandomTokens.Alphanumeric(22);

    [GeneratedRegex(@"^anthropic\.(.+?)-v\d+(?::\d+)?$")]
    private static partial Regex ModelName();
}
