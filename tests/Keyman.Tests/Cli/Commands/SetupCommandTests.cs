using System.Text.Json;

namespace Keyman.Tests.Cli.Commands;

/// <summary><c>keyman setup</c> in-process against the sandbox: answers on stdin, or every answer as a flag.</summary>
public sealed class SetupCommandTests
{
    private const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";

    [Fact]
    public async Task AnswersOnStdinWriteBothFilesPassDoctorAndPrintClaudesAnswerAndARerunWritesNothing()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        File.Delete(cli.ConfigPath);
        // A placeholder is refused and asked again; blank keeps the shown default; the app is picked by its name.
        var answers = string.Join("\n", "$OKTA_ORG", cli.Url, "nomfa@example.com", BedrockRole, "", "", CliTestHost.Password, "AWS Dev", "y") + "\n";

        var code = await cli.RunAsync(["setup"], answers);

        Assert.True(code == 0, cli.ToString());
        Assert.Contains("The Okta org '$OKTA_ORG' is a placeholder", cli.Error, StringComparison.Ordinal);
        Assert.Contains("Select an AWS account", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--account", cli.Error, StringComparison.Ordinal); // setup has no --account; it saves the app itself
        var config = File.ReadAllText(cli.ConfigPath);
        Assert.Contains($"org: {cli.Url}\n", config, StringComparison.Ordinal);
        Assert.Contains("username: nomfa@example.com\n", config, StringComparison.Ordinal);
        Assert.Contains($"appid: {CliTestHost.DevApp}\n", config, StringComparison.Ordinal);
        Assert.Contains("role: arn:aws:iam::111111111111:role/Developer\n", config, StringComparison.Ordinal);
        Assert.Contains("region: us-east-1\n", config, StringComparison.Ordinal);
        Assert.Equal($"[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = default\nregion = us-east-1\n", File.ReadAllText(cli.AwsConfigPath));
        Assert.Matches("^ASIA", cli.Profile("default")!["aws_access_key_id"]);
        Assert.Contains($"+role_arn = {BedrockRole}", cli.Out, StringComparison.Ordinal);
        Assert.Contains("PASS  Bedrock InvokeModel", cli.Out, StringComparison.Ordinal);
        Assert.Matches(@"Claude \(\S+\) says:\n\S", cli.Out);
        Assert.Contains("export AWS_PROFILE=bedrock", cli.Out, StringComparison.Ordinal);
        Assert.Contains("keyman setup claude-code --profile bedrock", cli.Out, StringComparison.Ordinal);

        var awsConfig = File.ReadAllText(cli.AwsConfigPath);
        var again = await cli.RunAsync(["setup"], string.Join("\n", "", "", "", "", "", CliTestHost.Password) + "\n");

        Assert.True(again == 0, cli.ToString());
        Assert.DoesNotContain("Select an AWS account", cli.Error, StringComparison.Ordinal);
        Assert.Contains("no changes", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Changes:", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Write these changes", cli.Error, StringComparison.Ordinal);
        Assert.Equal(config, File.ReadAllText(cli.ConfigPath));
        Assert.Equal(awsConfig, File.ReadAllText(cli.AwsConfigPath));
    }

    [Fact]
    public async Task NonInteractiveTakesEveryAnswerFromFlagsAndAsksOnlyThePassword()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        File.Delete(cli.ConfigPath);

        var code = await cli.RunAsync(["setup", "--non-interactive", "-o", cli.Url, "-u", "nomfa@example.com", "--appid", CliTestHost.DevApp,
            "--role", "Developer", "--bedrock-role", BedrockRole, "--region", "us-west-2", "--profile", "claude", "--source-profile", "okta"], CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        Assert.DoesNotContain("[Y/n]", cli.Error, StringComparison.Ordinal);
        Assert.Contains("name: okta\n", File.ReadAllText(cli.ConfigPath), StringComparison.Ordinal);
        Assert.Equal($"[profile claude]\nrole_arn = {BedrockRole}\nsource_profile = okta\nregion = us-west-2\n", File.ReadAllText(cli.AwsConfigPath));
        Assert.Equal("us-west-2", cli.Profile("okta")!["region"]);
        Assert.Contains("export AWS_PROFILE=claude", cli.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n  keyman +# new credentials in \[okta\]", cli.Out);

        // The config it wrote is one plain keyman reads as the how-to's: no menu, the same role, profile okta.
        Assert.Equal(0, await cli.RunAsync([], CliTestHost.Password + "\n"));
        Assert.DoesNotContain("Select", cli.Error, StringComparison.Ordinal);
        Assert.Contains("Wrote profile \"okta\"", cli.Error, StringComparison.Ordinal);
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com", cli.Profile("okta")!["x_principal_arn"]);
    }

    [Fact]
    public async Task JsonPrintsOnlyTheResultOnStdoutAndTheDiffOnStderr()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        File.Delete(cli.ConfigPath);
        string[] args = ["setup", "--non-interactive", "--json", "-o", cli.Url, "-u", "nomfa@example.com", "--appid", CliTestHost.DevApp, "--bedrock-role", BedrockRole];

        var code = await cli.RunAsync(args, CliTestHost.Password + "\n");

        Assert.True(code == 0, cli.ToString());
        using var json = JsonDocument.Parse(cli.Out);
        var root = json.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.True(root.GetProperty("changed").GetBoolean());
        Assert.Equal([cli.ConfigPath, cli.AwsConfigPath, cli.CredentialsPath], root.GetProperty("written").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("bedrock", root.GetProperty("profile").GetString());
        Assert.Equal("chain", root.GetProperty("profileStyle").GetString());
        Assert.Equal("arn:aws:iam::111111111111:role/Developer", root.GetProperty("roleArn").GetString());
        Assert.All(root.GetProperty("checks").EnumerateArray(), c => Assert.Equal("PASS", c.GetProperty("status").GetString()));
        Assert.StartsWith("Sandbox answer", root.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Contains($"+role_arn = {BedrockRole}", cli.Error, StringComparison.Ordinal);

        Assert.Equal(0, await cli.RunAsync(args, CliTestHost.Password + "\n"));
        using var again = JsonDocument.Parse(cli.Out);
        Assert.False(again.RootElement.GetProperty("changed").GetBoolean());
        Assert.Equal([cli.CredentialsPath], again.RootElement.GetProperty("written").EnumerateArray().Select(e => e.GetString())); // the chain's fresh keys
    }

    [Fact]
    public async Task ARoleTheLoginMayNotAssumeFailsTheCheckWithItsExitCodeAndAsksClaudeNothing()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        const string other = "arn:aws:iam::111111111111:role/someone-elses-role";

        var code = await cli.RunAsync(["setup", "--non-interactive", "-o", cli.Url, "-u", "nomfa@example.com", "--appid", CliTestHost.DevApp, "--bedrock-role", other],
            CliTestHost.Password + "\n");

        Assert.Equal(33, code);
        Assert.Contains("FAIL  STS GetCallerIdentity", cli.Out, StringComparison.Ordinal);
        Assert.Contains("Setup wrote the files, but the check 'STS GetCallerIdentity' failed", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("says:", cli.Out, StringComparison.Ordinal);
        Assert.Contains($"role_arn = {other}", File.ReadAllText(cli.AwsConfigPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonInteractiveWithoutAnOrgIsOneLineExit2AndWritesNothing()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        File.Delete(cli.ConfigPath);

        var code = await cli.RunAsync("setup", "--non-interactive", "-u", "nomfa@example.com");

        Assert.Equal(2, code);
        var error = Assert.Single(cli.ErrorLines);
        Assert.Contains("--non-interactive needs --org", error, StringComparison.Ordinal);
        Assert.Contains("Fix: Pass --org", cli.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ConfigPath));
        Assert.False(File.Exists(cli.AwsConfigPath));
    }

    [Fact]
    public async Task AJsonFailureIsOneObjectOnStdoutAndTheSameLineOnStderr()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        File.Delete(cli.ConfigPath);

        var code = await cli.RunAsync("setup", "--non-interactive", "--json", "-o", cli.Url);

        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(cli.Out);
        var root = json.RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal(2, root.GetProperty("exitCode").GetInt32());
        Assert.Contains("--non-interactive needs --username", root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Pass --username", root.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Contains("--non-interactive needs --username", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonInteractiveRefusesAPlaceholderRoleArnBeforeAnyLogin()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();

        var code = await cli.RunAsync("setup", "--non-interactive", "-o", cli.Url, "-u", "nomfa@example.com", "--bedrock-role", "$BEDROCK_ROLE_ARN");

        Assert.Equal(2, code);
        Assert.Contains("The Bedrock role ARN '$BEDROCK_ROLE_ARN' is a placeholder", Assert.Single(cli.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("Okta password", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonInteractiveWithSeveralAppsNamesTheFlagAndTheChoices()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();

        var code = await cli.RunAsync(["setup", "--non-interactive", "-o", cli.Url, "-u", "nomfa@example.com"], CliTestHost.Password + "\n");

        Assert.Equal(2, code);
        Assert.Contains("--non-interactive: Keyman must ask 'Select an AWS account'", cli.Error, StringComparison.Ordinal);
        Assert.Contains($"Fix: Pass --appid with one of: {CliTestHost.DevApp}", cli.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.AwsConfigPath));
    }

    [Fact]
    public async Task DecliningTheChangesWritesNothing()
    {
        await using var cli = await CliTestHost.WithSandboxAsync();
        File.Delete(cli.ConfigPath);

        var code = await cli.RunAsync(["setup", "-o", cli.Url, "-u", "nomfa@example.com", "--appid", CliTestHost.DevApp, "--bedrock-role", "none", "--region", "us-east-1", "--profile-style", "chain"],
            CliTestHost.Password + "\nn\n");

        Assert.Equal(130, code);
        Assert.Contains("Nothing written", cli.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ConfigPath));
        Assert.False(File.Exists(cli.CredentialsPath));
    }
}
