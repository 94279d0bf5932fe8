using System.Text;
using Keyman.Sandbox.Sts;
using Microsoft.Extensions.Time.Testing;

namespace Keyman.Tests.Sandbox.Sts;

/// <summary>The public AWS SigV4 test-suite vectors (as published in botocore's aws4_testsuite).</summary>
public sealed class SigV4VerifierTests
{
    private const string AccessKeyId = "AKIDEXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
    private const string SuiteToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static SigV4Verifier Verifier(string? token = null, DateTimeOffset? now = null, string secret = Secret) =>
        new(akid => akid == AccessKeyId ? new SigningKey(AccessKeyId, secret, token, null) : null, new FakeTimeProvider(now ?? SuiteTime));

    private static SigV4Request Request(string method, string signedHeaders, string signature, string body = "", string path = "/", string query = "",
        params (string Name, string Value)[] extra)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = "example.amazonaws.com",
            ["X-Amz-Date"] = "20150830T123600Z",
            ["Authorization"] = $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signedHeaders}, Signature={signature}",
        };
        foreach (var (name, value) in extra)
        {
            headers[name] = value;
        }

        return new SigV4Request(method, path, query, headers, Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public void Get_vanilla()
    {
        var request = Request("GET", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        var result = Verifier().Verify(request, "service");
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            result.CanonicalRequest);
    }

    [Fact]
    public void Post_x_www_form_urlencoded()
    {
        var request = Request("POST", "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            "Param1=value1", extra: ("Content-Type", "application/x-www-form-urlencoded"));
        Assert.True(Verifier().Verify(request, "service").IsValid);
    }

    [Fact]
    public void Get_vanilla_with_session_token()
    {
        var request = Request("GET", "host;x-amz-date;x-amz-security-token", "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
            extra: ("X-Amz-Security-Token", SuiteToken));
        Assert.True(Verifier(SuiteToken).Verify(request, "service").IsValid);
        Assert.Equal(SigV4Failure.InvalidClientTokenId, Verifier("other-token").Verify(request, "service").Failure);
    }

    [Fact]
    public void Tampering_wrong_secret_wrong_service_and_skew_are_rejected()
    {
        var good = Request("POST", "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            "Param1=value1", extra: ("Content-Type", "application/x-www-form-urlencoded"));
        Assert.Equal(SigV4Failure.SignatureDoesNotMatch, Verifier().Verify(good with { Body = Encoding.UTF8.GetBytes("Param1=value2") }, "service").Failure);
        Assert.Equal(SigV4Failure.SignatureDoesNotMatch, Verifier(secret: "x" + Secret[1..]).Verify(good, "service").Failure);
        Assert.Equal(SigV4Failure.SignatureDoesNotMatch, Verifier().Verify(good, "sts").Failure);
        var late = Verifier(now: SuiteTime.AddMinutes(6)).Verify(good, "service");
        Assert.Equal(SigV4Failure.SignatureDoesNotMatch, late.Failure);
        Assert.Equal("Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T124200Z - 5 min.)", late.Message);
        Assert.True(Verifier(now: SuiteTime.AddMinutes(4)).Verify(good, "service").IsValid);
    }

    [Fact]
    public void Non_s3_paths_are_encoded_twice()
    {
        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20241022-v2%253A0/invoke",
            SigV4Verifier.CanonicalUri("/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke"));
        Assert.Equal("/", SigV4Verifier.CanonicalUri("/example/.."));
        Assert.Equal("Param1=value1&Param2=value%20two", SigV4Verifier.CanonicalQuery("Param2=value%20two&Param1=value1"));
    }
}
