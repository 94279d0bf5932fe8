using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keyman.Core.Bedrock;

/// <summary>
/// One conversation with a model through ConverseStream: every turn sends the whole history (Converse is stateless), so the
/// model remembers the session. An answer stopped by the user is kept as far as it got; a failed turn leaves no trace.
/// </summary>
public sealed class ChatSession(BedrockClient client, string modelId, string? system, int? maxTokens, TimeProvider? time = null)
{
    private readonly List<ConverseMessage> _history = [];
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string ModelId { get; } = modelId;

    public ChatTranscript Transcript { get; } = new()
    {
        Model = modelId,
        System = string.IsNullOrWhiteSpace(system) ? null : system,
        Started = (time ?? TimeProvider.System).GetUtcNow(),
    };

    /// <summary>Sends <paramref name="text"/> with the history; <paramref name="onText"/> gets the answer as it arrives.</summary>
    /// <param name="stop">Stops this answer only (Ctrl-C); what arrived so far is kept.</param>
    /// <exception cref="KeymanException">Bedrock refused or failed; the turn is not recorded.</exception>
    public async Task<ChatReply> SendAsync(string text, Action<string> onText, CancellationToken stop)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentNullException.ThrowIfNull(onText);
        var asked = _time.GetUtcNow();
        var request = ConverseRequest.For([.. _history, ConverseMessage.User(text)], maxTokens, Transcript.System);
        var answer = new StringBuilder();
        ConverseStreamCompleted? done = null;
        try
        {
            await foreach (var update in client.ConverseStreamAsync(ModelId, request, stop).ConfigureAwait(false))
            {
                if (update is ConverseTextDelta delta)
                {
                    answer.Append(delta.Text);
                    onText(delta.Text);
                }
                else if (update is ConverseStreamCompleted completed)
                {
                    done = completed;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by the user: keep what came, so the next turn still alternates user / assistant.
        }

        var stopped = done is null;
        if (answer.Length > 0)
        {
            Record(ConverseMessage.User(text), asked, false);
            Record(ConverseMessage.Assistant(answer.ToString()), _time.GetUtcNow(), stopped);
            Transcript.InputTokens += done?.Usage?.InputTokens ?? 0;
            Transcript.OutputTokens += done?.Usage?.OutputTokens ?? 0;
        }

        return new ChatReply(answer.ToString(), done?.StopReason, done?.Usage, stopped);
    }

    private void Record(ConverseMessage message, DateTimeOffset at, bool stopped)
    {
        _history.Add(message);
        Transcript.Messages.Add(new ChatTranscriptMessage { Role = message.Role, Text = message.Text, Time = at, Stopped = stopped ? true : null });
    }

    /// <summary>Writes the transcript as JSON, readable by the owner only (0600): a conversation can hold anything.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(Transcript, ChatJsonContext.Default.ChatTranscript) + "\n", secret: true, ExitCodes.GeneralError);
    }
}

/// <summary>One answer: its text, why it ended, its tokens, and whether the user stopped it.</summary>
public sealed record ChatReply(string Text, string? StopReason, ConverseUsage? Usage, bool Stopped);

public sealed class ChatTranscript
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    [JsonPropertyName("system")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? System { get; set; }

    [JsonPropertyName("started")]
    public DateTimeOffset Started { get; set; }

    [JsonPropertyName("messages")]
    public List<ChatTranscriptMessage> Messages { get; set; } = [];

    [JsonPropertyName("inputTokens")]
    public int InputTokens { get; set; }

    [JsonPropertyName("outputTokens")]
    public int OutputTokens { get; set; }
}

public sealed class ChatTranscriptMessage
{
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    [JsonPropertyName("text")]
    public string Text { get; set; } = "";

    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; set; }

    /// <summary>True for an answer the user stopped with Ctrl-C.</summary>
    [JsonPropertyName("stopped")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Stopped { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ChatTranscript))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
