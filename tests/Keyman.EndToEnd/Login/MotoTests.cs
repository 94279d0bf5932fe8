using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Scenario;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// The login against moto, a third-party AWS emulator, as the STS endpoint: Keyman's AssumeRoleWithSAML call must
/// work with an STS that nobody here wrote. moto 5.2 reads a single-valued Role attribute, role ARN first.
/// </summary>
public sealed class MotoTests : IAsyncLifetime
{
    private const string MotoApp = "0oa8motoSingleRl/272";
    private const string RoleArn = "arn:aws:iam::123456789012:role/MotoDeveloper";

    private Process? _moto;
    private string _motoUrl = string.Empty;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var executable = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "moto_server")).FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("moto_server is not on PATH; this cross-check needs it (see .ci/run).");
        _moto = Process.Start(new ProcessStartInfo(executable, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _motoUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await http.GetAsync(_motoUrl + "/moto-api/");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new Xunit.Sdk.XunitException("moto_server did not start within 20 s");
    }

    public Task DisposeAsync()
    {
        _moto?.Kill(entireProcessTree: true);
        _moto?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task LoginWorksWithMotoAsTheStsEndpointAndTheAwsCliAcceptsTheResult()
    {
        var scenario = ScenarioDocument.LoadDefault();
        scenario.Apps.Add(new ScenarioApp
        {
            AppId = MotoApp,
            Label = "AWS via moto",
            RoleOrder = "role,provider",
            Roles = [new ScenarioRolePair { RoleArn = RoleArn, PrincipalArn = "arn:aws:iam::123456789012:saml-provider/Okta" }],
            Users = ["nomfa@example.com"],
        });
        await using var world = await World.StartAsync(scenario);
        world.WithConfig("username: nomfa@example.com", $"appid: {MotoApp}");
        world.Env["AWS_ENDPOINT_URL_STS"] = _motoUrl;

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Assuming role: {RoleArn}", run.StdErr);
        var profile = world.Profile("default")!;
        Assert.StartsWith("ASIA", profile["aws_access_key_id"]);

        var env = new Dictionary<string, string>(world.Env) { ["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath };
        var identity = await Aws.RunAsync(env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        Assert.StartsWith("arn:aws:sts::123456789012:assumed-role/MotoDeveloper/", identity.StdOut.Trim());
    }

    [Fact]
    public async Task AllProfilesOverTwoAppsWorksWithMotoAsTheStsEndpoint()
    {
        // moto reads one Role value per assertion, so two apps of one role each: two assertions, two profiles.
        const string ReadOnlyApp = "0oa9motoReadOnly/272";
        const string ReadOnlyArn = "arn:aws:iam::123456789012:role/MotoReadOnly";
        var scenario = ScenarioDocument.LoadDefault();
        foreach (var (app, role) in new[] { (MotoApp, RoleArn), (ReadOnlyApp, ReadOnlyArn) })
        {
            scenario.Apps.Add(new ScenarioApp
            {
                AppId = app,
                Label = app,
                RoleOrder = "role,provider",
                Roles = [new ScenarioRolePair { RoleArn = role, PrincipalArn = "arn:aws:iam::123456789012:saml-provider/Okta" }],
                Users = ["nomfa@example.com"],
            });
        }

        await using var world = await World.StartAsync(scenario);
        world.WithConfig("username: nomfa@example.com", "accounts:", "  - name: Moto", $"    appid: {MotoApp}", "  - name: MotoRead", $"    appid: {ReadOnlyApp}");
        world.Env["AWS_ENDPOINT_URL_STS"] = _motoUrl;

        var run = await world.RunAsync(["--all-profiles"], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        var env = new Dictionary<string, string>(world.Env) { ["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath };
        foreach (var (profile, role) in new[] { ("123456789012-MotoDeveloper", "MotoDeveloper"), ("123456789012-MotoReadOnly", "MotoReadOnly") })
        {
            var identity = await Aws.RunAsync(env, "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", _motoUrl, "--query", "Arn", "--output", "text");
            Assert.StartsWith($"arn:aws:sts::123456789012:assumed-role/{role}/", identity.StdOut.Trim());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
