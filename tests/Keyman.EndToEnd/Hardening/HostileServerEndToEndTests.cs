using System.Diagnostics;
using System.Text;
using Keyman.EndToEnd.Bedrock;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Bedrock;

namespace Keyman.EndToEnd.Hardening;

/// <summary>
/// The published binary against a server that stalls, trickles or floods (issue 12, items 2 and 4): each run ends
/// within its deadline (shortened through the documented variables), with one line and the documented exit code.
/// </summary>
public sealed class HostileServerEndToEndTests
{
    private const string Jane = "jane@example.com";

    private static void AssertOneLineFailure(RunResult run, int exitCode, string words)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        var error = Assert.Single(run.StdErr.Split('\n'), l => l.Contains("(ERROR)", StringComparison.Ordinal));
        Assert.Contains(words, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", run.StdErr);
    }

    private static async Task<(RunResult Run, TimeSpan Elapsed)> Timed(Func<Task<RunResult>> run)
    {
        var clock = Stopwatch.StartNew();
        var result = await run();
        return (result, clock.Elapsed);
    }

    [Fact]
    public async Task Login_after_MFA_ends_at_the_STS_deadline_when_STS_trickles()
    {
        await using var sts = new HostileServer(async (_, stream, token) =>
        {
            var body = Encoding.UTF8.GetBytes("<AssumeRoleWithSAMLResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">" + new string(' ', 4096));
            await HostileServer.WriteHeadAsync(stream, 200, "text/xml", body.Length, token);
            await HostileServer.TrickleAsync(stream, body, TimeSpan.FromMilliseconds(200), token);
        });
        await using var world = await World.StartAsync();
        world.WithConfig($"username: {Jane}", "appid: 0oa1dev2AbCdEfGh/272", "factor: GOOGLE token:software:totp");
        world.Env["AWS_ENDPOINT_URL_STS"] = sts.Url;
        world.Env["KEYMAN_STS_TIMEOUT"] = "2";

        var (run, elapsed) = await Timed(() => world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password), Answer.Computed("MFA Passcode: $", () => world.Totp(Jane))));

        AssertOneLineFailure(run, 3, "no answer within 2 s");
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Equal(1, sts.Requests);
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task A_Bedrock_stream_stalling_after_its_first_event_ends_at_the_idle_timeout()
    {
        await using var runtime = new HostileServer(async (_, stream, token) =>
        {
            await HostileServer.WriteHeadAsync(stream, 200, "application/vnd.amazon.eventstream", null, token);
            var first = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}";
            var payload = "{\"bytes\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(first)) + "\"}";
            var frame = EventStreamMessage.Encode([(":event-type", "chunk"), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(payload));
            await HostileServer.WriteChunkAsync(stream, frame, token);
            await HostileServer.StallAsync(token);
        });
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = runtime.Url;
        world.Env["KEYMAN_BEDROCK_TIMEOUT"] = "2";

        var (run, elapsed) = await Timed(() => world.RunAsync("bedrock", "ask", "--stream", "--model-id", "anthropic.claude-3-5-sonnet-20241022-v2:0", "hi"));

        AssertOneLineFailure(run, 3, "sent nothing for 2 s");
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Bedrock_InvokeModel_without_a_byte_ends_at_the_idle_timeout()
    {
        await using var runtime = new HostileServer((_, _, token) => HostileServer.StallAsync(token));
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = runtime.Url;
        world.Env["KEYMAN_BEDROCK_TIMEOUT"] = "2";

        var (run, elapsed) = await Timed(() => world.RunAsync("bedrock", "ask", "--model-id", "anthropic.claude-3-5-sonnet-20241022-v2:0", "hi"));

        AssertOneLineFailure(run, 3, "timed out");
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Equal(1, runtime.Requests);
    }

    [Fact]
    public async Task A_deadline_variable_that_is_not_seconds_fails_with_the_config_code()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env["KEYMAN_BEDROCK_TIMEOUT"] = "soon";

        var run = await world.RunAsync("bedrock", "ask", "--model-id", "anthropic.claude-3-5-sonnet-20241022-v2:0", "hi");

        AssertOneLineFailure(run, 10, "KEYMAN_BEDROCK_TIMEOUT");
    }

    [Fact]
    public async Task A_huge_deep_app_page_is_refused_at_once_with_the_Okta_code()
    {
        // Okta itself is the sandbox, behind a proxy that answers the app page with 200,000 nested <div>s (1 MB; it
        // took 521 s of CPU before the depth cap) and passes everything else through.
        await using var world = await World.StartAsync();
        using var upstream = world.NewHttpClient(allowAutoRedirect: false);
        var page = Encoding.UTF8.GetBytes("<html><body>" + string.Concat(Enumerable.Repeat("<div>", 200_000)) + "</body></html>");
        HostileServer? proxy = null;
        proxy = new HostileServer(async (request, stream, token) =>
        {
            if (request.Method == "GET" && request.Path.StartsWith("/home/amazon_aws/", StringComparison.Ordinal))
            {
                await HostileServer.WriteHeadAsync(stream, 200, "text/html; charset=utf-8", page.Length, token);
                await HostileServer.WriteAsync(stream, page, token);
                return;
            }

            await ForwardAsync(upstream, world.Url, proxy!.Url, request, stream, token);
        }, world.Sandbox.Certificates.Server);
        await using var _ = proxy;
        File.WriteAllText(world.ConfigPath, $"org: {proxy.Url}\nusername: nomfa@example.com\nappid: 0oa1dev2AbCdEfGh/272\n");

        var (run, elapsed) = await Timed(() => world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password)));

        AssertOneLineFailure(run, 18, "nests deeper than 256 levels");
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.False(File.Exists(world.CredentialsPath));
    }

    /// <summary>Passes one request to the sandbox and its answer back, with the sandbox's address rewritten to the proxy's.</summary>
    private static async Task ForwardAsync(HttpClient upstream, string sandboxUrl, string proxyUrl, HostileRequest request, Stream stream, CancellationToken token)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), sandboxUrl + request.Path);
        if (request.Body.Length > 0 || request.Method == "POST")
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await upstream.SendAsync(message, token);
        var body = Encoding.UTF8.GetBytes((await response.Content.ReadAsStringAsync(token)).Replace(sandboxUrl, proxyUrl, StringComparison.Ordinal));
        var headers = response.Headers.Where(h => !h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => $"{h.Key}: {v.Replace(sandboxUrl, proxyUrl, StringComparison.Ordinal)}")).ToArray();
        await HostileServer.WriteHeadAsync(stream, (int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "text/plain", body.Length, token, headers);
        await HostileServer.WriteAsync(stream, body, token);
    }
}
