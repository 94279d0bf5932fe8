using System.Net;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

public sealed class BedrockRuntimeTests : BedrockTestBase
{
    private const string SonnetProfile = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";

    [Fact]
    public async Task Invoke_through_an_inference_profile_answers_the_how_to_question()
    {
        var signer = await BedrockRoleSigner();
        var response = await Invoke(signer, SonnetProfile, GeorgiaBody());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        Assert.True(response.Headers.Contains("X-Amzn-Bedrock-Invocation-Latency"));
        var body = await Json(response);
        Assert.StartsWith("msg_bdrk_", (string?)body["id"]);
        Assert.Equal("message", (string?)body["type"]);
        Assert.Equal("assistant", (string?)body["role"]);
        Assert.Equal("claude-3-5-sonnet-20241022", (string?)body["model"]);
        Assert.Equal("text", (string?)body["content"]![0]!["type"]);
        Assert.Equal(AtlantaAnswer, (string?)body["content"]![0]!["text"]);
        Assert.Equal("end_turn", (string?)body["stop_reason"]);
        Assert.Equal(response.Headers.GetValues("X-Amzn-Bedrock-Output-Token-Count").Single(), ((int)body["usage"]!["output_tokens"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(response.Headers.GetValues("X-Amzn-Bedrock-Input-Token-Count").Single(), ((int)body["usage"]!["input_tokens"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Invoke_accepts_arns_text_blocks_and_system_and_honours_max_tokens()
    {
        var signer = await BedrockRoleSigner();
        var blocks = """{"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"what is the capital of georgia?"}]}]}""";
        var body = await Json(await Invoke(signer, "arn:aws:bedrock:us-east-1:111111111111:inference-profile/" + SonnetProfile, blocks));
        Assert.Equal("The capital of Georgia is", (string?)body["content"]![0]!["text"]);
        Assert.Equal("max_tokens", (string?)body["stop_reason"]);
        Assert.Equal(5, (int)body["usage"]!["output_tokens"]!);

        var onDemand = await Invoke(signer, "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            """{"anthropic_version":"bedrock-2023-05-31","max_tokens":50,"messages":[{"role":"user","content":"Something else"}]}""");
        Assert.Equal(HttpStatusCode.OK, onDemand.StatusCode);
        var first = (string?)(await Json(onDemand))["content"]![0]!["text"];
        var again = await Invoke(signer, "anthropic.claude-3-haiku-20240307-v1:0",
            """{"anthropic_version":"bedrock-2023-05-31","max_tokens":50,"messages":[{"role":"user","content":"Something else"}]}""");
        Assert.Equal(first, (string?)(await Json(again))["content"]![0]!["text"]);
    }

    [Fact]
    public async Task Invocation_errors_match_bedrock()
    {
        var signer = await BedrockRoleSigner();
        await AssertError(await Invoke(signer, "anthropic.claude-3-5-sonnet-20241022-v2:0", GeorgiaBody()), HttpStatusCode.BadRequest, "ValidationException",
            "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.");
        await AssertError(await Invoke(signer, "anthropic.claude-9-nope-v1:0", GeorgiaBody()), HttpStatusCode.BadRequest, "ValidationException",
            "The provided model identifier is invalid.");
        await AssertError(await Invoke(signer, "eu.anthropic.claude-3-7-sonnet-20250219-v1:0", GeorgiaBody()), HttpStatusCode.BadRequest, "ValidationException",
            "The provided model identifier is invalid.");
        await AssertError(await Invoke(signer, "us.anthropic.claude-3-opus-20240229-v1:0", GeorgiaBody()), HttpStatusCode.Forbidden, "AccessDeniedException",
            "You don't have access to the model with the specified model ID.");
        await AssertError(await Invoke(signer, "amazon.titan-text-express-v1", """{"inputText":"hi"}"""), HttpStatusCode.Forbidden, "AccessDeniedException",
            "User: arn:aws:sts::111111111111:assumed-role/my-bedrock-role/bedrock is not authorized to perform: bedrock:InvokeModel on resource: "
            + "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1 because no identity-based policy allows the bedrock:InvokeModel action");

        Assert.Equal(HttpStatusCode.OK, (await PostJson("/_sandbox/faults", new { bedrockModelNotEnabled = 1 })).Status);
        await AssertError(await Invoke(signer, SonnetProfile, GeorgiaBody()), HttpStatusCode.Forbidden, "AccessDeniedException",
            "You don't have access to the model with the specified model ID.");
        Assert.Equal(HttpStatusCode.OK, (await Invoke(signer, SonnetProfile, GeorgiaBody())).StatusCode);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"robot","content":"hi"}]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[{"role":"user","content":[{"type":"txt"}]}]}""")]
    [InlineData("""{"anthropic_version":"2023-06-01","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"model":"claude","messages":[{"role":"user","content":"hi"}]}""")]
    public async Task Malformed_anthropic_bodies_are_validation_exceptions(string body)
    {
        var signer = await BedrockRoleSigner();
        var response = await Invoke(signer, SonnetProfile, body);
        await AssertError(response, HttpStatusCode.BadRequest, "ValidationException");
    }

    [Fact]
    public async Task Missing_keys_are_named_like_bedrocks_schema_check()
    {
        var signer = await BedrockRoleSigner();
        await AssertError(await Invoke(signer, SonnetProfile, """{"anthropic_version":"bedrock-2023-05-31","messages":[{"role":"user","content":"hi"}]}"""),
            HttpStatusCode.BadRequest, "ValidationException",
            "Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.");
        await AssertError(await Invoke(signer, SonnetProfile, "{"), HttpStatusCode.BadRequest, "ValidationException",
            "Malformed input request, please reformat your input and try again.");
    }

    [Fact]
    public async Task Gateway_and_developer_roles_may_list_but_not_invoke()
    {
        var developer = await SamlSigner("0oa1dev2AbCdEfGh/272", DeveloperRole);
        await AssertError(await Invoke(developer, SonnetProfile, GeorgiaBody()), HttpStatusCode.Forbidden, "AccessDeniedException",
            "User: arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com is not authorized to perform: bedrock:InvokeModel on resource: "
            + "arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0 because no identity-based policy allows the bedrock:InvokeModel action");
    }

    [Fact]
    public async Task Sigv4_failures_are_front_door_errors()
    {
        var signer = await BedrockRoleSigner();
        await AssertError(await Invoke(signer.With(secret: new string('x', 40)), SonnetProfile, GeorgiaBody()), HttpStatusCode.Forbidden, "InvalidSignatureException");
        await AssertError(await Invoke(signer.With(accessKeyId: "ASIAAAAAAAAAAAAAAAAA"), SonnetProfile, GeorgiaBody()), HttpStatusCode.Forbidden,
            "UnrecognizedClientException", "The security token included in the request is invalid.");
        await AssertError(await Invoke(signer.With(service: "bedrock-runtime"), SonnetProfile, GeorgiaBody()), HttpStatusCode.Forbidden, "InvalidSignatureException");
        await AssertError(await Invoke(null!, SonnetProfile, GeorgiaBody()), HttpStatusCode.Forbidden, "MissingAuthenticationTokenException");

        Clock.Advance(TimeSpan.FromHours(2));
        await AssertError(await Send(signer, HttpMethod.Get, "/foundation-models"), HttpStatusCode.Forbidden, "ExpiredTokenException",
            "The security token included in the request is expired");
    }

    [Fact]
    public async Task Expiring_all_credentials_from_the_control_endpoint()
    {
        var signer = await BedrockRoleSigner();
        Assert.Equal(HttpStatusCode.OK, (await PostJson("/_sandbox/credentials/expire", new { })).Status);
        await AssertError(await Invoke(signer, SonnetProfile, GeorgiaBody()), HttpStatusCode.Forbidden, "ExpiredTokenException",
            "The security token included in the request is expired");
    }

    [Fact]
    public async Task A_region_without_bedrock_drops_the_connection()
    {
        var signer = await BedrockRoleSigner("sa-east-1");
        await Assert.ThrowsAsync<HttpRequestException>(() => Send(signer, HttpMethod.Get, "/foundation-models"));
    }

    [Fact]
    public async Task Stream_is_framed_as_event_stream_chunks_one_word_per_delta()
    {
        var signer = await BedrockRoleSigner();
        var response = await Invoke(signer, SonnetProfile, GeorgiaBody(), stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("application/json", response.Headers.GetValues("X-Amzn-Bedrock-Content-Type").Single());
        var frames = await ReadFrames(await response.Content.ReadAsStreamAsync());
        Assert.All(frames, f =>
        {
            Assert.Equal("event", f.Headers[":message-type"]);
            Assert.Equal("chunk", f.Headers[":event-type"]);
            Assert.Equal("application/json", f.Headers[":content-type"]);
            Assert.NotNull((string?)f.PayloadJson["p"]);
        });
        var chunks = frames.Select(f => f.Chunk).ToList();
        var types = chunks.Select(c => (string)c["type"]!).ToList();
        Assert.Equal(["message_start", "content_block_start"], types[..2]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], types[^3..]);
        var deltas = chunks.Where(c => (string?)c["type"] == "content_block_delta").ToList();
        Assert.Equal(AtlantaAnswer.Split(' ').Length, deltas.Count);
        Assert.All(deltas, d => Assert.Equal("text_delta", (string?)d["delta"]!["type"]));
        Assert.Equal(AtlantaAnswer, string.Concat(deltas.Select(d => (string)d["delta"]!["text"]!)));
        Assert.Equal("end_turn", (string?)chunks[^2]["delta"]!["stop_reason"]);
        Assert.Equal(deltas.Count, (int)chunks[^2]["usage"]!["output_tokens"]!);
        Assert.Equal(deltas.Count, (int)chunks[^1]["amazon-bedrock-invocationMetrics"]!["outputTokenCount"]!);
        Assert.StartsWith("msg_bdrk_", (string?)chunks[0]["message"]!["id"]);
    }

    [Fact]
    public async Task First_words_arrive_before_the_last_are_sent()
    {
        var signer = await BedrockRoleSigner();
        var response = await Invoke(signer, SonnetProfile, GeorgiaBody(), stream: true);
        var stream = await response.Content.ReadAsStreamAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[4096];
        Assert.True(await stream.ReadAsync(buffer) > 0);
        var firstRead = started.Elapsed;
        await stream.CopyToAsync(Stream.Null);
        Assert.True(started.Elapsed - firstRead > TimeSpan.FromMilliseconds(300), $"whole stream took {started.Elapsed}, first bytes at {firstRead}");
    }

    [Theory]
    [InlineData("bedrockStreamError", "modelStreamErrorException")]
    [InlineData("bedrockStreamThrottle", "throttlingException")]
    public async Task Stream_faults_end_with_an_exception_frame(string fault, string exceptionType)
    {
        var signer = await BedrockRoleSigner();
        Assert.Equal(HttpStatusCode.OK, (await PostJson("/_sandbox/faults", new JsonObject { [fault] = 1 })).Status);
        var response = await Invoke(signer, SonnetProfile, GeorgiaBody(), stream: true);
        var frames = await ReadFrames(await response.Content.ReadAsStreamAsync());
        var last = frames[^1];
        Assert.Equal("exception", last.Headers[":message-type"]);
        Assert.Equal(exceptionType, last.Headers[":exception-type"]);
        Assert.False(string.IsNullOrEmpty((string?)last.PayloadJson["message"]));
        Assert.Contains(frames[..^1], f => (string?)f.Chunk["type"] == "content_block_delta");
        Assert.DoesNotContain(frames[..^1], f => (string?)f.Chunk["type"] == "message_stop");
    }
}
