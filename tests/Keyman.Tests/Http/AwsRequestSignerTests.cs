using System.Text;
using Keyman.Core.Aws;
using Keyman.Core.Http;
using Keyman.Sandbox.Sts;
using Microsoft.Extensions.Time.Testing;

namespace Keyman.Tests.Http;

public class AwsRequestSignerTests
{
    internal const string KeyId = "ASIAEXAMPLEKEY123456";
    internal const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1";
    internal const string Token = "FwoGZXIvYXdzEXAMPLESESSIONTOKENabcdefghijklmnop";

    internal static readonly AwsSigningCredentials Session =
        new(KeyId, Secret, Token, null, AwsCredentialOrigin.AssumedRole, "bedrock", null, "arn:aws:iam::111111111111:role/my-bedrock-role");

    private static readonly DateTimeOffset At = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    internal static SigV4Request Capture(HttpRequestMessage request, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(',', values);
        }

        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(',', values);
            }
        }

        headers["Host"] = request.RequestUri!.Authority;
        var pathAndQuery = request.RequestUri.PathAndQuery;
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return new SigV4Request(request.Method.Method, q < 0 ? pathAndQuery : pathAndQuery[..q], q < 0 ? "" : pathAndQuery[(q + 1)..], headers, body);
    }

    internal static SigV4Result Verify(SigV4Request request, DateTimeOffset now, string? token = Token) =>
        new SigV4Verifier(id => id == KeyId ? new SigningKey(KeyId, Secret, token, null) : null, new FakeTimeProvider(now)).Verify(request, "bedrock");

    [Fact]
    public async Task Invoke_path_is_sent_single_encoded_and_signed_double_encoded_with_the_session_token()
    {
        var body = Encoding.UTF8.GetBytes("""{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[]}""");
        var uri = new Uri("https://bedrock-runtime.us-east-1.amazonaws.com/model/" + Uri.EscapeDataString("anthropic.claude-3-5-sonnet-20241022-v2:0") + "/invoke");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Accept", "application/json");

        await new AwsRequestSigner(Session, "us-east-1", "bedrock", new FakeTimeProvider(At)).SignAsync(request, body, CancellationToken.None);

        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke", request.RequestUri!.PathAndQuery);
        var captured = Capture(request, body);
        Assert.Equal(Token, captured.Headers["X-Amz-Security-Token"]);
        Assert.Equal("20260115T100000Z", captured.Headers["X-Amz-Date"]);
        var authorization = captured.Headers["Authorization"];
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={KeyId}/20260115/us-east-1/bedrock/aws4_request, SignedHeaders=", authorization, StringComparison.Ordinal);
        Assert.Contains("content-type", authorization, StringComparison.Ordinal);
        Assert.Contains("x-amz-security-token", authorization, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, authorization, StringComparison.Ordinal);

        var result = Verify(captured, At);
        Assert.True(result.IsValid, result.Message);
        Assert.Contains("/model/anthropic.claude-3-5-sonnet-20241022-v2%253A0/invoke\n", result.CanonicalRequest, StringComparison.Ordinal);

        // A different path or token must fail: the check can fail.
        Assert.False(Verify(captured with { RawPath = "/model/anthropic.claude-3-5-sonnet-20241022-v2:0/invoke" }, At).IsValid);
        Assert.False(Verify(captured, At, token: "other").IsValid);
    }

    [Fact]
    public async Task Get_with_query_is_signed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://bedrock.eu-west-1.amazonaws.com/foundation-models?byProvider=Anthropic");
        await new AwsRequestSigner(Session with { SessionToken = null }, "eu-west-1", "bedrock", new FakeTimeProvider(At)).SignAsync(request, null, CancellationToken.None);
        var captured = Capture(request, []);
        Assert.False(captured.Headers.ContainsKey("X-Amz-Security-Token"));
        Assert.Contains("/eu-west-1/bedrock/aws4_request", captured.Headers["Authorization"], StringComparison.Ordinal);
        var result = Verify(captured, At, token: null);
        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task Matches_the_aws_test_suite_get_vanilla_signature()
    {
        // AWS SigV4 test suite "get-vanilla": AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service".
        var parameters = new Amazon.Runtime.Signing.AWSSigV4Parameters
        {
            Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            Region = Amazon.RegionEndpoint.USEast1,
            Service = "service",
            SignedAt = new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc),
        };
        var signing = new Amazon.Runtime.Signing.AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = new Uri("https://example.amazonaws.com/") };
        var result = await Amazon.Runtime.Signing.AWSSigV4Signer.SignAsync(signing, parameters, CancellationToken.None);
        var authorization = result.Headers.First(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Contains("Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", authorization, StringComparison.Ordinal);

        // The SDK also signs x-amz-content-sha256, so its signature differs from the suite's; check it with the sandbox's
        // independent verifier, itself pinned to the suite's value below.
        var headers = new Dictionary<string, string>(result.Headers, StringComparer.OrdinalIgnoreCase) { ["Host"] = "example.amazonaws.com" };
        var verifier = new SigV4Verifier(id => new SigningKey(id, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null, null),
            new FakeTimeProvider(new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero)));
        var verified = verifier.Verify(new SigV4Request("GET", "/", "", headers, []), "service");
        Assert.True(verified.IsValid, verified.Message);
        var expected = SigV4Verifier.Signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", "20150830/us-east-1/service/aws4_request",
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", expected);
    }
}
