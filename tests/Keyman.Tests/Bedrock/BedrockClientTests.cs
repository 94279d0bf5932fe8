using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Keyman.Core;
using Keyman.Core.Bedrock;
using Keyman.Sandbox.Sts;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;
using Keyman.Core.Http;
using static Keyman.Tests.Http.AwsRequestSignerTests;

namespace Keyman.Tests.Bedrock;

public class BedrockClientTests
{
    private const string Sonnet = "anthropic.claude-3-5-sonnet-20241022-v2:0";
    private const string InvokePath = "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke";
    private const string StreamPath = "/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke-with-response-stream";

    private readonly TestHttpMessageHandler _http = new();
    private readonly InstantTimeProvider _clock = new();
    private readonly RecordingLog _log = new();

    private BedrockClient Client(string region = "us-east-1", params (string, string)[] env) =>
        new(Session, region, new DictionaryEnvironment(env.ToDictionary(e => e.Item1, e => e.Item2), "/home/t"), _log, _clock, new HttpPipeline(transport: _http)) { Jitter = () => 0.5 };

    private static Action<HttpResponseMessage> ErrorType(string type) => r => r.Headers.TryAddWithoutValidation("x-amzn-ErrorType", type);

    private static SigV4Request Signed(RecordedRequest request)
    {
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["Host"] = request.Uri.Authority };
        if (request.ContentType is not null)
        {
            headers["Content-Type"] = request.ContentType;
        }

        var pathAndQuery = request.Uri.PathAndQuery;
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return new SigV4Request(request.Method.Method, q < 0 ? pathAndQuery : pathAndQuery[..q], q < 0 ? "" : pathAndQuery[(q + 1)..],
            headers, Encoding.UTF8.GetBytes(request.Body ?? ""));
    }

    private void AssertSigned(RecordedRequest request)
    {
        var result = Verify(Signed(request), _clock.GetUtcNow());
        Assert.True(result.IsValid, result.Message);
    }

    private const string MessageJson = """
        {"id":"msg_bdrk_019V7ABaw8ZZZYuRDSTWK7VE","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022","content":[{"type":"text","text":"The capital of Georgia is Atlanta."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":14,"output_tokens":36}}
        """;

    [Fact]
    public async Task Invoke_sends_the_anthropic_body_signed_and_returns_text_usage_and_raw_json()
    {
        _http.OnJson(HttpMethod.Post, InvokePath, MessageJson);
        using var client = Client();

        var result = await client.InvokeModelAsync(Sonnet, AnthropicRequest.FromPrompt("What is the capital of Georgia?", 200, "Be brief."));

        Assert.Equal("The capital of Georgia is Atlanta.", result.Message.Text);
        Assert.Equal("end_turn", result.Message.StopReason);
        Assert.Equal((14, 36), (result.Message.Usage!.InputTokens, result.Message.Usage.OutputTokens));
        Assert.Equal(MessageJson, result.RawJson);

        var request = Assert.Single(_http.Requests);
        Assert.Equal("https://bedrock-runtime.us-east-1.amazonaws.com" + InvokePath, request.Uri.GetLeftPart(UriPartial.Authority) + request.Uri.AbsolutePath);
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Equal(Token, request.Header("X-Amz-Security-Token"));
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":200,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"What is the capital of Georgia?"}]}]}""",
            body.ToJsonString());
        AssertSigned(request);
        Assert.DoesNotContain(Secret, _log.All, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_overrides_are_honoured()
    {
        _http.OnJson(HttpMethod.Get, "/prefix/foundation-models", """{"modelSummaries":[]}""");
        _http.OnJson(HttpMethod.Post, "/model/m/invoke", MessageJson);
        using var client = Client("eu-west-1", ("AWS_ENDPOINT_URL_BEDROCK", "http://127.0.0.1:1/prefix/"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:2"));
        Assert.Equal(new Uri("http://127.0.0.1:2"), client.RuntimeEndpoint);
        await client.ListFoundationModelsAsync();
        await client.InvokeModelAsync("m", AnthropicRequest.FromPrompt("hi"));
        Assert.Equal(1, _http.Requests[0].Uri.Port);
        Assert.Equal(2, _http.Requests[1].Uri.Port);
        Assert.Equal(new Uri("https://bedrock.eu-west-1.amazonaws.com"), BedrockClient.DefaultEndpoint("bedrock", "eu-west-1"));
        Assert.Equal(new Uri("https://bedrock-runtime.cn-north-1.amazonaws.com.cn"), BedrockClient.DefaultEndpoint("bedrock-runtime", "cn-north-1"));
    }

    [Fact]
    public async Task Lists_foundation_models_by_provider()
    {
        _http.OnJson(HttpMethod.Get, "/foundation-models", """
            {"modelSummaries":[{"modelArn":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0","modelId":"anthropic.claude-3-5-sonnet-20241022-v2:0","modelName":"Claude 3.5 Sonnet v2","providerName":"Anthropic","inputModalities":["TEXT","IMAGE"],"outputModalities":["TEXT"],"responseStreamingSupported":true,"customizationsSupported":[],"inferenceTypesSupported":["INFERENCE_PROFILE"],"modelLifecycle":{"status":"ACTIVE"}}]}
            """);
        using var client = Client();
        var models = await client.ListFoundationModelsAsync("Anthropic");
        var model = Assert.Single(models);
        Assert.Equal(Sonnet, model.ModelId);
        Assert.False(model.SupportsOnDemand);
        Assert.Equal("ACTIVE", model.ModelLifecycle!.Status);
        var request = Assert.Single(_http.Requests);
        Assert.Equal("bedrock.us-east-1.amazonaws.com", request.Uri.Host);
        Assert.Equal("?byProvider=Anthropic", request.Uri.Query);
        AssertSigned(request);
    }

    [Fact]
    public async Task Lists_every_page_of_inference_profiles()
    {
        _http.OnJson(HttpMethod.Get, "/inference-profiles", """{"inferenceProfileSummaries":[{"inferenceProfileId":"us.a","models":[]}],"nextToken":"t/1+x"}""");
        _http.OnJson(HttpMethod.Get, "/inference-profiles", """{"inferenceProfileSummaries":[{"inferenceProfileId":"eu.b","models":[]}]}""");
        using var client = Client();
        var profiles = await client.ListInferenceProfilesAsync();
        Assert.Equal(["us.a", "eu.b"], profiles.Select(p => p.InferenceProfileId));
        Assert.Equal("?maxResults=1000&nextToken=t%2F1%2Bx", _http.Requests[1].Uri.Query);
        AssertSigned(_http.Requests[1]);
    }

    private static byte[] Chunk(string anthropicJson) =>
        EventStreamWriter.Encode([(":event-type", "chunk"), (":content-type", "application/json"), (":message-type", "event")],
            Encoding.UTF8.GetBytes($$"""{"bytes":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(anthropicJson))}}","p":"abcdef"}"""));

    private static readonly byte[][] HappyStream =
    [
        Chunk("""{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-sonnet-20241022","content":[],"usage":{"input_tokens":14,"output_tokens":1}}}"""),
        Chunk("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"The capital "}}"""),
        Chunk("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"is Atlanta."}}"""),
        Chunk("""{"type":"content_block_stop","index":0}"""),
        Chunk("""{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}"""),
        Chunk("""{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":14,"outputTokenCount":9,"invocationLatency":1798,"firstByteLatency":1507}}"""),
    ];

    private static HttpResponseMessage EventStreamResponse(Stream stream)
    {
        var content = new StreamContent(stream);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.amazon.eventstream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task Streaming_yields_text_deltas_then_stop_reason_and_usage()
    {
        var bytes = HappyStream.SelectMany(b => b).ToArray();
        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse(new TricklingStream(bytes, 7)));
        using var client = Client();

        var updates = new List<AnthropicStreamUpdate>();
        await foreach (var update in client.InvokeModelWithResponseStreamAsync(Sonnet, AnthropicRequest.FromPrompt("q")))
        {
            updates.Add(update);
        }

        Assert.Equal([new AnthropicTextDelta("The capital "), new AnthropicTextDelta("is Atlanta.")], updates.OfType<AnthropicTextDelta>());
        var done = Assert.IsType<AnthropicStreamCompleted>(updates[^1]);
        Assert.Equal("end_turn", done.StopReason);
        Assert.Equal((14, 9), (done.Usage.InputTokens, done.Usage.OutputTokens));
        Assert.Equal("msg_1", done.MessageId);
        var request = Assert.Single(_http.Requests);
        Assert.Equal("application/json", request.Header("X-Amzn-Bedrock-Accept"));
        AssertSigned(request);
    }

    /// <summary>Serves the first frames, then waits for the test before sending the rest.</summary>
    private sealed class GatedStream(byte[] first, byte[] rest, Task gate) : Stream
    {
        private readonly MemoryStream _first = new(first);
        private readonly MemoryStream _rest = new(rest);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            var n = _first.Read(buffer, offset, count);
            if (n > 0)
            {
                return n;
            }

            await gate.WaitAsync(cancellationToken);
            return _rest.Read(buffer, offset, count);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var array = new byte[buffer.Length];
            var n = await ReadAsync(array, 0, array.Length, cancellationToken);
            array.AsMemory(0, n).CopyTo(buffer);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Streaming_delivers_text_before_the_response_is_complete()
    {
        var gate = new TaskCompletionSource();
        var first = HappyStream.Take(3).SelectMany(b => b).ToArray();
        var rest = HappyStream.Skip(3).SelectMany(b => b).ToArray();
        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse(new GatedStream(first, rest, gate.Task)));
        using var client = Client();

        await using var enumerator = client.InvokeModelWithResponseStreamAsync(Sonnet, AnthropicRequest.FromPrompt("q")).GetAsyncEnumerator();
        var firstMove = enumerator.MoveNextAsync().AsTask();
        Assert.Same(firstMove, await Task.WhenAny(firstMove, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(new AnthropicTextDelta("The capital "), enumerator.Current);

        var second = enumerator.MoveNextAsync().AsTask();
        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        gate.SetResult();
        Assert.True(await second);
        Assert.Equal(new AnthropicTextDelta("is Atlanta."), enumerator.Current);
    }

    [Fact]
    public async Task A_stream_that_stalls_after_its_first_event_fails_after_the_idle_timeout()
    {
        var first = HappyStream.Take(3).SelectMany(b => b).ToArray();
        var rest = HappyStream.Skip(3).SelectMany(b => b).ToArray();
        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse(new GatedStream(first, rest, Task.Delay(Timeout.Infinite))));
        using var client = new BedrockClient(Session, "us-east-1", new DictionaryEnvironment(new Dictionary<string, string>(), "/home/t"), _log, _clock,
            new HttpPipeline(transport: _http)) { StreamIdleTimeout = TimeSpan.FromMilliseconds(300) };

        var texts = new List<string>();
        var run = Task.Run(async () =>
        {
            await foreach (var update in client.InvokeModelWithResponseStreamAsync(Sonnet, AnthropicRequest.FromPrompt("q")))
            {
                texts.Add(((AnthropicTextDelta)update).Text);
            }
        });
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))));
        var ex = await Assert.ThrowsAsync<BedrockException>(() => run);

        Assert.Equal(ExitCodes.Network, ex.ExitCode);
        Assert.StartsWith("Bedrock's response stream in us-east-1 sent nothing for 0.3 s", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["The capital "], texts);
    }

    [Fact]
    public async Task In_stream_exception_becomes_a_typed_error()
    {
        var exception = EventStreamWriter.Encode([(":message-type", "exception"), (":exception-type", "modelStreamErrorException"), (":content-type", "application/json")],
            Encoding.UTF8.GetBytes("""{"message":"The model stream failed.","originalStatusCode":500}"""));
        var bytes = HappyStream.Take(3).SelectMany(b => b).Concat(exception).ToArray();
        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse(new MemoryStream(bytes)));
        using var client = Client();

        var texts = new List<string>();
        var ex = await Assert.ThrowsAsync<BedrockException>(async () =>
        {
            await foreach (var update in client.InvokeModelWithResponseStreamAsync(Sonnet, AnthropicRequest.FromPrompt("q")))
            {
                texts.Add(((AnthropicTextDelta)update).Text);
            }
        });
        Assert.Equal(["The capital "], texts);
        Assert.Equal("modelStreamErrorException", ex.ErrorType);
        Assert.Equal(ExitCodes.BedrockServiceError, ex.ExitCode);
        Assert.Contains("The model stream failed.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_cut_between_messages_is_an_error()
    {
        var bytes = HappyStream.Take(4).SelectMany(b => b).ToArray();
        _http.On(HttpMethod.Post, StreamPath, _ => EventStreamResponse(new MemoryStream(bytes)));
        using var client = Client();
        var ex = await Assert.ThrowsAsync<BedrockException>(async () =>
        {
            await foreach (var _ in client.InvokeModelWithResponseStreamAsync(Sonnet, AnthropicRequest.FromPrompt("q")))
            {
            }
        });
        Assert.Contains("ended before the model finished", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_http_error_is_mapped_before_any_bytes()
    {
        _http.OnJson(HttpMethod.Post, StreamPath, """{"message":"The provided model identifier is invalid."}""", HttpStatusCode.BadRequest,
            configure: ErrorType("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"));
        using var client = Client();
        var ex = await Assert.ThrowsAsync<BedrockException>(async () =>
        {
            await foreach (var _ in client.InvokeModelWithResponseStreamAsync(Sonnet, AnthropicRequest.FromPrompt("q")))
            {
            }
        });
        Assert.Equal(ExitCodes.BedrockModelInvalid, ex.ExitCode);
    }

    private async Task<BedrockException> InvokeFails(string json, HttpStatusCode status, string? errorType, string model = Sonnet)
    {
        _http.OnJson(HttpMethod.Post, BedrockClient.ModelPath(model, "invoke"), json, status, configure: errorType is null ? null : ErrorType(errorType));
        using var client = Client();
        return await Assert.ThrowsAsync<BedrockException>(() => client.InvokeModelAsync(model, AnthropicRequest.FromPrompt("q")));
    }

    [Fact]
    public async Task Access_denied_names_role_action_and_resource()
    {
        var ex = await InvokeFails("""{"Message":"User: arn:aws:sts::111111111111:assumed-role/my-bedrock-role/keyman-1 is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0 because no identity-based policy allows the bedrock:InvokeModel action"}""",
            HttpStatusCode.Forbidden, "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/");
        Assert.Equal(ExitCodes.BedrockAccessDenied, ex.ExitCode);
        Assert.Equal("Your role arn:aws:iam::111111111111:role/my-bedrock-role is not allowed bedrock:InvokeModel on arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0", ex.Message);
        Assert.StartsWith("Send this to your DevOps team: role arn:aws:iam::111111111111:role/my-bedrock-role needs an IAM policy allowing bedrock:InvokeModel", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Model_access_not_enabled_says_enable_it_in_the_console()
    {
        var ex = await InvokeFails("""{"message":"You don't have access to the model with the specified model ID."}""", HttpStatusCode.Forbidden, "AccessDeniedException");
        Assert.Equal(ExitCodes.BedrockModelNotEnabled, ex.ExitCode);
        Assert.Contains($"Model access for {Sonnet} is not enabled", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Bedrock console", ex.Hint, StringComparison.Ordinal);
        Assert.Contains("us-east-1", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_demand_refusal_names_the_inference_profile_for_the_region()
    {
        _http.OnJson(HttpMethod.Get, "/inference-profiles", """
            {"inferenceProfileSummaries":[
              {"inferenceProfileId":"eu.anthropic.claude-3-5-sonnet-20241022-v2:0","status":"ACTIVE","models":[{"modelArn":"arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0"}]},
              {"inferenceProfileId":"us.anthropic.claude-3-5-sonnet-20241022-v2:0","status":"ACTIVE","models":[{"modelArn":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0"}]}]}
            """);
        var ex = await InvokeFails("""{"message":"Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model."}""",
            HttpStatusCode.BadRequest, "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/");
        Assert.Equal(ExitCodes.BedrockModelInvalid, ex.ExitCode);
        Assert.Contains("needs an inference profile", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Use the inference profile us.anthropic.claude-3-5-sonnet-20241022-v2:0 instead (--model us.anthropic.claude-3-5-sonnet-20241022-v2:0).", ex.Hint);
    }

    [Fact]
    public async Task Invalid_model_id_points_at_the_models_command()
    {
        var ex = await InvokeFails("""{"message":"The provided model identifier is invalid."}""", HttpStatusCode.BadRequest, "ValidationException", "anthropic.claude-9");
        Assert.Equal(ExitCodes.BedrockModelInvalid, ex.ExitCode);
        Assert.Contains("'anthropic.claude-9'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("keyman bedrock models", ex.Hint, StringComparison.Ordinal);

        var malformed = await InvokeFails("""{"message":"Malformed input request, please reformat your input and try again."}""", HttpStatusCode.BadRequest, "aws.protocols#ValidationException");
        Assert.Equal(ExitCodes.BedrockRequestInvalid, malformed.ExitCode);
        Assert.Equal("ValidationException", malformed.ErrorType);
    }

    [Fact]
    public async Task Resource_not_found_and_server_errors()
    {
        Assert.Equal(ExitCodes.BedrockModelInvalid, (await InvokeFails("""{"message":"Model not found"}""", HttpStatusCode.NotFound, "ResourceNotFoundException")).ExitCode);
        var timeout = await InvokeFails("""{"message":"Model has timed out"}""", HttpStatusCode.RequestTimeout, "ModelTimeoutException");
        Assert.Equal(ExitCodes.BedrockServiceError, timeout.ExitCode);
        Assert.Empty(_clock.Delays); // not retried
    }

    [Theory]
    [InlineData("ExpiredTokenException", "The security token included in the request is expired")]
    [InlineData("UnrecognizedClientException", "The security token included in the request is invalid.")]
    public async Task Expired_or_invalid_credentials_say_run_keyman(string type, string message)
    {
        var ex = await InvokeFails($$"""{"message":"{{message}}"}""", HttpStatusCode.Forbidden, type);
        Assert.Equal(ExitCodes.AwsCredentialsExpired, ex.ExitCode);
        Assert.Contains("expired or invalid", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Run keyman", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_retried_with_growing_backoff_then_succeeds()
    {
        for (var i = 0; i < 2; i++)
        {
            _http.OnJson(HttpMethod.Post, InvokePath, """{"message":"Too many requests, please wait before trying again."}""", (HttpStatusCode)429, configure: ErrorType("ThrottlingException"));
        }

        _http.OnJson(HttpMethod.Post, InvokePath, MessageJson);
        using var client = Client();
        var result = await client.InvokeModelAsync(Sonnet, AnthropicRequest.FromPrompt("q"));
        Assert.Equal("end_turn", result.Message.StopReason);
        Assert.Equal(3, _http.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(750), TimeSpan.FromMilliseconds(1500)], _clock.Delays);
        // Each attempt is signed afresh, at its own time.
        Assert.NotEqual(_http.Requests[0].Header("X-Amz-Date"), _http.Requests[2].Header("X-Amz-Date"));
        AssertSigned(_http.Requests[2]);
    }

    [Fact]
    public async Task Throttling_gives_up_after_the_bounded_attempts()
    {
        _http.OnJson(HttpMethod.Post, InvokePath, """{"message":"Too many requests, please wait before trying again."}""", (HttpStatusCode)429, sticky: true);
        using var client = Client();
        var ex = await Assert.ThrowsAsync<BedrockException>(() => client.InvokeModelAsync(Sonnet, AnthropicRequest.FromPrompt("q")));
        Assert.Equal(ExitCodes.BedrockThrottled, ex.ExitCode);
        Assert.EndsWith("(after 4 attempts)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, _http.Requests.Count);
        Assert.Equal(3, _clock.Delays.Count);
        Assert.True(_clock.Delays[2] > _clock.Delays[1] && _clock.Delays[1] > _clock.Delays[0]);
    }

    [Fact]
    public async Task Backoff_is_capped_and_jittered()
    {
        using var low = new BedrockClient(Session, "us-east-1", new DictionaryEnvironment(new Dictionary<string, string>(), "/h"), _log, _clock, new HttpPipeline(transport: _http)) { Jitter = () => 0 };
        using var high = new BedrockClient(Session, "us-east-1", new DictionaryEnvironment(new Dictionary<string, string>(), "/h"), _log, _clock, new HttpPipeline(transport: _http)) { Jitter = () => 0.999 };
        Assert.Equal(TimeSpan.FromSeconds(10), low.Backoff(10));
        Assert.True(high.Backoff(10) <= TimeSpan.FromSeconds(20));
        Assert.True(high.Backoff(2) > low.Backoff(2));
    }

    [Fact]
    public async Task Service_unavailable_is_retried_then_reported()
    {
        _http.OnJson(HttpMethod.Get, "/foundation-models", """{"message":"Service Unavailable"}""", HttpStatusCode.ServiceUnavailable, sticky: true, configure: ErrorType("ServiceUnavailableException"));
        using var client = Client();
        var ex = await Assert.ThrowsAsync<BedrockException>(() => client.ListFoundationModelsAsync());
        Assert.Equal(ExitCodes.BedrockServiceError, ex.ExitCode);
        Assert.Equal(4, _http.Requests.Count);
    }

    [Fact]
    public async Task Dns_failure_suggests_the_region_lacks_bedrock()
    {
        _http.Throw(HttpMethod.Get, "/foundation-models",
            () => new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (bedrock.xx-nowhere-1.amazonaws.com:443)", new SocketException((int)SocketError.HostNotFound)));
        using var client = Client("sa-east-1");
        var ex = await Assert.ThrowsAsync<KeymanException>(() => client.ListFoundationModelsAsync());
        Assert.Equal(ExitCodes.Network, ex.ExitCode);
        Assert.Equal("Cannot reach Bedrock in sa-east-1 at bedrock.sa-east-1.amazonaws.com (the name does not resolve; is Bedrock available there?)", ex.Message);
    }

    [Fact]
    public async Task Non_json_success_body_is_a_clear_error()
    {
        _http.On(HttpMethod.Post, InvokePath, _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>proxy</html>") });
        using var client = Client();
        var ex = await Assert.ThrowsAsync<BedrockException>(() => client.InvokeModelAsync(Sonnet, AnthropicRequest.FromPrompt("q")));
        Assert.Equal(ExitCodes.BedrockServiceError, ex.ExitCode);
        Assert.Contains("not the JSON expected", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/", "ValidationException")]
    [InlineData("aws.protocols#ThrottlingException", "ThrottlingException")]
    [InlineData("com.amazon.coral.service#ExpiredTokenException:http://x", "ExpiredTokenException")]
    [InlineData("AccessDeniedException", "AccessDeniedException")]
    public void Error_type_header_forms(string header, string expected) => Assert.Equal(expected, BedrockErrors.ParseErrorType(header));

    [Fact]
    public void Error_type_falls_back_to_body_then_status()
    {
        var context = new BedrockCallContext("InvokeModel", "us-east-1", "m");
        Assert.Equal("ThrottlingException", BedrockErrors.FromResponse(400, null, """{"__type":"com.amazon#ThrottlingException","Message":"slow down"}""", context).ErrorType);
        var unknown = BedrockErrors.FromResponse(403, null, "", context);
        Assert.Equal(ExitCodes.BedrockAccessDenied, unknown.ExitCode);
        Assert.Equal(ExitCodes.BedrockThrottled, BedrockErrors.FromResponse(429, null, null, context).ExitCode);
        Assert.Equal(ExitCodes.BedrockServiceError, BedrockErrors.FromResponse(502, null, "<html/>", context).ExitCode);
    }
}
