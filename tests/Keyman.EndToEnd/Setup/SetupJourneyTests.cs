using Keyman.EndToEnd.Bedrock;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Setup;

/// <summary>
/// A new user's <c>keyman setup</c>, typed at a terminal (a pty from script(1)): from an empty home to a Claude answer,
/// into AWS files that already hold the user's own settings, a second run that changes nothing, a team's bootstrap
/// script (--non-interactive), and the AWS CLI using the profile setup wrote.
/// </summary>
public sealed class SetupJourneyTests
{
    private const string User = "nomfa@example.com";

    /// <summary>The answers a new user types: org, username, the Bedrock role, region and style as offered, password, the app by name, yes.</summary>
    private static Answer[] Typed(World world, string org, string user = User, string bedrockRole = BedrockWorld.BedrockRole) =>
    [
        Answer.With(@"Okta org \(e\.g\. acme or https://acme\.okta\.com\)( \[\S+\])?: $", org),
        Answer.With(@"Okta username \(e\.g\. jane@acme\.com\)( \[\S+\])?: $", user),
        Answer.With(@"Bedrock role ARN from DevOps \('none' if you have none\) \[\S+\]: $", bedrockRole),
        Answer.With(@"AWS region \[\S+\]: $", "us-east-1"),
        Answer.With(@"AWS profiles: 'chain' .*\[chain\]: $", string.Empty),
        Answer.With(Answer.PasswordPrompt, World.Password),
        Answer.With(@"Selection: $", "AWS Dev"),
        Answer.With(@"\[Y/n\]: $", "y"),
    ];

    private static async Task<World> StartAsync()
    {
        var world = await World.StartAsync();
        File.Delete(world.ConfigPath);
        world.Env["AWS_ENDPOINT_URL"] = world.Url;
        world.Env["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath;
        return world;
    }

    /// <summary>keyman setup on a terminal: script(1) gives it a pty; everything it shows comes back as stdout.</summary>
    private static Task<RunResult> SetupOnTerminalAsync(World world, Answer[] answers, string args = "") =>
        KeymanProcess.RunFileAsync("script", ["-qec", $"'{KeymanProcess.Binary}' setup {args}", "/dev/null"], world.Env, TimeSpan.FromSeconds(90), answers);

    [Fact]
    public async Task FromAnEmptyHomeToAClaudeAnswerWithNoHandEdits()
    {
        await using var world = await StartAsync();
        Assert.False(Directory.Exists(Path.Combine(world.Home, ".aws")));

        var run = await SetupOnTerminalAsync(world, [Answer.With(@"Okta org \(e\.g\. acme or https://acme\.okta\.com\): $", "$OKTA_ORG"), .. Typed(world, world.Url)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var screen = run.StdOut.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Contains("The Okta org '$OKTA_ORG' is a placeholder", screen);      // said, and asked again
        Assert.Contains("Select an AWS account", screen);                          // the apps came from Okta
        Assert.Contains("AWS Dev", screen);
        Assert.Contains("+[profile bedrock]", screen);                             // the diff, before the question
        Assert.True(screen.IndexOf("+[profile bedrock]", StringComparison.Ordinal) < screen.IndexOf("[Y/n]", StringComparison.Ordinal));

        Assert.Equal($"[profile bedrock]\nrole_arn = {BedrockWorld.BedrockRole}\nsource_profile = default\nregion = us-east-1\n",
            await File.ReadAllTextAsync(world.Env["AWS_CONFIG_FILE"]));
        var config = await File.ReadAllTextAsync(world.ConfigPath);
        Assert.Contains($"org: {world.Url}\n", config);
        Assert.Contains("appid: 0oa1dev2AbCdEfGh/272\n", config);
        Assert.Matches("^ASIA", world.Profile("default")!["aws_access_key_id"]);

        foreach (var check in new[] { "Keyman config", "AWS profile", "Source credentials", "STS GetCallerIdentity", "Bedrock ListFoundationModels", "Bedrock InvokeModel" })
        {
            Assert.Matches($"PASS  {check}: ", screen);
        }

        Assert.Matches("Claude \\(us\\.anthropic\\.\\S+\\) says:\nSandbox answer: you said \"Say hello to a developer who just set up Keyman", screen);
        Assert.Contains("export AWS_PROFILE=bedrock", screen);
        Assert.Contains("keyman setup claude-code --profile bedrock", screen);
        Assert.DoesNotContain(World.Password, screen);
        Assert.DoesNotContain(world.Profile("default")!["aws_secret_access_key"], screen);

        // What setup wrote is what the how-to's tools read: the AWS CLI asks Claude through the same role chain.
        world.Env["AWS_PROFILE"] = "bedrock";
        var cli = await BedrockWorld.ShellAsync(world, """
            aws bedrock-runtime converse --model-id us.anthropic.claude-sonnet-4-5-20250929-v1:0 \
              --messages '[{"role":"user","content":[{"text":"What is the capital of Georgia?"}]}]' | jq -r '.output.message.content[0].text'
            """);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.StartsWith("The capital of Georgia is Atlanta.", cli.StdOut);
    }

    [Fact]
    public async Task ExistingAwsFilesKeepEveryByteAndARerunChangesNothing()
    {
        await using var world = await StartAsync();
        Directory.CreateDirectory(Path.Combine(world.Home, ".aws"));
        const string awsConfig = "# my own settings\n[default]\nregion=eu-west-1\noutput = json\n\n[profile other]\nrole_arn = arn:aws:iam::999999999999:role/Other\nsource_profile = personal\n";
        const string credentials = "[personal]\naws_access_key_id = AKIAEXAMPLEPERSONAL1\naws_secret_access_key = personal/secret/key/example/0123456789ab\n";
        const string keymanConfig = "# the team's Keyman settings\nduration: 3600   # one hour\nteam_note: kept as it is\n";
        await File.WriteAllTextAsync(world.Env["AWS_CONFIG_FILE"], awsConfig);
        await File.WriteAllTextAsync(world.CredentialsPath, credentials);
        await File.WriteAllTextAsync(world.ConfigPath, keymanConfig);

        var run = await SetupOnTerminalAsync(world, Typed(world, world.Url));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("AWS region [eu-west-1]:", run.StdOut); // [default]'s region is offered
        var writtenConfig = await File.ReadAllTextAsync(world.Env["AWS_CONFIG_FILE"]);
        Assert.Equal(awsConfig + $"\n[profile bedrock]\nrole_arn = {BedrockWorld.BedrockRole}\nsource_profile = default\nregion = us-east-1\n", writtenConfig);
        var writtenCredentials = await File.ReadAllTextAsync(world.CredentialsPath);
        Assert.StartsWith(credentials + "\n[default]\naws_access_key_id = ASIA", writtenCredentials);
        var keyman = await File.ReadAllTextAsync(world.ConfigPath);
        Assert.StartsWith(keymanConfig + $"org: {world.Url}\nusername: {User}\nappid: 0oa1dev2AbCdEfGh/272\n", keyman);

        // The same answers again (each offered as the default now): nothing to write, and it says so.
        var again = await SetupOnTerminalAsync(world,
        [
            Answer.With(@"Okta org .*\[\S+\]: $", string.Empty),
            Answer.With(@"Okta username .*\[nomfa@example\.com\]: $", string.Empty),
            Answer.With(@"Bedrock role ARN .*\[arn:aws:iam::111111111111:role/my-bedrock-role\]: $", string.Empty),
            Answer.With(@"AWS region \[us-east-1\]: $", string.Empty),
            Answer.With(@"AWS profiles: .*: $", string.Empty),
            Answer.With(Answer.PasswordPrompt, World.Password),
        ]);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.DoesNotContain("Select an AWS account", again.StdOut); // the saved app and role
        Assert.Contains("no changes", again.StdOut);
        Assert.DoesNotContain("[Y/n]", again.StdOut);
        Assert.DoesNotContain("Changes:", again.StdOut);
        Assert.Equal(writtenConfig, await File.ReadAllTextAsync(world.Env["AWS_CONFIG_FILE"]));
        Assert.Equal(keyman, await File.ReadAllTextAsync(world.ConfigPath));
        Assert.StartsWith(credentials + "\n[default]\n", await File.ReadAllTextAsync(world.CredentialsPath));
        Assert.Contains("Sandbox answer", again.StdOut);
    }

    [Fact]
    public async Task ABootstrapScriptSetsUpACredentialProcessProfileThatTheAwsCliUses()
    {
        await using var world = (await StartAsync()).WithoutKeychain();
        string[] flags =
        [
            "setup", "--non-interactive", "--org", world.Url, "--username", User, "--appid", "0oa1dev2AbCdEfGh/272", "--role", "Developer",
            "--bedrock-role", BedrockWorld.BedrockRole, "--region", "us-east-1", "--profile-style", "credential-process",
        ];

        // The password comes on stdin, as a script pipes it; nothing else is asked.
        var run = await world.RunAsync(flags, Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("[Y/n]", run.StdErr);
        Assert.DoesNotContain("Selection", run.StdErr);
        Assert.Equal(
            $"[profile keyman]\ncredential_process = {KeymanProcess.Binary} credential-process --profile keyman\nregion = us-east-1\n\n"
            + $"[profile bedrock]\nrole_arn = {BedrockWorld.BedrockRole}\nsource_profile = keyman\nregion = us-east-1\n",
            await File.ReadAllTextAsync(world.Env["AWS_CONFIG_FILE"]));
        Assert.False(File.Exists(world.CredentialsPath));
        Assert.Contains("PASS  Bedrock InvokeModel", run.StdOut);
        Assert.Contains("Sandbox answer", run.StdOut);

        // Again: the kept Okta session (a headless machine's cache file) spares the password, and nothing changes.
        var config = await File.ReadAllTextAsync(world.Env["AWS_CONFIG_FILE"]);
        var again = await world.RunAsync(flags);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("no changes", again.StdErr);
        Assert.DoesNotContain(Answer.PasswordPromptText, again.StdErr);
        Assert.Equal(config, await File.ReadAllTextAsync(world.Env["AWS_CONFIG_FILE"]));

        world.Env["AWS_PROFILE"] = "bedrock";
        var cli = await Keyman.EndToEnd.Login.Aws.RunAsync(world.Env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        Assert.StartsWith("arn:aws:sts::111111111111:assumed-role/my-bedrock-role/", cli.StdOut.Trim());
    }

    [Fact]
    public async Task NonInteractiveWithABadAnswerIsOneLineWithTheFixAndExit2()
    {
        await using var world = await StartAsync();

        var run = await world.RunAsync("setup", "--non-interactive", "--org", world.Url, "--username", User, "--bedrock-role", "arn:aws:iam::111:role/x");

        Assert.Equal(2, run.ExitCode);
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("(ERROR) 'arn:aws:iam::111:role/x' is not an IAM role ARN", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Fix:", StringComparison.Ordinal));
        Assert.False(File.Exists(world.ConfigPath));
    }
}
