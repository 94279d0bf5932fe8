using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

/// <summary>Sandbox credentials for the roles the Bedrock tests need, a SigV4 signer for "bedrock", and an event-stream reader.</summary>
public abstract class BedrockTestBase : SandboxTestBase
{
    protected const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";
    protected const string DeveloperRole = "arn:aws:iam::111111111111:role/Developer";
    protected const string ReadOnlyRole = "arn:aws:iam::111111111111:role/ReadOnly";
    protected const string Provider = "arn:aws:iam::111111111111:saml-provider/Okta";
    protected const string AtlantaAnswer =
        "The capital of Georgia is Atlanta. It is the most populous city in Georgia and serves as the state's economic and cultural center.";

    protected static string GeorgiaBody(int maxTokens = 200) =>
        $$"""{"anthropic_version":"bedrock-2023-05-31","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"What is the capital of Georgia?"}]}""";

    /// <summary>nomfa → AWS Dev app → Developer (SAML) → my-bedrock-role (AssumeRole), like the how-to's chain.</summary>
    protected async Task<BedrockSigner> BedrockRoleSigner(string region = "us-east-1")
    {
        var developer = await SamlSigner("0oa1dev2AbCdEfGh/272", DeveloperRole);
        var (status, xml) = await Sts(new() { ["Action"] = "AssumeRole", ["RoleArn"] = BedrockRole, ["RoleSessionName"] = "bedrock" },
            new StsSigner(developer.AccessKeyId, developer.Secret, developer.Token, Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, status);
        return new BedrockSigner(StsValue(xml, "AccessKeyId")!, StsValue(xml, "SecretAccessKey")!, StsValue(xml, "SessionToken")!, Clock, region);
    }

    protected async Task<BedrockSigner> SamlSigner(string appId, string roleArn, string region = "us-east-1")
    {
        var saml = await SamlFor(await SessionFor(), appId);
        var (akid, secret, token) = await AssumeWithSaml(roleArn, Provider, saml);
        return new BedrockSigner(akid, secret, token, Clock, region);
    }

    protected async Task<HttpResponseMessage> Send(BedrockSigner? signer, HttpMethod method, string pathAndQuery, string? body = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            request.Content.Headers.ContentType!.CharSet = null;
        }

        signer?.Sign(request, new Uri(Base).Authority, body ?? "");
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    protected Task<HttpResponseMessage> Invoke(BedrockSigner signer, string modelId, string body, bool stream = false) =>
        Send(signer, HttpMethod.Post, $"/model/{Uri.EscapeDataString(modelId)}/{(stream ? "invoke-with-response-stream" : "invoke")}", body);

    protected static async Task<JsonNode> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>Asserts a rest-json error: status, the code before ':' in x-amzn-ErrorType, and the message.</summary>
    protected static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string type, string? message = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(type, response.Headers.GetValues("x-amzn-ErrorType").Single().Split(':')[0]);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        var body = await Json(response);
        if (message is not null)
        {
            Assert.Equal(message, (string?)body["message"]);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty((string?)body["message"]));
        }
    }

    public sealed record Frame(Dictionary<string, string> Headers, byte[] Payload)
    {
        public JsonNode PayloadJson => JsonNode.Parse(Payload)!;

        /// <summary>The decoded model chunk inside {"bytes": base64, "p": padding}.</summary>
        public JsonNode Chunk => JsonNode.Parse(Convert.FromBase64String((string)PayloadJson["bytes"]!))!;
    }

    /// <summary>Reads event-stream messages, checking both lengths and both CRCs with a bitwise CRC-32 (independent of the sandbox's table).</summary>
    protected static async Task<List<Frame>> ReadFrames(Stream stream)
    {
        var frames = new List<Frame>();
        var prelude = new byte[12];
        while (await ReadExactly(stream, prelude))
        {
            var total = (int)BinaryPrimitives.ReadUInt32BigEndian(prelude);
            var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(prelude.AsSpan(4));
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(prelude.AsSpan(8)), Crc32(prelude.AsSpan(0, 8)));
            var message = new byte[total];
            prelude.CopyTo(message, 0);
            Assert.True(await ReadExactly(stream, message.AsMemory(12)), "truncated message");
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(total - 4)), Crc32(message.AsSpan(0, total - 4)));
            var headers = new Dictionary<string, string>();
            var at = 12;
            while (at < 12 + headersLength)
            {
                var name = Encoding.UTF8.GetString(message, at + 1, message[at]);
                at += 1 + message[at];
                Assert.Equal(7, message[at]); // string
                var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(at + 1));
                headers[name] = Encoding.UTF8.GetString(message, at + 3, length);
                at += 3 + length;
            }

            Assert.Equal(12 + headersLength, at);
            frames.Add(new Frame(headers, message[at..(total - 4)]));
        }

        return frames;
    }

    private static async Task<bool> ReadExactly(Stream stream, Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..]);
            if (n == 0)
            {
                Assert.True(read == 0, "stream ended inside a message");
                return false;
            }

            read += n;
        }

        return true;
    }

    private static uint Crc32(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);
}

/// <summary>
/// A test-side SigV4 signer for any method/path (service "bedrock" unless told otherwise), written apart from the
/// sandbox's verifier: the canonical URI encodes the already-encoded path once more, as botocore does.
/// </summary>
public sealed class BedrockSigner(string accessKeyId, string secret, string? token, TimeProvider clock, string region = "us-east-1", string service = "bedrock")
{
    public string AccessKeyId => accessKeyId;

    public string Secret => secret;

    public string? Token => token;

    public BedrockSigner With(string? accessKeyId = null, string? secret = null, string? region = null, string? service = null) =>
        new(accessKeyId ?? AccessKeyId, secret ?? Secret, token, clock, region ?? regionValue, service ?? serviceValue);

    private readonly string regionValue = region;
    private readonly string serviceValue = service;

    public void Sign(HttpRequestMessage request, string host, string body)
    {
        var amzDate = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = host, ["x-amz-date"] = amzDate };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers["content-type"] = contentType.ToString();
        }

        if (token is not null)
        {
            headers["x-amz-security-token"] = token;
        }

        var uri = request.RequestUri!.OriginalString;
        var queryAt = uri.IndexOf('?', StringComparison.Ordinal);
        var path = queryAt < 0 ? uri : uri[..queryAt];
        var query = queryAt < 0 ? "" : string.Join('&', uri[(queryAt + 1)..].Split('&').Order(StringComparer.Ordinal));
        var canonicalPath = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"{request.Method.Method}\n{canonicalPath}\n{query}\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"))}\n{signedHeaders}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        var scope = $"{date}/{regionValue}/{serviceValue}/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + Secret);
        foreach (var part in new[] { date, regionValue, serviceValue, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)))}");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
