using System.Net;
using System.Text.Json;
using Keyman.EndToEnd.Login;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Delivery;

/// <summary>-C, exec, env, --console and --assume-role against the sandbox, checked with the AWS CLI where it can tell.</summary>
public sealed class ExecEnvConsoleTests
{
    private const string Nomfa = "nomfa@example.com";
    private const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";

    private static async Task<World> NomfaWorldAsync(params string[] extra)
    {
        var world = await World.StartAsync();
        world.WithConfig(["username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", .. extra]);
        return world;
    }

    [Fact]
    public async Task ExecRunsTheCommandWithoutAShellWithTheCredentialsAndReturnsItsExitCode()
    {
        await using var world = await NomfaWorldAsync();
        world.Env["AWS_PROFILE"] = "must-not-reach-the-child";
        var script = "for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_REGION AWS_DEFAULT_REGION AWS_CREDENTIAL_EXPIRATION AWS_PROFILE; do printf '%s=%s\\n' $v \"$(printenv $v)\"; done; printf '[%s]\\n' \"$@\"; exit 7";
        var run = await world.RunAsync(["exec", "--", "sh", "-c", script, "sh", "two words", "$HOME"], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 7, run.ToString());
        var vars = run.StdOut.Split('\n').Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        Assert.StartsWith("ASIA", vars["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(40, vars["AWS_SECRET_ACCESS_KEY"].Length);
        Assert.Equal(vars["AWS_SESSION_TOKEN"], vars["AWS_SECURITY_TOKEN"]);
        Assert.Equal("us-east-1", vars["AWS_REGION"]);
        Assert.Equal("us-east-1", vars["AWS_DEFAULT_REGION"]);
        Assert.True(DateTimeOffset.Parse(vars["AWS_CREDENTIAL_EXPIRATION"], System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal(string.Empty, vars["AWS_PROFILE"]);
        // Arguments arrive as given: no word splitting, no expansion.
        Assert.Contains("[two words]\n[$HOME]\n", run.StdOut);
        Assert.False(File.Exists(world.CredentialsPath), "exec must not write the credentials file");
        Assert.DoesNotContain(vars["AWS_SECRET_ACCESS_KEY"], run.StdErr);
    }

    [Fact]
    public async Task ExecLooksUpABareNameInPathNeverInTheWorkingDirectory()
    {
        await using var world = await NomfaWorldAsync();
        var work = Directory.CreateDirectory(Path.Combine(world.Home, "work")).FullName;
        var marker = Path.Combine(world.Home, "decoy-ran");
        // The reviewer's reproduction: an executable ./ls got the credentials, and a data file ./env made exec fail with 126.
        var decoy = Path.Combine(work, "ls");
        File.WriteAllText(decoy, $"#!/bin/sh\ntouch '{marker}'\nexit 42\n");
        File.SetUnixFileMode(decoy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(work, "env"), "not a program\n");

        // env (from PATH) runs ls (from PATH, execvp): both names have a decoy in the working directory.
        var run = await KeymanProcess.RunInDirectoryAsync(work, ["exec", "--", "env", "ls", "/"], world.Env, Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("usr", run.StdOut.Split('\n'));
        Assert.False(File.Exists(marker), "the decoy ./ls ran with the credentials");
    }

    [Fact]
    public async Task CommandFlagSplitsLikeAShellRunsTheAwsCliAndKeepsItsExitCode()
    {
        await using var world = await NomfaWorldAsync();
        world.Env["AWS_ENDPOINT_URL"] = world.Url;
        var run = await world.RunAsync(["-C", "aws sts get-caller-identity --query 'Arn' --output text"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com", run.StdOut.Trim());
        Assert.NotNull(world.Profile("default"));

        var failing = await world.RunAsync(["-C", "sh -c 'exit 3'"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.Equal(3, failing.ExitCode);

        var missing = await world.RunAsync(["exec", "--", "no-such-program-keyman"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.Equal(127, missing.ExitCode);
        Assert.Contains("Cannot run 'no-such-program-keyman'", missing.StdErr);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]   // stdin is not a terminal here, so nothing else would deliver Ctrl-C to the child
    [InlineData("HUP")]
    public async Task ExecForwardsSignalsToTheChild(string signal)
    {
        await using var world = await NomfaWorldAsync();
        var marker = Path.Combine(world.Home, "got-term");
        var start = new System.Diagnostics.ProcessStartInfo(KeymanProcess.Binary)
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            ArgumentList = { "exec", "--", "sh", "-c", $"trap 'touch {marker}; exit 42' {signal}; echo ready; while :; do sleep 0.1; done" },
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (k, v) in world.Env)
        {
            start.Environment[k] = v;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteLineAsync(World.Password);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.Equal("ready", await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Signal(process.Id, signal);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(process.ExitCode == 42, await stderr);
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task EnvPrintsExportsThatBashEvaluatesAndJson()
    {
        await using var world = await NomfaWorldAsync();
        var run = await world.RunAsync(["env"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.All(run.StdOut.TrimEnd().Split('\n')[2..], l => Assert.StartsWith("export AWS_", l));
        Assert.Equal(["unset AWS_PROFILE", "unset AWS_DEFAULT_PROFILE"], run.StdOut.Split('\n')[..2]);
        var shell = new Dictionary<string, string>(world.Env) { ["AWS_PROFILE"] = "stale", ["AWS_DEFAULT_PROFILE"] = "stale" };
        var check = await KeymanProcess.RunFileAsync("/bin/bash", ["-c", run.StdOut + "\necho \"$AWS_ACCESS_KEY_ID|${#AWS_SECRET_ACCESS_KEY}|$AWS_REGION|${AWS_PROFILE-none}|${AWS_DEFAULT_PROFILE-none}\""], shell, TimeSpan.FromSeconds(10));
        Assert.Matches(@"^ASIA[A-Z0-9]{16}\|40\|us-east-1\|none\|none$", check.StdOut.Trim());
        Assert.False(File.Exists(world.CredentialsPath));

        var json = await world.RunAsync(["env", "--format", "json", "--region", "eu-west-1"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.StdOut);
        Assert.Equal("eu-west-1", doc.RootElement.GetProperty("AWS_REGION").GetString());
        Assert.StartsWith("ASIA", doc.RootElement.GetProperty("AWS_ACCESS_KEY_ID").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("AWS_PROFILE").ValueKind);

        // fish, sourcing the output, drops a profile left in the shell too.
        var fish = await world.RunAsync(["env", "--format", "fish"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(fish.ExitCode == 0, fish.ToString());
        var sourced = await KeymanProcess.RunFileAsync("/usr/bin/fish", ["-c", fish.StdOut + "\necho \"$AWS_REGION|$AWS_PROFILE|\""], shell, TimeSpan.FromSeconds(10));
        Assert.Equal("us-east-1||", sourced.StdOut.Trim());
    }

    [Fact]
    public async Task AssumeRoleChainsIntoTheSecondRoleAndWritesThatProfile()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: gina@example.com", "appid: 0oa5stepUpBdrck/272", $"assume_role_arn: {BedrockRole}");
        var run = await world.RunAsync(["-n", "bedrock"], Answer.With(Answer.PasswordPrompt, World.Password), Answer.Computed("MFA Passcode: $", () => world.Totp("gina@example.com")));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(INFO) Assuming role: arn:aws:iam::111111111111:role/my-developer-gateway-role", run.StdErr);
        Assert.Contains($"(INFO) Assuming role: {BedrockRole}", run.StdErr);

        var env = new Dictionary<string, string>(world.Env) { ["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath, ["AWS_PROFILE"] = "bedrock" };
        var who = await Aws.RunAsync(env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        Assert.StartsWith("arn:aws:sts::111111111111:assumed-role/my-bedrock-role/", who.StdOut.Trim());

        // --assume-role on the command line, per-account assume_role_arn in the accounts list.
        await using var dev = await World.StartAsync();
        dev.WithConfig("username: nomfa@example.com", "accounts:", "  - name: Dev", "    appid: 0oa1dev2AbCdEfGh/272", $"    assume_role_arn: {BedrockRole}");
        var perAccount = await dev.RunAsync(["env", "--format", "json"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(perAccount.ExitCode == 0, perAccount.ToString());
        Assert.Contains($"Assuming role: {BedrockRole}", perAccount.StdErr);

        var refused = await dev.RunAsync(["--assume-role", "arn:aws:iam::111111111111:role/ReadOnly"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.Equal(33, refused.ExitCode);
    }

    [Fact]
    public async Task ConsolePrintsOnlyTheSignInUrlWhichTheFederationEndpointRedirectsToTheConsole()
    {
        await using var world = await NomfaWorldAsync();
        world.Env["KEYMAN_SIGNIN_ENDPOINT"] = world.Url + "/federation";
        var run = await world.RunAsync(["-co"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        var url = run.StdOut.Trim();
        Assert.DoesNotContain('\n', url);
        Assert.StartsWith(world.Url + "/federation?Action=login&Issuer=", url);
        Assert.Contains("Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F", url);
        Assert.Contains($"Issuer={Uri.EscapeDataString(world.Url + "/")}", url);
        Assert.Contains("(INFO) AWS Console URL", run.StdErr);

        using var noRedirect = world.NewHttpClient(allowAutoRedirect: false);
        using var response = await noRedirect.GetAsync(url);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("https://console.aws.amazon.com/", response.Headers.Location!.ToString());
        var signin = await world.RequestsAsync("signin");
        Assert.Contains(signin, e => e.GetProperty("action").GetString() == "getSigninToken" && e.GetProperty("status").GetInt32() == 200);
    }

    [Fact]
    public async Task OpenGivesTheOpenerAPrivateRedirectPageNotTheSignInUrl()
    {
        await using var world = await NomfaWorldAsync();
        world.Env["KEYMAN_SIGNIN_ENDPOINT"] = world.Url + "/federation";
        // A stand-in xdg-open first in PATH: it records its arguments and the page's mode and content.
        var bin = Directory.CreateDirectory(Path.Combine(world.Home, "bin")).FullName;
        var seen = Path.Combine(world.Home, "opened");
        var opener = Path.Combine(bin, "xdg-open");
        File.WriteAllText(opener, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{seen}.args'\nstat -c %a \"$1\" > '{seen}.mode'\ncp \"$1\" '{seen}.html'\n");
        File.SetUnixFileMode(opener, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        world.Env["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");

        var run = await world.RunAsync(["-co", "--open"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        var url = run.StdOut.Trim();
        var page = File.ReadAllText(seen + ".args").Trim();
        Assert.DoesNotContain("SigninToken", page);
        Assert.EndsWith(".html", page);
        Assert.Equal("600", File.ReadAllText(seen + ".mode").Trim());
        Assert.Contains(System.Net.WebUtility.HtmlEncode(url), File.ReadAllText(seen + ".html"));
        Assert.False(File.Exists(page), "the page is deleted after the browser had time to read it");
    }

    [Fact]
    public async Task ConsoleUsesTheGovCloudConsoleForAGovCloudApp()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: jane@example.com", "appid: 0oa6govCloudAbCd/272", "region: us-gov-west-1", "factor: GOOGLE token:software:totp");
        world.Env["KEYMAN_SIGNIN_ENDPOINT"] = world.Url + "/federation";
        var run = await world.RunAsync(["--console", "--screen"], Answer.With(Answer.PasswordPrompt, World.Password), Answer.Computed("MFA Passcode: $", () => world.Totp("jane@example.com")));
        Assert.True(run.ExitCode == 0, run.ToString());
        var url = run.StdOut.Split('\n').Single(l => l.StartsWith("http", StringComparison.Ordinal));
        Assert.Contains("Destination=https%3A%2F%2Fconsole.amazonaws-us-gov.com%2F", url);
        using var noRedirect = world.NewHttpClient(allowAutoRedirect: false);
        using var response = await noRedirect.GetAsync(url);
        Assert.Equal("https://console.amazonaws-us-gov.com/", response.Headers.Location!.ToString());
    }

    internal static void Signal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
