using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>
/// Every way the how-to's chain breaks, produced for real against the sandbox: doctor names the broken link and its
/// fix, and the Bedrock commands fail with the same diagnosis and a documented exit code.
/// </summary>
public sealed class DoctorFailureTests
{
    private static (string Status, string Line) Check(RunResult doctor, string name)
    {
        var line = doctor.StdOut.Split('\n').Single(l => l.Contains($"  {name}:", StringComparison.Ordinal));
        return (line[..4], line);
    }

    private static void AssertFails(RunResult doctor, string name, int exitCode, string words)
    {
        Assert.True(doctor.ExitCode == exitCode, doctor.ToString());
        var (status, line) = Check(doctor, name);
        Assert.True(status == "FAIL", doctor.StdOut);
        Assert.Contains(words, line, StringComparison.OrdinalIgnoreCase);
        var fix = doctor.StdOut.Split('\n').SkipWhile(l => l != line).Skip(1).First();
        Assert.StartsWith("      Fix: ", fix);
    }

    [Fact]
    public async Task NoKeymanConfig()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        File.Delete(world.ConfigPath);
        var doctor = await world.RunAsync("doctor", "--no-invoke");
        AssertFails(doctor, "Keyman config", 10, "does not exist");
        Assert.StartsWith("PASS", Check(doctor, "STS GetCallerIdentity").Status); // the AWS side is checked all the same
    }

    [Fact]
    public async Task PlaceholderLeftInTheKeymanConfig()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        File.WriteAllText(world.ConfigPath, "org: $OKTA_ORG\nusername: $OKTA_USERNAME\nappid: $AWS_APP_ID\n");
        var doctor = await world.RunAsync("doctor", "--no-invoke");
        AssertFails(doctor, "Keyman config", 10, "3 problems");
        var line = Check(doctor, "Keyman config").Line; // every placeholder in one run, each with its line
        Assert.Contains("line 1: 'org' is still the placeholder '$OKTA_ORG'", line);
        Assert.Contains("line 2: 'username' is still the placeholder '$OKTA_USERNAME'", line);
        Assert.Contains("line 3: 'appid' is still the placeholder '$AWS_APP_ID'", line);
        Assert.StartsWith("PASS", Check(doctor, "STS GetCallerIdentity").Status); // the AWS side is checked all the same
    }

    [Fact]
    public async Task NoAwsConfigIsSaidPlainly()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        File.Delete(world.Env["AWS_CONFIG_FILE"]);
        var doctor = await world.RunAsync("doctor", "--no-invoke");
        AssertFails(doctor, "AWS profile", 4, $"{world.Env["AWS_CONFIG_FILE"]} does not exist");
        Assert.Contains("[profile bedrock]", doctor.StdOut);
        Assert.Contains("export AWS_PROFILE=bedrock", doctor.StdOut);
    }

    [Fact]
    public async Task LiteralDollarAwsProfile()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env["AWS_PROFILE"] = "$AWS_PROFILE";
        AssertFails(await world.RunAsync("doctor"), "AWS profile", 4, "$AWS_PROFILE");
        var ask = await world.RunAsync("bedrock", "ask", "hi");
        Assert.Equal(4, ask.ExitCode);
        Assert.Contains("placeholder", ask.StdErr);
    }

    [Fact]
    public async Task ProfileNotInTheAwsConfig()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env["AWS_PROFILE"] = "bedrok";
        var doctor = await world.RunAsync("doctor");
        AssertFails(doctor, "AWS profile", 4, "bedrok");
        Assert.Contains("bedrock", doctor.StdOut); // the fix lists the profiles there are
    }

    [Fact]
    public async Task PlaceholderLeftInRoleArn()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        BedrockWorld.WriteAwsConfig(world, "$AWS_ROLE_ASSUMED_ARN");
        AssertFails(await world.RunAsync("doctor"), "AWS profile", 30, "$AWS_ROLE_ASSUMED_ARN");
    }

    [Fact]
    public async Task NoSourceCredentialsBecauseKeymanNeverRan()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        File.Delete(world.CredentialsPath);
        AssertFails(await world.RunAsync("doctor"), "Source credentials", 31, "no credentials");
        var models = await world.RunAsync("bedrock", "models");
        Assert.Equal(31, models.ExitCode);
        Assert.Contains("keyman", models.StdErr);
    }

    [Fact]
    public async Task SourceCredentialsExpiredByTheirRecordedExpiry()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var text = File.ReadAllLines(world.CredentialsPath)
            .Select(l => l.StartsWith("x_security_token_expires", StringComparison.Ordinal) ? "x_security_token_expires = 2020-01-01T00:00:00Z" : l);
        File.WriteAllLines(world.CredentialsPath, text);
        var doctor = await world.RunAsync("doctor");
        AssertFails(doctor, "Source credentials", 32, "expired at 2020-01-01");
        Assert.Contains("run `keyman`", doctor.StdOut, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CredentialsThatAwsNoLongerAccepts()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        await BedrockWorld.PostAsync(world, "/_sandbox/credentials/expire");
        AssertFails(await world.RunAsync("doctor"), "STS GetCallerIdentity", 32, "expired");
    }

    [Fact]
    public async Task RoleChainRefusedByTheTrustPolicy()
    {
        await using var world = await BedrockWorld.LoggedInAsync(roleArn: "arn:aws:iam::222222222222:role/team/Admin");
        var doctor = await world.RunAsync("doctor");
        AssertFails(doctor, "STS GetCallerIdentity", 33, "team/Admin");
        Assert.Contains("Developer", doctor.StdOut); // both roles of the chain are named
    }

    [Fact]
    public async Task RoleWithoutBedrockAccessCannotList()
    {
        await using var world = await BedrockWorld.LoggedInAsync(roleArn: "arn:aws:iam::222222222222:role/Deployer");
        var doctor = await world.RunAsync("doctor");
        AssertFails(doctor, "Bedrock ListFoundationModels", 34, "bedrock:ListFoundationModels");
    }

    [Fact]
    public async Task GatewayRoleWithoutTheChainMayListButNotInvoke()
    {
        // The how-to's reason for step 0: the role Okta gives may not invoke models; the chained Bedrock role may.
        var world = await World.StartAsync();
        await using (world)
        {
            world.WithConfig("username: gina@example.com", "appid: 0oa5stepUpBdrck/272");
            world.Env["AWS_ENDPOINT_URL"] = world.Url;
            world.Env["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath;
            var login = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password), Answer.Computed("MFA Passcode: $", () => world.Totp("gina@example.com")));
            Assert.True(login.ExitCode == 0, login.ToString());
            var doctor = await world.RunAsync("doctor", "--profile", "default");
            AssertFails(doctor, "Bedrock InvokeModel", 34, "bedrock:InvokeModel");
            var fix = doctor.StdOut.Split('\n').SkipWhile(l => !l.Contains("  Bedrock InvokeModel:", StringComparison.Ordinal)).Skip(1).First();
            // The how-to's role chain and --assume-role come first; DevOps only after them.
            var chain = fix.IndexOf("export AWS_PROFILE=bedrock", StringComparison.Ordinal);
            var assume = fix.IndexOf("keyman --assume-role ARN", StringComparison.Ordinal);
            var devOps = fix.IndexOf("DevOps", StringComparison.Ordinal);
            Assert.True(chain >= 0 && assume > chain && devOps > assume, fix);
            Assert.Contains("source_profile = default", fix);
            Assert.StartsWith("WARN", Check(doctor, "AWS profile").Status);
        }
    }

    [Fact]
    public async Task ModelNotEnabledInTheAccount()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var ask = await world.RunAsync("bedrock", "ask", "--model-id", "us.anthropic.claude-3-opus-20240229-v1:0", "hi");
        Assert.Equal(35, ask.ExitCode);
        Assert.Contains("model access", ask.StdErr, StringComparison.OrdinalIgnoreCase);
        AssertFails(await world.RunAsync("doctor", "--model-id", "us.anthropic.claude-3-opus-20240229-v1:0"), "Bedrock InvokeModel", 35, "access");
    }

    [Fact]
    public async Task BaseModelIdThatNeedsAnInferenceProfileNamesTheProfile()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var ask = await world.RunAsync("bedrock", "ask", "--model-id", "anthropic.claude-3-5-sonnet-20241022-v2:0", "hi");
        Assert.Equal(36, ask.ExitCode);
        Assert.Contains("us.anthropic.claude-3-5-sonnet-20241022-v2:0", ask.StdErr);
    }

    [Fact]
    public async Task UnknownModelId()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var ask = await world.RunAsync("bedrock", "ask", "--model-id", "anthropic.claude-9", "hi");
        Assert.Equal(36, ask.ExitCode);
        Assert.Contains("keyman bedrock models", ask.StdErr);
    }

    [Fact]
    public async Task ThrottlingIsRetriedThenReported()
    {
        await using var world = await BedrockWorld.LoggedInAsync(null, BedrockWorld.BedrockRole, "bedrockThrottle=1");
        var once = await world.RunAsync("bedrock", "ask", "--model-id", "anthropic.claude-3-haiku-20240307-v1:0", "What is the capital of Georgia?");
        Assert.True(once.ExitCode == 0, once.ToString());
        Assert.Contains("Atlanta", once.StdOut);

        await BedrockWorld.PostAsync(world, "/_sandbox/faults", new { bedrockThrottle = 100 });
        var always = await world.RunAsync("bedrock", "ask", "--model-id", "anthropic.claude-3-haiku-20240307-v1:0", "hi");
        Assert.Equal(37, always.ExitCode);
        Assert.Contains("Fix:", always.StdErr);
    }

    [Fact]
    public async Task StreamBrokenByAnExceptionFrame()
    {
        await using var world = await BedrockWorld.LoggedInAsync(null, BedrockWorld.BedrockRole, "bedrockStreamError=1");
        var ask = await world.RunAsync("bedrock", "ask", "--stream", "--model-id", "anthropic.claude-3-haiku-20240307-v1:0", "What is the capital of Georgia?");
        Assert.Equal(39, ask.ExitCode);
        Assert.Contains("(ERROR)", ask.StdErr);
    }

    [Fact]
    public async Task RegionWithoutBedrock()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var models = await world.RunAsync("bedrock", "models", "--region", "af-south-1");
        Assert.Equal(3, models.ExitCode);
        Assert.Contains("af-south-1", models.StdErr);
    }
}
