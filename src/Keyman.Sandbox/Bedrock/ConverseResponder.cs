using System.Diagnostics;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// Converse's answer (one JSON document: output.message, stopReason, usage, metrics) and ConverseStream's event stream:
/// messageStart, contentBlockDelta per word, contentBlockStop, messageStop, metadata. Each event's payload is the event
/// member's JSON plus the "p" padding, with :event-type naming the member (botocore's ConverseStreamOutput). Text blocks
/// start with their first delta (contentBlockStart is sent only for tool use, which the sandbox doesn't emulate).
/// </summary>
internal static class ConverseResponder
{
    public static async Task<IResult> RespondAsync(HttpContext http, SandboxState state, ModelRequest request, RuntimeEndpoints.ModelAnswer answer,
        bool streaming, long started)
    {
        var stopReason = answer.Truncated ? "max_tokens" : "end_turn";
        var usage = new JsonObject
        {
            ["inputTokens"] = request.InputTokens,
            ["outputTokens"] = answer.Words.Count,
            ["totalTokens"] = request.InputTokens + answer.Words.Count,
        };
        if (!streaming)
        {
            return BedrockErrors.Json(new JsonObject
            {
                ["output"] = new JsonObject
                {
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(new JsonObject { ["text"] = answer.Text }) },
                },
                ["stopReason"] = stopReason,
                ["usage"] = usage,
                ["metrics"] = new JsonObject { ["latencyMs"] = Latency(started) },
            });
        }

        http.Response.StatusCode = 200;
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        http.Response.ContentType = "application/vnd.amazon.eventstream";
        var failure = RuntimeEndpoints.StreamFault(state);
        var delay = state.Scenario.Bedrock.StreamDelayMs;
        var count = 0;

        Task Event(string type, JsonObject member)
        {
            member["p"] = RuntimeEndpoints.Padding[..(1 + (count++ * 7 % RuntimeEndpoints.Padding.Length))];
            return RuntimeEndpoints.Write(http, [(":event-type", type), (":content-type", "application/json"), (":message-type", "event")], member);
        }

        await Event("messageStart", new JsonObject { ["role"] = "assistant" });
        for (var i = 0; i < answer.Words.Count; i++)
        {
            if (i > 0 && delay > 0)
            {
                await Task.Delay(delay, http.RequestAborted);
            }

            if (failure is not null && i == Math.Max(1, answer.Words.Count / 2))
            {
                await RuntimeEndpoints.WriteException(http, failure);
                return Results.Empty;
            }

            await Event("contentBlockDelta", new JsonObject
            {
                ["contentBlockIndex"] = 0,
                ["delta"] = new JsonObject { ["text"] = i == 0 ? answer.Words[i] : " " + answer.Words[i] },
            });
        }

        if (failure is not null)
        {
            await RuntimeEndpoints.WriteException(http, failure);
            return Results.Empty;
        }

        await Event("contentBlockStop", new JsonObject { ["contentBlockIndex"] = 0 });
        await Event("messageStop", new JsonObject { ["stopReason"] = stopReason });
        await Event("metadata", new JsonObject { ["usage"] = usage, ["metrics"] = new JsonObject { ["latencyMs"] = Latency(started) } });
        return Results.Empty;
    }

    private static long Latency(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
