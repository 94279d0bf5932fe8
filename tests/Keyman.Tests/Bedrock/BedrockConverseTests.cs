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

/// <summary>Converse and ConverseStream through <see cref="BedrockClient"/>, with SigV4 and with a Bedrock API key.</summary>
public class BedrockConverseTests
{
    private const string Profile = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
    private const string ConversePath = "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse";
    private const string StreamPath = "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse-stream";
    private const string ApiKey = "ABSKQmVkcm9ja0FQSUtleS10ZXN0LWF0LTExMTExMTExMTExMTpzZWNyZXQ=";

    private readonly TestHttpMessageHandler _http = new();
    private readonly InstantTimeProvider _clock = new();
    private readonly RecordingLog _log = new();

    private BedrockClient Client(BedrockAuth? auth = null) =>
        new(auth ?? BedrockAuth.FromCredentials(Session, "bedrock"), "us-east-1", Env(), _log, _clock,
            new HttpPipeline(transport: _http)) { Jitter = () => 0.5 };

    private static DictionaryEnvironment Env(string? apiKey = null) =>
        new(apiKey is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [BedrockAuth.BearerTokenVariable] = apiKey }, "/home/t");

    private static byte[] Event(string type, string json) =>
        EventStreamWriter.Encode([(":event-type", type), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(json));

    private static readonly byte[][] HappyStream =
    [
        Event("messageStart", """{"p":"abcd","role":"assistant"}"""),
        Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"The capital "},"p":"abcdefgh"}"""),
        Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"is Atlanta."},"p":"ab"}"""),
        Event("contentBlockStop", """{"contentBlockIndex":0,"p":"abcdefghijk"}"""),
        Event("messageStop", """{"p":"abc","stopReason":"end_turn"}"""),
        Event("metadata", """{"metrics":{"latencyMs":812},"p":"a","usage":{"inputTokens":14,"outputTokens":9,"totalTokens":23}}"""),
    ];

    private static HttpResponseMessage EventStreamResponse(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.amazon.eventstream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public void Request_maps_history_system_and_max_tokens_to_the_converse_shape()
    {
        var request = ConverseRequest.For(
            [ConverseMessage.User("Hi"), ConverseMessage.Assistant("Hello!"), ConverseMessage.User("Capital of Georgia?")], 200, "Be brief.");
        var json = System.Text.Json.JsonSerializer.Serialize(request, ConverseJsonContext.Default.ConverseRequest);
        Assert.Equal("""{"messages":[{"role":"user","content":[{"text":"Hi"}]},{"role":"assistant","content":[{"text":"Hello!"}]},{"role":"user","content":[{"text":"Capital of Georgia?"}]}],"system":[{"text":"Be brief."}],"inferenceConfig":{"maxTokens":200}}""",
            json);
        Assert.Equal("""{"messages":[{"role":"user","content":[{"text":"q"}]}]}""",
            System.Text.Json.JsonSerializer.Serialize(ConverseRequest.FromPrompt("q"), ConverseJsonContext.Default.ConverseRequest));
    }

    [Fact]
    public async Task Converse_posts_the_body_signed_and_reads_text_stop_reason_and_usage()
    {
        _http.OnJson(HttpMethod.Post, ConversePath, """
            {"metrics":{"latencyMs":1024},"output":{"message":{"content":[{"text":"The capital "},{"text":"is Atlanta."}],"role":"assistant"}},"stopReason":"max_tokens","usage":{"inputTokens":14,"outputTokens":9,"totalTokens":23,"cacheReadInputTokens":0}}
            """);
        using var client = Client();
        var answer = await client.ConverseAsync(Profile, ConverseRequest.FromPrompt("What is the capital of Georgia?", 9));

        Assert.Equal("The capital is Atlanta.", answer.Text);
        Assert.Equal("max_tokens", answer.StopReason);
        Assert.Equal((14, 9, 23), (answer.Usage!.InputTokens, answer.Usage.OutputTokens, answer.Usage.TotalTokens));
        Assert.Equal(1024, answer.Metrics!.LatencyMs);
        var request = Assert.Single(_http.Requests);
        Assert.StartsWith("AWS4-HMAC-SHA256 ", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal(9, (int)JsonNode.Parse(request.Body!)!["inferenceConfig"]!["maxTokens"]!);
    }

    [Fact]
    public async Task ConverseStream_yields_deltas_then_stop_reason_and_metadata_usage()
    {
        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse(HappyStream.SelectMany(b => b).ToArray()));
        using var client = Client();
        var updates = new List<ConverseStreamUpdate>();
        await foreach (var update in client.ConverseStreamAsync(Profile, ConverseRequest.FromPrompt("q")))
        {
            updates.Add(update);
        }

        Assert.Equal("The capital is Atlanta.", string.Concat(updates.OfType<ConverseTextDelta>().Select(d => d.Text)));
        var done = Assert.IsType<ConverseStreamCompleted>(updates[^1]);
        Assert.Equal("end_turn", done.StopReason);
        Assert.Equal(23, done.Usage!.TotalTokens);
    }

    [Fact]
    public async Task ConverseStream_maps_an_in_stream_exception_and_a_cut_stream()
    {
        var exception = EventStreamWriter.Encode([(":message-type", "exception"), (":exception-type", "throttlingException"), (":content-type", "application/json")],
            Encoding.UTF8.GetBytes("""{"message":"Too many requests, please wait before trying again."}"""));
        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse([.. HappyStream[0], .. HappyStream[1], .. exception]));
        using var client = Client();
        var thrown = await Assert.ThrowsAsync<BedrockException>(async () =>
        {
            await foreach (var _ in client.ConverseStreamAsync(Profile, ConverseRequest.FromPrompt("q")))
            {
            }
        });
        Assert.Equal(ExitCodes.BedrockThrottled, thrown.ExitCode);

        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse(HappyStream.Take(3).SelectMany(b => b).ToArray()));
        var cut = await Assert.ThrowsAsync<BedrockException>(async () =>
        {
            await foreach (var _ in client.ConverseStreamAsync(Profile, ConverseRequest.FromPrompt("q")))
            {
            }
        });
        Assert.Contains("ended before the model finished", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_key_goes_as_bearer_without_sigv4_and_never_into_the_log()
    {
        _http.OnJson(HttpMethod.Post, ConversePath, """{"output":{"message":{"role":"assistant","content":[{"text":"OK"}]}},"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2},"metrics":{"latencyMs":1}}""");
        var auth = BedrockAuth.BearerFromEnvironment(Env(" " + ApiKey + "\n"))!;
        Assert.Equal("Bearer (AWS_BEARER_TOKEN_BEDROCK)", auth.Description);
        Assert.DoesNotContain(ApiKey, auth.ToString(), StringComparison.Ordinal);
        _log.DebugEnabled = true;
        using var client = Client(auth);
        Assert.Equal("OK", (await client.ConverseAsync(Profile, ConverseRequest.FromPrompt("q"))).Text);

        var request = Assert.Single(_http.Requests);
        Assert.Equal("Bearer " + ApiKey, request.Header("Authorization"));
        Assert.Null(request.Header("X-Amz-Date"));
        Assert.Null(request.Header("X-Amz-Security-Token"));
        Assert.DoesNotContain(ApiKey, _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_variable_or_with_a_blank_one_there_is_no_bearer()
    {
        Assert.Null(BedrockAuth.BearerFromEnvironment(Env()));
        Assert.Null(BedrockAuth.BearerFromEnvironment(Env("  ")));
        Assert.Equal("SigV4 via profile bedrock", BedrockAuth.FromCredentials(Session with { RoleArn = null }, "bedrock").Description);
    }

    [Fact]
    public async Task A_refused_api_key_says_so_and_how_to_fix_it()
    {
        _http.OnJson(HttpMethod.Post, ConversePath, """{"Message":"Authentication failed: Please make sure your API Key is valid."}""", HttpStatusCode.Forbidden);
        using var client = Client(BedrockAuth.BearerFromEnvironment(Env(ApiKey)));
        var thrown = await Assert.ThrowsAsync<BedrockException>(() => client.ConverseAsync(Profile, ConverseRequest.FromPrompt("q")));
        Assert.Equal(ExitCodes.AwsCredentialsExpired, thrown.ExitCode);
        Assert.Contains("AWS_BEARER_TOKEN_BEDROCK", thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, thrown.Message + thrown.Hint, StringComparison.Ordinal);
    }
}
