using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Keyman.Tests.Secrets;

namespace Keyman.EndToEnd.Delivery;

/// <summary>
/// A Duo user's credential_process (prompts and Duo's lines on the terminal, the JSON on stdout) on both engines, and
/// reup, which signs in again through Duo without a prompt when Okta ends the session.
/// </summary>
public sealed class DuoDeliveryTests
{
    private static async Task<(World World, KeyringDaemon Keyring)> StartAsync(ScenarioDocument? scenario = null, int timeScale = 1)
    {
        var keyring = KeyringDaemon.Start();
        var world = await World.StartAsync(new SandboxOptions { Scenario = scenario, TimeScale = timeScale });
        foreach (var (k, v) in keyring.Environment().Where(e => e.Key != "HOME"))
        {
            world.Env[k] = v;
        }

        world.Env["KEYMAN_SECRET_STORE"] = "secret-service";
        return (world, keyring);
    }

    /// <summary>credential-process under script(1): stdin and stdout belong to the "SDK", prompts and Duo's lines to the terminal.</summary>
    private static async Task<(RunResult Terminal, string Json, string Errors)> CredentialProcessAsync(World world, string args, params Answer[] answers)
    {
        var output = Path.Combine(world.Home, "out.json");
        var errors = Path.Combine(world.Home, "err.log");
        var command = $"'{KeymanProcess.Binary}' credential-process --profile duo {args} </dev/null >'{output}' 2>'{errors}'";
        var run = await KeymanProcess.RunFileAsync("script", ["-qec", command, "/dev/null"], world.Env, TimeSpan.FromSeconds(60), answers);
        return (run, File.Exists(output) ? await File.ReadAllTextAsync(output) : string.Empty, File.Exists(errors) ? await File.ReadAllTextAsync(errors) : string.Empty);
    }

    private static void AssertCredentials(RunResult terminal, string json, string errors)
    {
        Assert.True(terminal.ExitCode == 0, terminal + "\n" + errors);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(1, document.RootElement.GetProperty("Version").GetInt32());
        Assert.StartsWith("ASIA", document.RootElement.GetProperty("AccessKeyId").GetString());
        Assert.DoesNotContain(World.Password, terminal.StdOut);
        Assert.DoesNotContain("Duo", json);
    }

    [Fact]
    public async Task CredentialProcessOnAClassicOrgSignsInWithDuoPushOnTheTerminal()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        world.WithConfig("username: duo@example.com", "appid: 0oa1dev2AbCdEfGh/272", "duo_factor: push");

        var (terminal, json, errors) = await CredentialProcessAsync(world, string.Empty, Answer.With(Answer.PasswordPrompt, World.Password));

        AssertCredentials(terminal, json, errors);
        Assert.Contains("Duo Push sent to iOS (+X XXX-XXX-1234); approve it on your phone", terminal.StdOut);
    }

    [Fact]
    public async Task CredentialProcessOnAnIdentityEngineOrgTakesADuoPasscodeOnTheTerminal()
    {
        var (world, keyring) = await StartAsync(ScenarioDocument.LoadBuiltIn("oie"));
        using var _ = keyring;
        await using var __ = world;
        world.WithConfig("username: duo@example.com", "appid: 0oa1oieDevAbCdEfG/272");

        var (terminal, json, errors) = await CredentialProcessAsync(world, "-d passcode",
            Answer.With(Answer.PasswordPrompt, World.Password), Answer.With("Duo passcode: ", "135790"));

        AssertCredentials(terminal, json, errors);
        Assert.DoesNotContain("135790", terminal.StdOut);
        Assert.Contains((await world.RequestsAsync("okta")).Select(e => e.GetProperty("path").GetString()), p => p == "/idp/idx/challenge/answer");
    }

    [Fact]
    public async Task ReupSignsInAgainThroughDuoWithoutAPromptWhenOktaEndsTheSession()
    {
        var (world, keyring) = await StartAsync(timeScale: 60);
        using var _ = keyring;
        await using var __ = world;
        world.WithConfig("username: duo@example.com", "appid: 0oa1dev2AbCdEfGh/272", "password_cache: true", "duo_factor: push");

        var start = new ProcessStartInfo(KeymanProcess.Binary)
        {
            RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            ArgumentList = { "-r", "--duration", "900" },
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in world.Env)
        {
            start.Environment[k] = v;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        await process.StandardInput.WriteLineAsync(World.Password);
        process.StandardInput.Close();

        string Text()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        var expired = false;
        while (Count(Text(), "Wrote profile") < 3)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(85) && !process.HasExited, "no two refreshes in time:\n" + Text());
            if (!expired && Count(Text(), "Wrote profile") == 1)
            {
                expired = true;
                await world.PostControlAsync("sessions/expire");
            }

            await Task.Delay(100);
        }

        ExecEnvConsoleTests.Signal(process.Id, "INT");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var text = Text();
        Assert.True(process.ExitCode == 0, text);
        Assert.Equal(1, Count(text, Answer.PasswordPromptText));
        Assert.DoesNotContain("Select", text);
        Assert.Contains("The Okta session has ended; logging in again", text);
        Assert.True(Count(text, "Duo Push sent to") >= 2, text);
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
