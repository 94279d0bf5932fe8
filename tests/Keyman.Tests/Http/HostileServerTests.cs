using System.Diagnostics;
using System.Text;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Bedrock;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.EndToEnd.Hardening;
using Keyman.Tests.Support;
using static Keyman.Tests.Aws.SamlFixtures;

namespace Keyman.Tests.Http;

/// <summary>
/// Each wait that once never ended (issue 12, item 2) and each answer too large or too deep (item 4), against a real
/// socket on 127.0.0.1 that stalls, trickles or floods, through the production pipeline (no test transport).
/// </summary>
public sealed class HostileServerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(1);
    private static readonly AwsRole Dev = new("arn:aws:iam::123456789012:role/Dev", Provider1);

    private static DictionaryEnvironment Env(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value), "/home/t");

    private static async Task<(T Failure, TimeSpan Elapsed)> FailsWithin<T>(Func<Task> call, TimeSpan limit)
        where T : Exception
    {
        var clock = Stopwatch.StartNew();
        var task = call();
        Assert.Same(task, await Task.WhenAny(task, Task.Delay(limit + TimeSpan.FromSeconds(20))));
        var failure = await Assert.ThrowsAsync<T>(() => task);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, limit);
        return (failure, clock.Elapsed);
    }

    private static Task Trickle(HostileRequest request, Stream stream, CancellationToken token) => TrickleBody(stream, "text/html", token);

    private static async Task TrickleBody(Stream stream, string contentType, CancellationToken token)
    {
        var body = Encoding.UTF8.GetBytes("<html>" + new string(' ', 10_000) + "</html>");
        await HostileServer.WriteHeadAsync(stream, 200, contentType, body.Length, token);
        await HostileServer.TrickleAsync(stream, body, TimeSpan.FromMilliseconds(100), token);
    }

    private static Task<AwsCredentials> AssumeRole(StsClient sts) =>
        sts.AssumeRoleWithSamlAsync(Dev, SamlAssertion.Parse(Base64(Prefixed($"{Provider1},{Dev.RoleArn}"))), 3600, "eu-central-1", CancellationToken.None);

    private static HostileServer Answering(string contentType, string body) => new(async (_, stream, token) =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await HostileServer.WriteHeadAsync(stream, 200, contentType, bytes.Length, token);
        await HostileServer.WriteAsync(stream, bytes, token);
    });

    private static OktaClient Okta(HostileServer server, TimeSpan? timeout = null) =>
        new(new Uri(server.Url), new HttpPipeline(), new RecordingLog(), TimeProvider.System,
            new OktaClientOptions { ProductVersion = "1.2.3", RequestTimeout = timeout ?? Deadline });

    [Fact]
    public async Task The_app_page_trickling_ends_at_one_deadline_not_one_per_attempt()
    {
        // Was 93 s: three GETs of 30 s each, with backoff between them.
        await using var server = new HostileServer(Trickle);
        using var pipeline = new HttpPipeline();
        var okta = Okta(server);

        var (e, _) = await FailsWithin<KeymanException>(() => okta.GetAppPageAsync("0oa1dev2AbCdEfGh/272", null, CancellationToken.None), TimeSpan.FromSeconds(2.5));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("no answer within 1 s", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Okta_deadline_is_overridden_by_KEYMAN_OKTA_TIMEOUT()
    {
        await using var server = new HostileServer(Trickle);
        using var pipeline = new HttpPipeline(Env((HttpTimeouts.Okta, "0.5")));
        var okta = new OktaClient(new Uri(server.Url), pipeline, new RecordingLog(), TimeProvider.System, new OktaClientOptions { ProductVersion = "1.2.3" });

        var (e, _) = await FailsWithin<KeymanException>(() => okta.GetAppPageAsync("0oa1dev2AbCdEfGh/272", null, CancellationToken.None), TimeSpan.FromSeconds(2));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("no answer within 0.5 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sts_without_headers_ends_at_its_deadline()
    {
        // Was 90 s.
        await using var server = new HostileServer((_, _, token) => HostileServer.StallAsync(token));
        var sts = new StsClient(Env(("AWS_ENDPOINT_URL_STS", server.Url)), new RecordingLog(), TimeProvider.System) { Timeout = Deadline };

        var (e, _) = await FailsWithin<KeymanException>(() => AssumeRole(sts), TimeSpan.FromSeconds(2.5));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("no answer within 1 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sts_trickling_its_body_ends_at_the_deadline_set_by_KEYMAN_STS_TIMEOUT()
    {
        await using var server = new HostileServer((_, stream, token) => TrickleBody(stream, "text/xml", token));
        var environment = Env(("AWS_ENDPOINT_URL_STS", server.Url), (HttpTimeouts.Sts, "1"));
        var sts = new StsClient(environment, new RecordingLog(), TimeProvider.System, new HttpPipeline(environment));

        var (e, _) = await FailsWithin<KeymanException>(() => AssumeRole(sts), TimeSpan.FromSeconds(2.5));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("no answer within 1 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bedrock_InvokeModel_silent_for_the_idle_time_ends_then_not_after_five_minutes()
    {
        // Was 300 s.
        await using var server = new HostileServer((_, _, token) => HostileServer.StallAsync(token));
        var environment = Env(("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.Url), (HttpTimeouts.Bedrock, "1"));
        using var bedrock = new BedrockClient(AwsRequestSignerTests.Session, "us-east-1", environment, new RecordingLog());

        var (e, _) = await FailsWithin<KeymanException>(() => bedrock.InvokeModelAsync("anthropic.claude-x", AnthropicRequest.FromPrompt("q")), TimeSpan.FromSeconds(2.5));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public void Deadlines_default_to_Okta_30_s_STS_30_s_Bedrock_60_s_without_a_byte()
    {
        var environment = Env();
        Assert.Equal(TimeSpan.FromSeconds(30), new OktaClientOptions().RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), new StsClient(environment, new RecordingLog()).Policy.AttemptTimeout);
        using var bedrock = new BedrockClient(AwsRequestSignerTests.Session, "us-east-1", environment, new RecordingLog());
        Assert.Equal(TimeSpan.FromSeconds(60), bedrock.Policy.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), bedrock.StreamIdleTimeout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("3601")]
    [InlineData("NaN")]
    public void A_deadline_variable_that_is_not_seconds_is_a_config_error(string value)
    {
        var e = Assert.Throws<KeymanException>(() => HttpTimeouts.Read(Env((HttpTimeouts.Sts, value)), HttpTimeouts.Sts));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains(HttpTimeouts.Sts, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100L * 1024 * 1024, true)]
    [InlineData(3L * 1024 * 1024 * 1024, true)]
    [InlineData(100L * 1024 * 1024, false)]
    [InlineData(3L * 1024 * 1024 * 1024, false)]
    public async Task Huge_answers_are_refused_early_with_small_memory(long size, bool declared)
    {
        await using var server = new HostileServer((_, stream, token) => Flood(stream, size, declared, token));
        var environment = Env(("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", server.Url));
        using var bedrock = new BedrockClient(AwsRequestSignerTests.Session, "us-east-1", environment, new RecordingLog());
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var (e, _) = await FailsWithin<BedrockException>(() => bedrock.InvokeModelAsync("anthropic.claude-x", AnthropicRequest.FromPrompt("q")), TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.BedrockServiceError, e.ExitCode);
        Assert.Contains("larger than 16 MiB", e.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - before, 0, 200L * 1024 * 1024);
    }

    [Fact]
    public async Task A_huge_Okta_answer_is_refused_with_the_Okta_code()
    {
        await using var server = new HostileServer((_, stream, token) => Flood(stream, 100L * 1024 * 1024, declared: false, token));
        var okta = Okta(server, TimeSpan.FromSeconds(10));

        var (e, _) = await FailsWithin<KeymanException>(() => okta.GetAppPageAsync("0oa1dev2AbCdEfGh/272", null, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("larger than 2048 KiB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_page_of_200000_nested_divs_is_refused_at_once()
    {
        // Was 521 s of CPU: AngleSharp's time grows with the square of the depth. Under the 2 MiB cap, so the depth decides.
        var page = "<html><body>" + string.Concat(Enumerable.Repeat("<div>", 200_000)) + "</body></html>";
        await using var server = new HostileServer(async (_, stream, token) =>
        {
            var body = Encoding.UTF8.GetBytes(page);
            await HostileServer.WriteHeadAsync(stream, 200, "text/html", body.Length, token);
            await HostileServer.WriteAsync(stream, body, token);
        });
        var okta = Okta(server, TimeSpan.FromSeconds(10));

        var (e, _) = await FailsWithin<KeymanException>(() => okta.GetAppPageAsync("0oa1dev2AbCdEfGh/272", null, CancellationToken.None), TimeSpan.FromSeconds(5));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("nests deeper than 256 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sts_XML_nested_to_its_size_cap_is_refused_in_one_short_line()
    {
        var xml = "<AssumeRoleWithSAMLResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">" + string.Concat(Enumerable.Repeat("<a>", 80_000));
        await using var server = Answering("text/xml", xml);
        var sts = new StsClient(Env(("AWS_ENDPOINT_URL_STS", server.Url)), new RecordingLog(), TimeProvider.System) { MaxErrorRetry = 0 };

        var (e, _) = await FailsWithin<KeymanException>(() => AssumeRole(sts), TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.StsRefused, e.ExitCode);
        Assert.StartsWith("AWS STS at ", e.Message, StringComparison.Ordinal);
        Assert.Contains("answered XML Keyman cannot read (line 1, position", e.Message, StringComparison.Ordinal);
        Assert.InRange(e.Message.Length, 0, 300);
    }

    [Fact]
    public async Task Okta_JSON_nested_100000_levels_is_an_Okta_error()
    {
        await using var server = Answering("application/json", new string('[', 100_000) + new string(']', 100_000));
        var okta = Okta(server, TimeSpan.FromSeconds(10));

        var (e, _) = await FailsWithin<KeymanException>(() => okta.CreateSessionAsync("token", null, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
    }

    [Fact]
    public async Task Bedrock_JSON_nested_100000_levels_is_a_Bedrock_service_error()
    {
        await using var server = Answering("application/json", "{\"modelSummaries\":" + new string('[', 100_000) + new string(']', 100_000) + "}");
        using var bedrock = new BedrockClient(AwsRequestSignerTests.Session, "us-east-1", Env(("AWS_ENDPOINT_URL_BEDROCK", server.Url)), new RecordingLog());

        var (e, _) = await FailsWithin<BedrockException>(() => bedrock.ListFoundationModelsAsync(), TimeSpan.FromSeconds(10));

        Assert.Equal(ExitCodes.BedrockServiceError, e.ExitCode);
    }

    private static async Task Flood(Stream stream, long size, bool declared, CancellationToken token)
    {
        await HostileServer.WriteHeadAsync(stream, 200, "application/json", declared ? size : null, token);
        var zeros = new byte[64 * 1024];
        for (long sent = 0; sent < size; sent += zeros.Length)
        {
            if (declared)
            {
                await stream.WriteAsync(zeros, token);
            }
            else
            {
                await HostileServer.WriteChunkAsync(stream, zeros, token);
            }
        }
    }
}
