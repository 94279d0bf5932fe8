using System.Diagnostics;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>The how-to's own journey: password, app-level MFA step-up with a Google code, one role, the default profile.</summary>
public sealed class HowToJourneyTests
{
    private const string Gina = "gina@example.com";

    [Fact]
    public async Task LogsInWithAppLevelStepUpAndWritesTheDefaultProfileWithTheHowTosLogLines()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: gina@example.com", "role: my-developer-gateway-role", "appid: 0oa5stepUpBdrck/272", "region: us-east-1");

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password), Answer.Computed("MFA Passcode: $", () => world.Totp(Gina)));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(string.Empty, run.StdOut);
        string[] expected =
        [
            "(INFO) Keyman",
            $"Okta password for gina@example.com at {new Uri(world.Url).Authority}: ",
            "(INFO) Successfully authed Gina",
            "(INFO) Using account: 0oa5stepUpBdrck/272",
            "(INFO) Getting SAML Assertion from " + world.Url,
            "(WARNING) Application-level MFA present; re-authenticating Okta",
            "(WARNING) MFA Requirement Detected - Enter your GOOGLE code here",
            "(INFO) Getting SAML Assertion from " + world.Url,
            "(INFO) Starting AWS session for us-east-1",
            "(INFO) Assuming role: arn:aws:iam::111111111111:role/my-developer-gateway-role",
            $"(INFO) Wrote profile \"default\" to {world.CredentialsPath}",
            "(INFO) Current time is ",
            "(INFO) Session expires at ",
            "(INFO) All done!",
        ];
        var position = 0;
        foreach (var line in expected)
        {
            var found = run.StdErr.IndexOf(line, position, StringComparison.Ordinal);
            Assert.True(found >= 0, $"missing or out of order: {line}\n{run.StdErr}");
            position = found + line.Length;
        }

        // Over HTTPS, Keyman followed the step-up's SESSION_STEP_UP next link back to the app, as Okta's sign-in widget does.
        Assert.StartsWith("https://", world.Url);
        var okta = (await world.RequestsAsync("okta")).Select(e => $"{e.GetProperty("method").GetString()} {e.GetProperty("path").GetString()} {e.GetProperty("status").GetInt32()}").ToList();
        Assert.Contains("GET /login/step-up/redirect 302", okta);

        var profile = world.Profile("default")!;
        Assert.Matches("^ASIA[A-Z2-7]{16}$", profile["aws_access_key_id"]);
        Assert.Equal(40, profile["aws_secret_access_key"].Length);
        Assert.Equal(profile["aws_session_token"], profile["aws_security_token"]);
        Assert.Equal("us-east-1", profile["region"]);
        Assert.True(DateTimeOffset.Parse(profile["x_security_token_expires"], System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(world.CredentialsPath));

        // No secret reaches the terminal: not the password, not the keys Keyman just wrote.
        foreach (var secret in new[] { World.Password, profile["aws_secret_access_key"], profile["aws_session_token"] })
        {
            Assert.DoesNotContain(secret, run.StdErr + run.StdOut);
        }
    }

    [Fact]
    public async Task TheAwsCliAcceptsTheProfileAndTheHowTosRoleChain()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: gina@example.com", "appid: 0oa5stepUpBdrck/272");
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password), Answer.Computed("MFA Passcode: $", () => world.Totp(Gina)));
        Assert.True(run.ExitCode == 0, run.ToString());

        File.WriteAllText(world.Env["AWS_CONFIG_FILE"], """
            [default]
            region = us-east-1
            output = json

            [profile bedrock]
            role_arn = arn:aws:iam::111111111111:role/my-bedrock-role
            source_profile = default
            region = us-east-1
            """);
        var env = new Dictionary<string, string>(world.Env)
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath,
        };

        var direct = await Aws.RunAsync(env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/my-developer-gateway-role/gina@example.com", direct.StdOut.Trim());

        env["AWS_PROFILE"] = "bedrock";
        var chained = await Aws.RunAsync(env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        Assert.StartsWith("arn:aws:sts::111111111111:assumed-role/my-bedrock-role/", chained.StdOut.Trim());
    }

    [Fact]
    public async Task TheOriginalsCommandNameRunsTheSameBinary()
    {
        await using var world = await World.StartAsync();
        var link = Path.Combine(world.Home, "aws_okta_keyman");
        File.CreateSymbolicLink(link, KeymanProcess.Binary);
        var run = await KeymanProcess.RunFileAsync(link, ["--version"], world.Env, TimeSpan.FromSeconds(20));
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", run.StdOut.Trim());
    }
}

/// <summary>Runs the AWS CLI (an implementation nobody here wrote) and fails the test when it fails.</summary>
public static class Aws
{
    public static async Task<RunResult> RunAsync(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var path = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "aws")).FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("The AWS CLI ('aws') is not on PATH; the cross-check needs it (see .ci/run).");
        var result = await KeymanProcess.RunFileAsync(path, args, env, TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)} failed:\n{result}");
        return result;
    }
}
