using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Keyman.Core;
using Keyman.Core.Bedrock;
using Keyman.Core.Http;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;
using static Keyman.Tests.Http.AwsRequestSignerTests;

namespace Keyman.Tests.Bedrock;

public class ChatSessionTests
{
    private const string Model = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
    private const string StreamPath = "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream";

    private readonly TestHttpMessageHandler _http = new();
    private readonly InstantTimeProvider _clock = new();

    private BedrockClient Client() =>
        new(BedrockAuth.FromCredentials(Session, "bedrock"), "us-east-1", new DictionaryEnvironment(new Dictionary<string, string>(), "/home/t"), new RecordingLog(), _clock,
            new HttpPipeline(transport: _http));

    private static byte[] Event(string type, string json) =>
        EventStreamWriter.Encode([(":event-type", type), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(json));

    private static HttpResponseMessage Answer(params string[] words)
    {
        var bytes = new List<byte>(Event("messageStart", """{"role":"assistant"}"""));
        foreach (var word in words)
        {
            bytes.AddRange(Event("contentBlockDelta", new JsonObject { ["contentBlockIndex"] = 0, ["delta"] = new JsonObject { ["text"] = word } }.ToJsonString()));
        }

        bytes.AddRange(Event("contentBlockStop", """{"contentBlockIndex":0}"""));
        bytes.AddRange(Event("messageStop", """{"stopReason":"end_turn"}"""));
        bytes.AddRange(Event("metadata", """{"usage":{"inputTokens":5,"outputTokens":2,"totalTokens":7},"metrics":{"latencyMs":3}}"""));
        var content = new ByteArrayContent([.. bytes]);
        content.Headers.ContentType = new("application/vnd.amazon.eventstream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task Each_turn_sends_the_whole_history_and_the_system_prompt()
    {
        _http.On(HttpMethod.Post, StreamPath, _ => Answer("Hi", "!"));
        _http.On(HttpMethod.Post, StreamPath, _ => Answer("Atlanta."));
        using var client = Client();
        var session = new ChatSession(client, Model, "Be brief.", 100, _clock);
        var shown = new StringBuilder();

        Assert.Equal("Hi!", (await session.SendAsync("Hello", t => shown.Append(t), CancellationToken.None)).Text);
        var second = await session.SendAsync("Capital of Georgia?", t => shown.Append(t), CancellationToken.None);
        Assert.Equal("Atlanta.", second.Text);
        Assert.False(second.Stopped);
        Assert.Equal("Hi!Atlanta.", shown.ToString());

        var body = JsonNode.Parse(_http.Requests[1].Body!)!;
        Assert.Equal(["user", "assistant", "user"], body["messages"]!.AsArray().Select(m => (string?)m!["role"]));
        Assert.Equal("Hi!", (string?)body["messages"]![1]!["content"]![0]!["text"]);
        Assert.Equal("Be brief.", (string?)body["system"]![0]!["text"]);
        Assert.Equal(100, (int)body["inferenceConfig"]!["maxTokens"]!);
        Assert.Equal(4, session.Transcript.Messages.Count);
        Assert.Equal(10, session.Transcript.InputTokens);
    }

    [Fact]
    public async Task A_failed_turn_leaves_no_trace_and_the_transcript_is_saved_owner_only()
    {
        _http.OnJson(HttpMethod.Post, StreamPath, """{"message":"Too many requests, please wait before trying again."}""", HttpStatusCode.BadRequest,
            configure: r => r.Headers.TryAddWithoutValidation("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"));
        using var client = Client();
        var session = new ChatSession(client, Model, null, null, _clock);
        await Assert.ThrowsAsync<BedrockException>(() => session.SendAsync("Hello", _ => { }, CancellationToken.None));
        Assert.Empty(session.Transcript.Messages);

        _http.On(HttpMethod.Post, StreamPath, _ => Answer("OK"));
        await session.SendAsync("Again", _ => { }, CancellationToken.None);
        var file = Path.Combine(Directory.CreateTempSubdirectory("keyman-chat-").FullName, "t.json");
        session.Save(file);
        var saved = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.Equal(Model, (string?)saved["model"]);
        Assert.Equal(["Again", "OK"], saved["messages"]!.AsArray().Select(m => (string?)m!["text"]));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }
}
