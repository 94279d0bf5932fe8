using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Http;
using Keyman.Tests.Support;
using Keyman.Tests.Okta;
using static Keyman.Tests.Aws.SamlFixtures;

namespace Keyman.Tests.Aws.Sts;

public class StsClientTests
{
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1";
    private const string Token = "FwoGZXIvYXdzEXAMPLESESSIONTOKENabcdefghijklmnop";

    private static readonly AwsRole Dev = new("arn:aws:iam::123456789012:role/Dev", Provider1);

    private static readonly SamlAssertion Assertion = SamlAssertion.Parse(Base64(Prefixed($"{Provider1},{Dev.RoleArn}")));

    private static string Success(string expiration = "2025-08-22T15:35:24Z") => $"""
        <AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
         <AssumeRoleWithSAMLResult>
          <Audience>https://signin.aws.amazon.com/saml</Audience>
          <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:jane@example.com</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Dev/jane@example.com</Arn></AssumedRoleUser>
          <Credentials><AccessKeyId>ASIAEXAMPLE123456789</AccessKeyId><SecretAccessKey>{SecretKey}</SecretAccessKey><SessionToken>{Token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>
          <Subject>jane@example.com</Subject><SubjectType>unspecified</SubjectType><Issuer>http://www.okta.com/exk1</Issuer><NameQualifier>ntHNa4L+06nVQFiE3ekTsihyVQY=</NameQualifier>
         </AssumeRoleWithSAMLResult>
         <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
        </AssumeRoleWithSAMLResponse>
        """;

    private static string Error(string code, string message, string type = "Sender") =>
        $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>{type}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>""";

    private static (StsClient Sts, RecordingLog Log) Create(StubHandler handler, params (string, string)[] env)
    {
        var log = new RecordingLog();
        var environment = new DictionaryEnvironment(env.ToDictionary(e => e.Item1, e => e.Item2), "/home/t");
        return (new StsClient(environment, log, new InstantTimeProvider(), new HttpPipeline(transport: handler)) { MaxErrorRetry = 1 }, log);
    }

    private static void AssertNoSecrets(RecordingLog log, Exception? ex = null)
    {
        var text = log.All + ex?.Message + (ex as KeymanException)?.Hint;
        Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Assertion.Base64[..32], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_returns_credentials_and_sends_an_unsigned_form_request()
    {
        var handler = new StubHandler(HttpStatusCode.OK, Success());
        var (sts, log) = Create(handler);

        var creds = await sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "eu-west-1", CancellationToken.None);

        Assert.Equal("ASIAEXAMPLE123456789", creds.AccessKeyId);
        Assert.Equal(SecretKey, creds.SecretAccessKey);
        Assert.Equal(Token, creds.SessionToken);
        Assert.Equal(new DateTimeOffset(2025, 8, 22, 15, 35, 24, TimeSpan.Zero), creds.Expiration);
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/Dev/jane@example.com", creds.AssumedRoleArn);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("sts.eu-west-1.amazonaws.com", request.Uri.Host);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        var form = ParseForm(request.Body);
        Assert.Equal("AssumeRoleWithSAML", form["Action"]);
        Assert.Equal(Dev.RoleArn, form["RoleArn"]);
        Assert.Equal(Provider1, form["PrincipalArn"]);
        Assert.Equal(Assertion.Base64, form["SAMLAssertion"]);
        Assert.Equal("3600", form["DurationSeconds"]);

        Assert.Contains(("INFO", $"Assuming role: {Dev.RoleArn}"), log.Lines);
        AssertNoSecrets(log);
        Assert.DoesNotContain(SecretKey, creds.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, creds.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_comes_from_the_environment()
    {
        var handler = new StubHandler(HttpStatusCode.OK, Success());
        var (sts, _) = Create(handler, ("AWS_ENDPOINT_URL_STS", "http://localhost:4566"), ("AWS_ENDPOINT_URL", "http://other:1"));

        await sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "us-east-1", CancellationToken.None);

        Assert.Equal("localhost:4566", Assert.Single(handler.Requests).Uri.Authority);
    }

    [Fact]
    public async Task Generic_endpoint_applies_when_no_sts_one()
    {
        var handler = new StubHandler(HttpStatusCode.OK, Success());
        var (sts, _) = Create(handler, ("AWS_ENDPOINT_URL", "http://other:1234"));

        await sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "us-east-1", CancellationToken.None);

        Assert.Equal("other:1234", Assert.Single(handler.Requests).Uri.Authority);
    }

    [Fact]
    public async Task Refused_duration_retries_once_with_3600()
    {
        var handler = new StubHandler(
            (HttpStatusCode.BadRequest, Error("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")),
            (HttpStatusCode.OK, Success()));
        var (sts, log) = Create(handler);

        var creds = await sts.AssumeRoleWithSamlAsync(Dev, Assertion, 43200, "us-east-1", CancellationToken.None);

        Assert.Equal("ASIAEXAMPLE123456789", creds.AccessKeyId);
        Assert.Equal(["43200", "3600"], handler.Requests.Select(r => ParseForm(r.Body)["DurationSeconds"]));
        Assert.Contains(("WARNING", "Error assuming session with duration 43200. Retrying with 3600."), log.Lines);
        AssertNoSecrets(log);
    }

    [Fact]
    public async Task Refused_duration_retries_with_the_same_assertion()
    {
        // STS takes one assertion for several calls (as gimme-aws-creds's own fallback relies on): no second trip to Okta.
        var handler = new StubHandler(
            (HttpStatusCode.BadRequest, Error("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")),
            (HttpStatusCode.OK, Success()));
        var (sts, _) = Create(handler);

        await sts.AssumeRoleWithSamlAsync(Dev, Assertion, 43200, "us-east-1", CancellationToken.None);

        Assert.Equal([Assertion.Base64, Assertion.Base64], handler.Requests.Select(r => ParseForm(r.Body)["SAMLAssertion"]));
    }

    [Fact]
    public async Task Refused_3600_is_not_retried()
    {
        var handler = new StubHandler(HttpStatusCode.BadRequest,
            Error("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
        var (sts, _) = Create(handler);

        var ex = await Assert.ThrowsAsync<KeymanException>(() => sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "us-east-1", CancellationToken.None));

        Assert.Equal(ExitCodes.StsRefused, ex.ExitCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Other_errors_are_not_retried_with_3600()
    {
        var handler = new StubHandler(HttpStatusCode.Forbidden, Error("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"));
        var (sts, log) = Create(handler);

        var ex = await Assert.ThrowsAsync<KeymanException>(() => sts.AssumeRoleWithSamlAsync(Dev, Assertion, 7200, "us-east-1", CancellationToken.None));

        Assert.Equal(ExitCodes.StsRefused, ex.ExitCode);
        Assert.StartsWith($"AWS refused role {Dev.RoleArn} for this SAML assertion", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DevOps", ex.Hint, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
        Assert.DoesNotContain(log.Lines, l => l.Level == "WARNING");
        AssertNoSecrets(log, ex);
    }

    [Theory]
    [InlineData("ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", "expired before STS redeemed it", "clock")]
    [InlineData("InvalidIdentityToken", "Invalid SAML response", "rejected the SAML assertion", "metadata")]
    [InlineData("IDPRejectedClaim", "Missing RoleSessionName", "rejected a claim", "RoleSessionName")]
    [InlineData("RegionDisabledException", "STS is not activated in this region", "not activated in region eu-west-1", "--region")]
    [InlineData("MalformedPolicyDocument", "bad policy", "(MalformedPolicyDocument)", "--debug")]
    public async Task Errors_map_to_sts_refused_with_a_fix(string code, string message, string expectedMessage, string expectedHint)
    {
        var status = code is "RegionDisabledException" or "IDPRejectedClaim" ? HttpStatusCode.Forbidden : HttpStatusCode.BadRequest;
        var handler = new StubHandler(status, Error(code, message));
        var (sts, log) = Create(handler);

        var ex = await Assert.ThrowsAsync<KeymanException>(() => sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "eu-west-1", CancellationToken.None));

        Assert.Equal(ExitCodes.StsRefused, ex.ExitCode);
        Assert.Contains(expectedMessage, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expectedHint, ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Single(handler.Requests);
        AssertNoSecrets(log, ex);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times()
    {
        var handler = new StubHandler(HttpStatusCode.ServiceUnavailable, Error("ServiceUnavailable", "try later", "Receiver"));
        var (sts, _) = Create(handler);

        var ex = await Assert.ThrowsAsync<KeymanException>(() => sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "us-east-1", CancellationToken.None));

        Assert.Equal(ExitCodes.Network, ex.ExitCode);
        Assert.Equal(2, handler.Requests.Count); // MaxErrorRetry = 1
    }

    [Fact]
    public async Task Network_failure_is_a_network_error_naming_the_endpoint()
    {
        var handler = new StubHandler(_ => throw new HttpRequestException("Connection refused"));
        var (sts, log) = Create(handler);

        var ex = await Assert.ThrowsAsync<KeymanException>(() => sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "eu-central-1", CancellationToken.None));

        Assert.Equal(ExitCodes.Network, ex.ExitCode);
        Assert.Equal("Cannot reach AWS STS at https://sts.eu-central-1.amazonaws.com/", ex.Message);
        AssertNoSecrets(log, ex);
    }

    [Fact]
    public async Task An_answer_that_never_finishes_fails_at_the_deadline()
    {
        var handler = new StallingHandler();
        var environment = new DictionaryEnvironment(new Dictionary<string, string>(), "/home/t");
        var sts = new StsClient(environment, new RecordingLog(), new InstantTimeProvider(), new HttpPipeline(transport: handler))
        {
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromMilliseconds(300),
        };

        var call = sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "eu-central-1", CancellationToken.None);
        Assert.Same(call, await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(20))));
        var ex = await Assert.ThrowsAsync<KeymanException>(() => call);

        Assert.Equal(ExitCodes.Network, ex.ExitCode);
        Assert.Equal("Cannot reach AWS STS at https://sts.eu-central-1.amazonaws.com/ (no answer within 0.3 s)", ex.Message);
    }

    /// <summary>Sends the status line and the first bytes of the body, then nothing more.</summary>
    private sealed class StallingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var pipe = new System.IO.Pipelines.Pipe();
            pipe.Writer.WriteAsync("<AssumeRoleWithSAMLResponse>"u8.ToArray(), cancellationToken).AsTask().Wait(cancellationToken);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) });
        }
    }

    [Fact]
    public async Task Cancellation_propagates()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var (sts, _) = Create(new StubHandler(HttpStatusCode.OK, Success()));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sts.AssumeRoleWithSamlAsync(Dev, Assertion, 3600, "us-east-1", cts.Token));
    }

    [Fact]
    public async Task Short_saml_session_duration_is_mentioned_in_debug()
    {
        var (sts, log) = Create(new StubHandler(HttpStatusCode.OK, Success()));

        await sts.AssumeRoleWithSamlAsync(Dev, Assertion, 7200, "us-east-1", CancellationToken.None);

        Assert.Contains(log.Lines, l => l.Level == "DEBUG" && l.Message.Contains("SessionDuration is 3600", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> ParseForm(string body) =>
        body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));

    internal sealed record Recorded(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string Body);

    /// <summary>Answers in order (the last answer repeats) and records each request.</summary>
    internal sealed class StubHandler : HttpMessageHandler
    {
        private readonly Func<int, (HttpStatusCode, string)> _respond;

        public StubHandler(HttpStatusCode status, string body) => _respond = _ => (status, body);

        public StubHandler(params (HttpStatusCode, string)[] responses) => _respond = i => responses[Math.Min(i, responses.Length - 1)];

        public StubHandler(Func<int, (HttpStatusCode, string)> respond) => _respond = respond;

        public List<Recorded> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            Requests.Add(new Recorded(request.Method, request.RequestUri!, headers, body));
            var (status, content) = _respond(Requests.Count - 1);
            return new HttpResponseMessage(status) { Content = new StringContent(content, Encoding.UTF8, "text/xml") };
        }
    }
}
