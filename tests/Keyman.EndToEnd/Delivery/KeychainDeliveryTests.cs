using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Keyman.EndToEnd.Login;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Hosting;
using Keyman.Tests.Secrets;

namespace Keyman.EndToEnd.Delivery;

/// <summary>
/// Password cache, Okta session reuse, reup and credential_process, with the published binary keeping its secrets in
/// a real gnome-keyring-daemon on a private D-Bus session bus, proven through the sandbox's request log.
/// </summary>
public sealed class KeychainDeliveryTests
{
    private const string Nomfa = "nomfa@example.com";

    private static async Task<(World World, KeyringDaemon Keyring)> StartAsync(SandboxOptions? options = null)
    {
        var keyring = KeyringDaemon.Start();
        var world = await World.StartAsync(options ?? new SandboxOptions());
        foreach (var (k, v) in keyring.Environment().Where(e => e.Key != "HOME"))
        {
            world.Env[k] = v;
        }

        world.Env["KEYMAN_SECRET_STORE"] = "secret-service";

        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        return (world, keyring);
    }

    private static async Task<int> AuthnCallsAsync(World world, long after) =>
        (await world.RequestsAsync("okta", after)).Count(e => e.GetProperty("path").GetString() == "/api/v1/authn");

    [Fact]
    public async Task TheOktaSessionIsReusedWithoutPasswordOrMfaUntilOktaEndsIt()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;

        var first = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(first.ExitCode == 0, first.ToString());

        var seq = await world.LastSeqAsync();
        var second = await world.RunAsync();   // no answers: a prompt would fail the run
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Reusing the Okta session of nomfa@example.com", second.StdErr);
        Assert.DoesNotContain(Answer.PasswordPromptText, second.StdErr);
        Assert.Equal(0, await AuthnCallsAsync(world, seq));
        Assert.Contains(await world.RequestsAsync("okta", seq), e => e.GetProperty("path").GetString() == "/api/v1/sessions/me/lifecycle/refresh");

        await world.PostControlAsync("sessions/expire");
        var third = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains(Answer.PasswordPromptText, third.StdErr);
    }

    [Fact]
    public async Task ThePasswordIsCachedOnlyAfterOktaAcceptedItAndLivesOnlyInTheKeychain()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;

        // A wrong password is not kept.
        var wrong = await world.RunAsync(["-P"], Answer.With(Answer.PasswordPrompt, "not-the-password"));
        Assert.Equal(11, wrong.ExitCode);
        Assert.NotEqual(0, keyring.Run("secret-tool", ["lookup", "service", "aws_okta_keyman", "username", Nomfa]).ExitCode);

        var right = await world.RunAsync(["-P"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(right.ExitCode == 0, right.ToString());
        Assert.Contains("Saved the Okta password in", right.StdErr);
        // Independent client: libsecret's secret-tool finds it under the original's service and account.
        Assert.Equal(World.Password, keyring.Run("secret-tool", ["lookup", "service", "aws_okta_keyman", "username", Nomfa]).Stdout.Trim());

        await world.PostControlAsync("sessions/expire");
        var seq = await world.LastSeqAsync();
        var cached = await world.RunAsync(["-P"]);
        Assert.True(cached.ExitCode == 0, cached.ToString());
        Assert.Contains("Using the Okta password kept in", cached.StdErr);
        Assert.Equal(1, await AuthnCallsAsync(world, seq));

        // A cached password Okta rejects is removed, and the user is asked once.
        keyring.Run("secret-tool", ["store", "--label=x", "service", "aws_okta_keyman", "username", Nomfa], stdin: "stale-password");
        await world.PostControlAsync("sessions/expire");
        var stale = await world.RunAsync(["-P"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(stale.ExitCode == 0, stale.ToString());
        Assert.Contains("Okta rejected the cached password", stale.StdErr);
        Assert.Equal(World.Password, keyring.Run("secret-tool", ["lookup", "service", "aws_okta_keyman", "username", Nomfa]).Stdout.Trim());

        // -R forgets it and asks again.
        await world.PostControlAsync("sessions/expire");
        var reset = await world.RunAsync(["-P", "-R"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(reset.ExitCode == 0, reset.ToString());

        // The password is in no file Keyman could have touched (home, keyring folders hold it only encrypted).
        var password = Encoding.UTF8.GetBytes(World.Password);
        foreach (var file in Directory.EnumerateFiles(world.Home, "*", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(keyring.Root, "*", SearchOption.AllDirectories)))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue; // sockets
            }

            Assert.False(bytes.AsSpan().IndexOf(password) >= 0, $"the password is in {file}");
        }
    }

    [Fact]
    public async Task WithoutAKeychainKeymanSaysSoAndPrompts()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "password_cache: true");
        world.Env["KEYMAN_SECRET_STORE"] = "file";   // without KEYMAN_SECRET_STORE_PASSPHRASE: refused, never plain text
        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(WARNING) The secret store is not available, so Keyman asks for the password", run.StdErr);
        Assert.False(Directory.Exists(Path.Combine(world.Home, ".config", "keyman")) && Directory.EnumerateFiles(Path.Combine(world.Home, ".config", "keyman"), "secrets*").Any());
    }

    [Fact]
    public async Task ReupRefreshesTwiceThroughTheOktaSessionWithoutAnyPromptAndStopsCleanlyOnCtrlC()
    {
        var (world, keyring) = await StartAsync(new SandboxOptions { TimeScale = 60 });
        using var _ = keyring;
        await using var __ = world;
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "password_cache: true");

        var clock = Stopwatch.StartNew();
        var (process, stderr) = KeymanProcess.Start(["-r", "--duration", "900"], world.Env);
        using var ___ = process;
        await process.StandardInput.WriteLineAsync(World.Password);
        process.StandardInput.Close();

        string Text() => stderr();

        var firstSeq = 0L;
        var expiredSeq = 0L;
        while (Count(Text(), "Wrote profile") < 4)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(85) && !process.HasExited, "no three refreshes in time:\n" + Text());
            if (firstSeq == 0 && Count(Text(), "Wrote profile") == 1)
            {
                firstSeq = await world.LastSeqAsync();
            }

            // After two refreshes through the session, Okta ends it: the next refresh logs in with the cached password.
            if (expiredSeq == 0 && Count(Text(), "Wrote profile") == 3)
            {
                expiredSeq = await world.LastSeqAsync();
                await world.PostControlAsync("sessions/expire");
            }

            await Task.Delay(100);
        }

        // Waiting between refreshes is sleeping, not polling: well under a second of CPU in all this time.
        process.Refresh();
        Assert.True(process.TotalProcessorTime < TimeSpan.FromSeconds(3), $"reup used {process.TotalProcessorTime} of CPU in {clock.Elapsed}");
        ExecEnvConsoleTests.Signal(process.Id, "INT");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var text = Text();
        Assert.True(process.ExitCode == 0, text);
        Assert.Equal(1, Count(text, Answer.PasswordPromptText));
        Assert.DoesNotContain("Select", text);
        Assert.Contains("Stopped refreshing after", text);
        Assert.Equal(0, (await world.RequestsAsync("okta", firstSeq)).Count(e => e.GetProperty("path").GetString() == "/api/v1/authn" && e.GetProperty("seq").GetInt64() <= expiredSeq));
        Assert.Equal(1, await AuthnCallsAsync(world, expiredSeq));
        Assert.Contains("The Okta session has ended; logging in again", text);
        Assert.Contains("Using the Okta password kept in", text);
        Assert.True((await world.RequestsAsync("sts", firstSeq)).Count(e => e.GetProperty("action").GetString() == "AssumeRoleWithSAML") >= 3);

        // The profile holds live credentials: the AWS CLI accepts them.
        var env = new Dictionary<string, string>(world.Env) { ["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath };
        await Aws.RunAsync(env, "sts", "get-caller-identity");
    }

    [Fact]
    public async Task CredentialProcessServesTheAwsCliFromTheKeychainCacheAndParallelCallsShareOneLogin()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;

        // setup-profile writes the profile next to what the user already has.
        Directory.CreateDirectory(Path.GetDirectoryName(world.Env["AWS_CONFIG_FILE"])!);
        File.WriteAllText(world.Env["AWS_CONFIG_FILE"], "# mine\n[profile other]\nregion = eu-west-1\n");
        var setup = await world.RunAsync("setup-profile", "dev");
        Assert.True(setup.ExitCode == 0, setup.ToString());
        var config = File.ReadAllText(world.Env["AWS_CONFIG_FILE"]);
        Assert.StartsWith("# mine\n[profile other]\nregion = eu-west-1\n", config);
        Assert.Contains($"[profile dev]\ncredential_process = {KeymanProcess.Binary} credential-process --profile dev\nregion = us-east-1\n", config);

        // Keep the password in the keychain, then end every Okta session: credential-process must log in by itself.
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "password_cache: true");
        var seed = await world.RunAsync(["-P"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(seed.ExitCode == 0, seed.ToString());
        await world.PostControlAsync("sessions/expire");

        var seq = await world.LastSeqAsync();
        var first = await Aws.RunAsync(world.Env, "sts", "get-caller-identity", "--profile", "dev", "--query", "Arn", "--output", "text");
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com", first.StdOut.Trim());
        Assert.Equal(1, await AuthnCallsAsync(world, seq));

        var afterFirst = await world.LastSeqAsync();
        await Aws.RunAsync(world.Env, "sts", "get-caller-identity", "--profile", "dev");
        Assert.Empty(await world.RequestsAsync("okta", afterFirst));

        // The JSON itself: integer Version, RFC 3339 Expiration, nothing else on stdout.
        var direct = await world.RunAsync("credential-process", "--profile", "dev");
        Assert.True(direct.ExitCode == 0, direct.ToString());
        using (var json = JsonDocument.Parse(direct.StdOut))
        {
            Assert.Equal(1, json.RootElement.GetProperty("Version").GetInt32());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", json.RootElement.GetProperty("Expiration").GetString());
            Assert.StartsWith("ASIA", json.RootElement.GetProperty("AccessKeyId").GetString());
        }

        Assert.DoesNotContain("SecretAccessKey", direct.StdErr);

        // Eight AWS CLI calls at once for a profile with nothing cached: exactly one Okta login.
        await world.PostControlAsync("sessions/expire");
        File.AppendAllText(world.Env["AWS_CONFIG_FILE"], $"\n[profile par]\ncredential_process = {KeymanProcess.Binary} credential-process --profile par\nregion = us-east-1\n");
        var before = await world.LastSeqAsync();
        var calls = Enumerable.Range(0, 8).Select(_ => Aws.RunAsync(world.Env, "sts", "get-caller-identity", "--profile", "par", "--query", "Arn", "--output", "text"));
        var results = await Task.WhenAll(calls);
        Assert.All(results, r => Assert.Equal("arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com", r.StdOut.Trim()));
        Assert.Equal(1, await AuthnCallsAsync(world, before));
        Assert.Equal(1, (await world.RequestsAsync("sts", before)).Count(e => e.GetProperty("action").GetString() == "AssumeRoleWithSAML"));

        // Keyman's own Bedrock commands and doctor take the same profile, with the how-to's chain on top of it.
        File.AppendAllText(world.Env["AWS_CONFIG_FILE"], "\n[profile bedrock]\nrole_arn = arn:aws:iam::111111111111:role/my-bedrock-role\nsource_profile = dev\nregion = us-east-1\n");
        world.Env["AWS_ENDPOINT_URL"] = world.Url;
        var ask = await world.RunAsync("bedrock", "ask", "--profile", "bedrock", "--model-id", "anthropic.claude-3-haiku-20240307-v1:0", "What is the capital of Georgia?");
        Assert.True(ask.ExitCode == 0, ask.ToString());
        Assert.StartsWith("The capital of Georgia is Atlanta.", ask.StdOut);
        var doctor = await world.RunAsync("doctor", "--profile", "bedrock");
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.Contains("credential_process", doctor.StdOut);
    }

    [Fact]
    public async Task CredentialProcessPromptsOnTheTerminalNeverOnStdout()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        var output = Path.Combine(world.Home, "out.json");
        var errors = Path.Combine(world.Home, "err.log");

        // script(1) gives a terminal; stdin and stdout belong to the "SDK" (here /dev/null and a file), as under the AWS CLI.
        var command = $"'{KeymanProcess.Binary}' credential-process --profile tty </dev/null >'{output}' 2>'{errors}'";
        var run = await KeymanProcess.RunFileAsync("script", ["-qec", command, "/dev/null"], world.Env, TimeSpan.FromSeconds(60),
            Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run + "\n" + File.ReadAllText(errors));
        Assert.Contains(Answer.PasswordPromptText, run.StdOut);            // the terminal saw the prompt
        Assert.DoesNotContain(World.Password, run.StdOut);   // without echo
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(1, json.RootElement.GetProperty("Version").GetInt32());
        Assert.DoesNotContain(Answer.PasswordPromptText, File.ReadAllText(output));
    }

    [Fact]
    public async Task CredentialProcessShowsTheSecurityQuestionOnTheTerminalAndACacheHitShowsNothing()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        world.WithConfig("username: jane@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var output = Path.Combine(world.Home, "out.json");
        var errors = Path.Combine(world.Home, "err.log");

        // As under the AWS CLI: stderr is a pipe nobody reads (here a file), so what the user must read goes to /dev/tty.
        var command = $"'{KeymanProcess.Binary}' credential-process --profile question --factor question </dev/null >'{output}' 2>'{errors}'";
        var run = await KeymanProcess.RunFileAsync("script", ["-qec", command, "/dev/null"], world.Env, TimeSpan.FromSeconds(60),
            Answer.With(Answer.PasswordPrompt, World.Password), Answer.With("Answer: ", "mayonnaise"));
        Assert.True(run.ExitCode == 0, run + "\n" + File.ReadAllText(errors));
        Assert.Contains("What is the food you least liked as a child?", run.StdOut);   // on the terminal
        Assert.DoesNotContain(World.Password, run.StdOut);
        using (var json = JsonDocument.Parse(File.ReadAllText(output)))
        {
            Assert.Equal(1, json.RootElement.GetProperty("Version").GetInt32());
        }

        Assert.DoesNotContain("least liked", File.ReadAllText(output));

        // A cache hit prints nothing on the terminal.
        var again = await KeymanProcess.RunFileAsync("script", ["-qec", command, "/dev/null"], world.Env, TimeSpan.FromSeconds(60));
        Assert.True(again.ExitCode == 0, again + "\n" + File.ReadAllText(errors));
        Assert.Equal(string.Empty, again.StdOut.Trim());
        Assert.Contains("\"Version\"", File.ReadAllText(output));
    }

    [Fact]
    public async Task ClaudeExportPrintsTheCredentialsObjectFromTheSameCacheAsVersion1()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        var output = Path.Combine(world.Home, "out.json");
        var errors = Path.Combine(world.Home, "err.log");

        // Claude Code captures stdout silently: the sign-in shows on the terminal.
        var command = $"'{KeymanProcess.Binary}' credential-process --profile claude --format claude-export </dev/null >'{output}' 2>'{errors}'";
        var run = await KeymanProcess.RunFileAsync("script", ["-qec", command, "/dev/null"], world.Env, TimeSpan.FromSeconds(60),
            Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(run.ExitCode == 0, run + "\n" + File.ReadAllText(errors));
        Assert.Contains("New AWS credentials needed for profile claude", run.StdOut);   // told on the terminal
        string keyId;
        using (var json = JsonDocument.Parse(File.ReadAllText(output)))
        {
            Assert.Equal(["Credentials"], json.RootElement.EnumerateObject().Select(p => p.Name));
            var credentials = json.RootElement.GetProperty("Credentials");
            Assert.Equal(["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"], credentials.EnumerateObject().Select(p => p.Name));
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", credentials.GetProperty("Expiration").GetString());
            keyId = credentials.GetProperty("AccessKeyId").GetString()!;
            Assert.StartsWith("ASIA", keyId);
        }

        // Without a terminal, the cache answers: the same keys in both shapes, no Okta call.
        var seq = await world.LastSeqAsync();
        var export = await KeymanProcess.RunFileAsync("setsid", ["-w", KeymanProcess.Binary, "credential-process", "--profile", "claude", "--format", "claude-export"], world.Env, TimeSpan.FromSeconds(30));
        var version1 = await KeymanProcess.RunFileAsync("setsid", ["-w", KeymanProcess.Binary, "credential-process", "--profile", "claude"], world.Env, TimeSpan.FromSeconds(30));
        Assert.True(export.ExitCode == 0 && version1.ExitCode == 0, export + "\n" + version1);
        using (var json = JsonDocument.Parse(export.StdOut))
        {
            Assert.Equal(keyId, json.RootElement.GetProperty("Credentials").GetProperty("AccessKeyId").GetString());
        }

        using (var json = JsonDocument.Parse(version1.StdOut))
        {
            Assert.Equal(keyId, json.RootElement.GetProperty("AccessKeyId").GetString());
        }

        Assert.Empty(await world.RequestsAsync("okta", seq));
    }

    [Fact]
    public async Task ClaudeExportWithoutATerminalFailsAtOnceWhenOktaWouldNeedTheUser()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "password_cache: true");
        var seed = await world.RunAsync(["-P"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(seed.ExitCode == 0, seed.ToString());
        await world.PostControlAsync("sessions/expire");
        var seq = await world.LastSeqAsync();

        var clock = Stopwatch.StartNew();
        var run = await KeymanProcess.RunFileAsync("setsid", ["-w", KeymanProcess.Binary, "credential-process", "--profile", "fresh", "--format", "claude-export"], world.Env, TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("run keyman in a terminal", run.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(string.Empty, run.StdOut);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(0, await AuthnCallsAsync(world, seq));
    }

    [Fact]
    public async Task CredentialProcessWithoutATerminalFailsAtOnceInsteadOfWaiting()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        var run = await KeymanProcess.RunFileAsync("setsid", ["-w", KeymanProcess.Binary, "credential-process", "--profile", "none"], world.Env, TimeSpan.FromSeconds(30));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot prompt", run.StdErr);
        Assert.Equal(string.Empty, run.StdOut);
    }

    [Fact]
    public async Task CredentialProcessWithoutATerminalAtARoleMenuSaysHowToNarrowTheChoice()
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        world.WithConfig("username: nomfa@example.com", "appid: 0oa2multiAcctXyZ/137");

        // Keep the password (and the Okta session), so that without a terminal the login gets as far as the role menu.
        var first = await world.RunAsync(["-P", "--role", "ReadOnly", "--account", "111111111111"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(first.ExitCode == 0, first.ToString());

        var run = await KeymanProcess.RunFileAsync("setsid", ["-w", KeymanProcess.Binary, "credential-process", "--profile", "menu"], world.Env, TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cannot prompt", run.StdErr);
        Assert.Contains("--role", run.StdErr);
        Assert.DoesNotContain("pipe one answer", run.StdErr);
        Assert.Equal(string.Empty, run.StdOut);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ALockedKeyringsUnlockDialogWaitsOnTheLiveWaitLineOnlyOnATerminal(bool terminal)
    {
        var (world, keyring) = await StartAsync();
        using var _ = keyring;
        await using var __ = world;
        keyring.LockLoginKeyring();
        // A display, so Keyman lets the Secret Service show its unlock dialog; the daemon has no prompter that reaches
        // one, so it ends each dialog as dismissed and the login goes on without the keyring.
        world.Env["DISPLAY"] = ":4711";

        var run = terminal
            ? await Login.WaitIndicatorTests.InATerminalAsync(world, string.Empty, Answer.With(Answer.PasswordPrompt, World.Password))
            : await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        var screen = run.StdOut + run.StdErr;
        Assert.Contains("The Secret Service asks for confirmation to unlock the keyring; answer the dialog on your screen.", screen);
        if (terminal)
        {
            Assert.Contains("\r\u001b[KWaiting for the dialog to unlock the keyring… 0 s (Ctrl-C to cancel)", screen);
            var last = screen.LastIndexOf("(Ctrl-C to cancel)", StringComparison.Ordinal);
            Assert.True(screen.IndexOf("\r\u001b[K", last, StringComparison.Ordinal) > last, "the wait line is erased:\n" + screen);
        }
        else
        {
            Assert.DoesNotContain("Ctrl-C to cancel", screen);
            Assert.DoesNotContain("\r", run.StdErr);
        }
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
