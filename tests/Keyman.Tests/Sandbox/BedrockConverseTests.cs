using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

/// <summary>The sandbox's Converse and ConverseStream, its Bedrock API keys, and the AWS CLI (botocore) as the independent check.</summary>
public sealed class BedrockConverseTests : BedrockTestBase
{
    private const string SonnetProfile = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
    private const string GeorgiaConverse = """{"messages":[{"role":"user","content":[{"text":"What is the capital of Georgia?"}]}],"inferenceConfig":{"maxTokens":200}}""";

    private Task<HttpResponseMessage> Converse(BedrockSigner signer, string modelId, string body, bool stream = false) =>
        Send(signer, HttpMethod.Post, $"/model/{Uri.EscapeDataString(modelId)}/{(stream ? "converse-stream" : "converse")}", body);

    [Fact]
    public async Task Converse_answers_in_its_own_shape_with_usage_and_metrics()
    {
        var signer = await BedrockRoleSigner();
        var response = await Converse(signer, SonnetProfile, GeorgiaConverse);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        var body = await Json(response);
        Assert.Equal("assistant", (string?)body["output"]!["message"]!["role"]);
        Assert.Equal(AtlantaAnswer, (string?)body["output"]!["message"]!["content"]![0]!["text"]);
        Assert.Equal("end_turn", (string?)body["stopReason"]);
        var usage = body["usage"]!;
        Assert.Equal(AtlantaAnswer.Split(' ').Length, (int)usage["outputTokens"]!);
        Assert.Equal((int)usage["inputTokens"]! + (int)usage["outputTokens"]!, (int)usage["totalTokens"]!);
        Assert.NotNull(body["metrics"]!["latencyMs"]);

        // An on-demand model by its own ID, a system prompt; maxTokens cuts the answer.
        var titan = await Json(await Converse(signer, "anthropic.claude-3-haiku-20240307-v1:0",
            """{"messages":[{"role":"user","content":[{"text":"What is the capital of Georgia?"}]}],"system":[{"text":"Be brief."}],"inferenceConfig":{"maxTokens":3}}"""));
        Assert.Equal("max_tokens", (string?)titan["stopReason"]);
        Assert.Equal("The capital of", (string?)titan["output"]!["message"]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task ConverseStream_sends_message_start_deltas_stop_and_metadata()
    {
        var signer = await BedrockRoleSigner();
        var response = await Converse(signer, SonnetProfile, GeorgiaConverse, stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType!.MediaType);
        var frames = await ReadFrames(await response.Content.ReadAsStreamAsync());
        var types = frames.Select(f => f.Headers[":event-type"]).ToList();
        Assert.All(frames, f => Assert.Equal("event", f.Headers[":message-type"]));
        Assert.Equal("messageStart", types[0]);
        Assert.Equal(["contentBlockStop", "messageStop", "metadata"], types[^3..]);
        Assert.All(types[1..^3], t => Assert.Equal("contentBlockDelta", t));
        Assert.Equal("assistant", (string?)frames[0].PayloadJson["role"]);
        Assert.Equal(AtlantaAnswer, string.Concat(frames.Where(f => f.Headers[":event-type"] == "contentBlockDelta").Select(f => (string?)f.PayloadJson["delta"]!["text"])));
        Assert.Equal("end_turn", (string?)frames[^2].PayloadJson["stopReason"]);
        Assert.Equal(AtlantaAnswer.Split(' ').Length, (int)frames[^1].PayloadJson["usage"]!["outputTokens"]!);
        Assert.All(frames, f => Assert.NotNull(f.PayloadJson["p"]));
    }

    [Fact]
    public async Task Converse_errors_match_bedrock()
    {
        var signer = await BedrockRoleSigner();
        await AssertError(await Converse(signer, "anthropic.claude-3-5-sonnet-20241022-v2:0", GeorgiaConverse), HttpStatusCode.BadRequest, "ValidationException",
            "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.");
        await AssertError(await Converse(signer, SonnetProfile, """{"messages":[{"role":"assistant","content":[{"text":"Hi"}]}]}"""),
            HttpStatusCode.BadRequest, "ValidationException", "A conversation must start with a user message. Try again with a conversation that starts with a user message.");
        await AssertError(await Converse(signer, SonnetProfile, """{"messages":[{"role":"user","content":[{"text":"a"}]},{"role":"user","content":[{"text":"b"}]}]}"""),
            HttpStatusCode.BadRequest, "ValidationException");
        await AssertError(await Converse(signer, SonnetProfile, """{"messages":[{"role":"user","content":[{"text":"a"}]}],"inferenceConfig":{"maxTokens":0}}"""),
            HttpStatusCode.BadRequest, "ValidationException",
            "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1");
        await AssertError(await Converse(signer, "us.anthropic.claude-3-opus-20240229-v1:0", GeorgiaConverse), HttpStatusCode.Forbidden, "AccessDeniedException");
        await Http.PostAsync("/_sandbox/faults", new StringContent("""{"bedrockThrottle":1}""", Encoding.UTF8, "application/json"));
        await AssertError(await Converse(signer, SonnetProfile, GeorgiaConverse), (HttpStatusCode)429, "ThrottlingException");
    }

    [Fact]
    public async Task Issued_api_keys_authenticate_as_bearer_and_others_are_refused()
    {
        var key = await IssueApiKey();
        Assert.StartsWith("ABSK", key);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(key[4..]));
        Assert.StartsWith("BedrockAPIKey-", decoded);
        Assert.Contains("-at-111111111111:", decoded);

        using (var ok = new HttpRequestMessage(HttpMethod.Post, $"/model/{Uri.EscapeDataString(SonnetProfile)}/converse") { Content = new StringContent(GeorgiaConverse, Encoding.UTF8, "application/json") })
        {
            ok.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            var response = await Http.SendAsync(ok);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(AtlantaAnswer, (string?)(await Json(response))["output"]!["message"]!["content"]![0]!["text"]);
        }

        using (var bad = new HttpRequestMessage(HttpMethod.Post, $"/model/{Uri.EscapeDataString(SonnetProfile)}/converse") { Content = new StringContent(GeorgiaConverse, Encoding.UTF8, "application/json") })
        {
            bad.Headers.TryAddWithoutValidation("Authorization", "Bearer ABSK" + Convert.ToBase64String(Encoding.UTF8.GetBytes("BedrockAPIKey-zzzz-at-111111111111:forged")));
            var response = await Http.SendAsync(bad);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("Authentication failed: Please make sure your API Key is valid.", (string?)(await Json(response))["Message"]);
        }

        var log = JsonNode.Parse(await Http.GetStringAsync("/_sandbox/requests?service=bedrock-runtime"))!.AsArray();
        Assert.Equal(["bearer", "bearer"], log.Select(e => (string?)e!["credential"]));
    }

    [Fact]
    public async Task Aws_cli_converses_with_sigv4_and_with_an_api_key()
    {
        var signer = await BedrockRoleSigner();
        var messages = """[{"role":"user","content":[{"text":"What is the capital of Georgia?"}]}]""";
        var (code, stdout, stderr) = await Aws(new()
        {
            ["AWS_ACCESS_KEY_ID"] = signer.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = signer.Secret, ["AWS_SESSION_TOKEN"] = signer.Token!,
        }, "bedrock-runtime", "converse", "--model-id", SonnetProfile, "--messages", messages, "--inference-config", "maxTokens=200");
        Assert.True(code == 0, stderr);
        var answer = JsonNode.Parse(stdout)!;
        Assert.Equal(AtlantaAnswer, (string?)answer["output"]!["message"]!["content"]![0]!["text"]);
        Assert.Equal("end_turn", (string?)answer["stopReason"]);

        (code, _, stderr) = await Aws(new()
        {
            ["AWS_ACCESS_KEY_ID"] = signer.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = signer.Secret, ["AWS_SESSION_TOKEN"] = signer.Token!,
        }, "bedrock-runtime", "converse", "--model-id", "anthropic.claude-3-5-sonnet-20241022-v2:0", "--messages", messages);
        Assert.NotEqual(0, code);
        Assert.Contains("(ValidationException)", stderr, StringComparison.Ordinal);

        // botocore picks bearer auth for Bedrock when AWS_BEARER_TOKEN_BEDROCK is set.
        (code, stdout, stderr) = await Aws(new() { ["AWS_BEARER_TOKEN_BEDROCK"] = await IssueApiKey() },
            "bedrock-runtime", "converse", "--model-id", SonnetProfile, "--messages", messages);
        Assert.True(code == 0, stderr);
        Assert.Equal(AtlantaAnswer, (string?)JsonNode.Parse(stdout)!["output"]!["message"]!["content"]![0]!["text"]);

        (code, _, stderr) = await Aws(new() { ["AWS_BEARER_TOKEN_BEDROCK"] = "ABSKbm90LWlzc3VlZA==" },
            "bedrock-runtime", "converse", "--model-id", SonnetProfile, "--messages", messages);
        Assert.NotEqual(0, code);
        Assert.Contains("Authentication failed: Please make sure your API Key is valid.", stderr, StringComparison.Ordinal);

        var credentials = JsonNode.Parse(await Http.GetStringAsync("/_sandbox/requests?service=bedrock-runtime"))!.AsArray().Select(e => (string?)e!["credential"]).ToList();
        Assert.Equal(["sigv4", "sigv4", "bearer", "bearer"], credentials);
    }

    private async Task<string> IssueApiKey()
    {
        var response = await Http.PostAsync("/_sandbox/bedrock/api-keys", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await Json(response))["apiKey"]!;
    }

    private async Task<(int Code, string Stdout, string Stderr)> Aws(Dictionary<string, string> credentials, params string[] args)
    {
        var workDir = Directory.CreateTempSubdirectory("keyman-converse-cli-");
        try
        {
            var start = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir.FullName };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var name in new[] { "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK" })
            {
                start.Environment.Remove(name);
            }

            foreach (var (name, value) in credentials)
            {
                start.Environment[name] = value;
            }

            start.Environment["AWS_ENDPOINT_URL"] = Base;
            start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
            start.Environment["AWS_CONFIG_FILE"] = Path.Combine(workDir.FullName, "config");
            start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(workDir.FullName, "credentials");
            start.Environment["AWS_PAGER"] = "";
            using var process = Process.Start(start)!; // a missing `aws` fails the test, never skips it
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }
}
