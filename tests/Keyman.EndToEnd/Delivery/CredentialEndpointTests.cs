using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Hosting;

namespace Keyman.EndToEnd.Delivery;

/// <summary>
/// <c>exec --server</c> and <c>serve</c>: real AWS SDKs (the AWS CLI, boto3) in the child take their credentials from
/// Keyman's endpoint, across the first credentials' expiry (sandbox time scale), with no prompt.
/// </summary>
public sealed class CredentialEndpointTests
{
    private const string Arn = "arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com";

    /// <summary>boto3 and the AWS CLI before and after the first credentials expire; one JSON line of what they saw.</summary>
    private const string AcrossExpiry = """
        import boto3, datetime, json, os, subprocess, sys, time, urllib.request
        assert not any(k in os.environ for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"))
        uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        request = urllib.request.Request(uri, headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
        first = json.load(urllib.request.urlopen(request))
        def cli():
            return subprocess.check_output(["aws", "sts", "get-caller-identity", "--query", "Arn", "--output", "text"]).decode().strip()
        cli_before = cli()
        session = boto3.Session()
        sts = session.client("sts")
        boto_before = sts.get_caller_identity()["Arn"]
        key_before = session.get_credentials().get_frozen_credentials().access_key
        expiry = datetime.datetime.fromisoformat(first["Expiration"].replace("Z", "+00:00"))
        time.sleep(max(0.0, (expiry - datetime.datetime.now(datetime.timezone.utc)).total_seconds() + 1.5))
        boto_after = sts.get_caller_identity()["Arn"]
        key_after = session.get_credentials().get_frozen_credentials().access_key
        print(json.dumps({"uri": uri, "first": first["AccessKeyId"], "cli_before": cli_before, "boto_before": boto_before,
                          "key_before": key_before, "boto_after": boto_after, "key_after": key_after, "cli_after": cli(),
                          "past_expiry": datetime.datetime.now(datetime.timezone.utc) > expiry}))
        sys.exit(5)
        """;

    /// <summary>Asks the endpoint with a wrong token, none, and from a non-loopback address of this machine.</summary>
    private const string Refusals = """
        import json, os, socket, urllib.error, urllib.request
        uri = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        def status(headers):
            try:
                return urllib.request.urlopen(urllib.request.Request(uri, headers=headers)).status
            except urllib.error.HTTPError as e:
                return e.code
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
        outside = "no address"
        if not address.startswith("127."):
            try:
                socket.create_connection((address, int(uri.split(":")[2].split("/")[0])), timeout=3).close()
                outside = "connected"
            except OSError:
                outside = "refused"
        print(json.dumps({"wrong": status({"Authorization": "not-the-token"}), "missing": status({}),
                          "right": status({"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}), "outside": outside}))
        """;

    private static async Task<World> WorldAsync(double timeScale = 1)
    {
        var world = await World.StartAsync(new SandboxOptions { TimeScale = timeScale });
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        world.Env["AWS_ENDPOINT_URL"] = world.Url;
        world.Env["AWS_PROFILE"] = "must-not-reach-the-child";
        world.Env["AWS_ACCESS_KEY_ID"] = "AKIASTATICDECOY00000";
        world.Env["AWS_SECRET_ACCESS_KEY"] = "decoy";
        return world;
    }

    [Fact]
    public async Task ExecServerFeedsTheAwsCliAndBoto3FreshKeysPastTheFirstExpiryWithoutAPrompt()
    {
        // Time scale 60: --duration 900 gives credentials that live 15 real seconds.
        await using var world = await WorldAsync(timeScale: 60);

        var run = await KeymanProcess.RunFileAsync(KeymanProcess.Binary, ["exec", "--server", "--duration", "900", "--", "python3", "-c", AcrossExpiry],
            world.Env, TimeSpan.FromSeconds(90), Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 5, run.ToString());   // the child's exit code
        using var seen = JsonDocument.Parse(run.StdOut.Trim().Split('\n')[^1]);
        var root = seen.RootElement;
        Assert.StartsWith("http://127.0.0.1:", root.GetProperty("uri").GetString());
        Assert.Equal(Arn, root.GetProperty("cli_before").GetString());
        Assert.Equal(Arn, root.GetProperty("boto_before").GetString());
        Assert.Equal(root.GetProperty("first").GetString(), root.GetProperty("key_before").GetString());
        Assert.True(root.GetProperty("past_expiry").GetBoolean());
        Assert.Equal(Arn, root.GetProperty("boto_after").GetString());
        Assert.Equal(Arn, root.GetProperty("cli_after").GetString());
        Assert.NotEqual(root.GetProperty("key_before").GetString(), root.GetProperty("key_after").GetString());
        Assert.Equal(1, Regex.Count(run.StdErr, Answer.PasswordPromptText));
        Assert.Contains("refreshing them through the Okta session", run.StdErr);
        Assert.Equal(1, (await world.RequestsAsync("okta")).Count(e => e.GetProperty("path").GetString() == "/api/v1/authn"));
        Assert.False(File.Exists(world.CredentialsPath));

        // The endpoint stopped with its child.
        using var client = new TcpClient();
        var port = new Uri(root.GetProperty("uri").GetString()!).Port;
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
    }

    [Fact]
    public async Task TheEndpointRefusesAWrongOrMissingTokenAndIsNotReachableFromOutsideLoopback()
    {
        await using var world = await WorldAsync();

        var run = await world.RunAsync(["exec", "--server", "-D", "--", "python3", "-c", Refusals], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var seen = JsonDocument.Parse(run.StdOut.Trim());
        Assert.Equal(403, seen.RootElement.GetProperty("wrong").GetInt32());
        Assert.Equal(403, seen.RootElement.GetProperty("missing").GetInt32());
        Assert.Equal(200, seen.RootElement.GetProperty("right").GetInt32());
        Assert.NotEqual("connected", seen.RootElement.GetProperty("outside").GetString());
        Assert.Contains("GET refused (no or wrong token) -> 403", run.StdErr);
        Assert.Contains("GET path ok -> 200", run.StdErr);
        Assert.DoesNotContain("AWS_CONTAINER_AUTHORIZATION_TOKEN=", run.StdErr);
    }

    [Fact]
    public async Task ServePrintsTheTwoExportsServesUntilSigtermAndThenStops()
    {
        await using var world = await WorldAsync();
        var (process, log) = KeymanProcess.Start(["serve", "-D"], world.Env);
        using var _ = process;
        try
        {
            await process.StandardInput.WriteLineAsync(World.Password);
            process.StandardInput.Close();
            var exports = new Dictionary<string, string>();
            while (exports.Count < 2)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(line is not null, log());
                var match = Regex.Match(line, "^export (AWS_CONTAINER_[A-Z_]+)='([^']*)'$");
                Assert.True(match.Success, line);
                exports[match.Groups[1].Value] = match.Groups[2].Value;
            }

            var uri = new Uri(exports["AWS_CONTAINER_CREDENTIALS_FULL_URI"]);
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.TryAddWithoutValidation("Authorization", exports["AWS_CONTAINER_AUTHORIZATION_TOKEN"]);
                using var ok = await http.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                using var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
                Assert.StartsWith("ASIA", body.RootElement.GetProperty("AccessKeyId").GetString());
                using var refused = await http.GetAsync(uri).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }

            // The AWS CLI with just the two variables.
            var env = new Dictionary<string, string>(world.Env) { ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = uri.ToString(), ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = exports["AWS_CONTAINER_AUTHORIZATION_TOKEN"] };
            env["AWS_DEFAULT_REGION"] = "us-east-1";
            env.Remove("AWS_PROFILE");
            env.Remove("AWS_ACCESS_KEY_ID");
            env.Remove("AWS_SECRET_ACCESS_KEY");
            var cli = await Login.Aws.RunAsync(env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
            Assert.Equal(Arn, cli.StdOut.Trim());

            ExecEnvConsoleTests.Signal(process.Id, "TERM");
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(process.ExitCode == 0, log());
            Assert.Contains("Credential endpoint stopped", log());
            using var client = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, uri.Port));
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name}: {e.Message}\n--- keyman serve stderr\n{log()}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
