using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Scenario;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// --all-profiles with the published binary: one login, one SAML assertion, one AssumeRoleWithSAML per role, every
/// profile in the credentials file, and the AWS CLI using them.
/// </summary>
public sealed class AllProfilesTests
{
    private const string MultiApp = "0oa2multiAcctXyZ/137";

    private static Task<RunResult> LoginAsync(World world, params string[] args)
    {
        world.WithConfig("username: nomfa@example.com", $"appid: {MultiApp}", "region: us-east-1");
        return world.RunAsync(args, Answer.With(Answer.PasswordPrompt, World.Password));
    }

    private static async Task<string> CallerArnAsync(World world, string profile)
    {
        var env = new Dictionary<string, string>(world.Env) { ["AWS_SHARED_CREDENTIALS_FILE"] = world.CredentialsPath };
        var identity = await Aws.RunAsync(env, "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", world.Sandbox.BaseUrl,
            "--query", "Arn", "--output", "text");
        return identity.StdOut.Trim();
    }

    [Fact]
    public async Task OneLoginWritesEveryRolesProfileFromOneAssertionAndTheAwsCliUsesThem()
    {
        await using var world = await World.StartAsync();

        var run = await LoginAsync(world, "--all-profiles");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(string.Empty, run.StdOut);
        // One assertion from Okta, four calls to STS with it, all accepted.
        Assert.Single(run.StdErr.Split('\n'), l => l.Contains("Getting SAML Assertion", StringComparison.Ordinal));
        var sts = (await world.RequestsAsync("sts")).Where(e => e.GetProperty("action").GetString() == "AssumeRoleWithSAML").Select(e => e.GetProperty("status").GetInt32());
        Assert.Equal([200, 200, 200, 200], sts);

        string[] profiles = ["sandbox-dev-Developer", "sandbox-dev-ReadOnly", "sandbox-prod-account-team-Admin", "sandbox-prod-account-Deployer"];
        var keys = profiles.Select(p => world.Profile(p)?["aws_access_key_id"]).ToList();
        Assert.All(keys, k => Assert.Matches("^ASIA[A-Z2-7]{16}$", k));
        Assert.Equal(4, keys.Distinct().Count());
        Assert.Null(world.Profile("default"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(world.CredentialsPath));
        Assert.Contains($"Wrote 4 profiles to {world.CredentialsPath}", run.StdErr);
        Assert.Contains("All done!", run.StdErr);

        Assert.Equal("arn:aws:sts::222222222222:assumed-role/Admin/nomfa@example.com", await CallerArnAsync(world, "sandbox-prod-account-team-Admin"));
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/ReadOnly/nomfa@example.com", await CallerArnAsync(world, "sandbox-dev-ReadOnly"));
    }

    [Fact]
    public async Task ARoleThatDoesNotTrustTheProviderIsListedWithItsReasonAndExit24WhileTheOthersWork()
    {
        var scenario = ScenarioDocument.LoadDefault();
        scenario.FindRole("arn:aws:iam::222222222222:role/Deployer")!.TrustsSaml = false;
        await using var world = await World.StartAsync(scenario);
        File.WriteAllText(world.CredentialsPath.EnsureDirectory(), "[mine]\naws_access_key_id = AKIAMINE\naws_secret_access_key = s\n");

        var run = await LoginAsync(world, "--all-profiles", "--profile-template", "{account_id}-{role}");

        Assert.Equal(24, run.ExitCode);
        Assert.Contains("(WARNING) Not written: 222222222222-Deployer (arn:aws:iam::222222222222:role/Deployer): AWS refused role arn:aws:iam::222222222222:role/Deployer",
            run.StdErr);
        var error = Assert.Single(run.StdErr.Split('\n'), l => l.Contains("(ERROR)", StringComparison.Ordinal));
        Assert.Contains("1 of 4 profiles were not written: 222222222222-Deployer", error);
        Assert.Null(world.Profile("222222222222-Deployer"));
        Assert.Equal("AKIAMINE", world.Profile("mine")!["aws_access_key_id"]);
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com", await CallerArnAsync(world, "111111111111-Developer"));
    }
}

internal static class PathExtensions
{
    /// <summary>Creates the file's folder and returns the path.</summary>
    public static string EnsureDirectory(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
