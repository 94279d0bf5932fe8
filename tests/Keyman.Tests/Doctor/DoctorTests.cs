using Keyman.Core;
using Keyman.Core.Doctor;
using Keyman.Tests.Support;

namespace Keyman.Tests.Doctor;

/// <summary>What doctor reports offline: every config problem at once, and a missing AWS config said plainly.</summary>
public sealed class DoctorTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("keyman-doctor-").FullName;
    private readonly Dictionary<string, string> _env = [];

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string ConfigPath => Path.Combine(_home, "aws_okta_keyman.yml");

    private async Task<IReadOnlyList<DoctorCheck>> RunAsync()
    {
        var context = new KeymanContext
        {
            Environment = new DictionaryEnvironment(_env, _home),
            Log = new RecordingLog(),
            Interaction = new ScriptedInteraction { CanPrompt = false },
        };
        return await new Core.Doctor.Doctor(context, new DoctorOptions { ConfigPath = ConfigPath, Invoke = false }).RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Every_placeholder_of_the_config_is_listed_with_its_line_and_the_aws_side_is_still_checked()
    {
        File.WriteAllText(ConfigPath, "org: $OKTA_ORG\nusername: ${OKTA_USERNAME}\nappid: $AWS_APP_ID\nregion: us-east-1\n");

        var checks = await RunAsync();

        var config = checks.Single(c => c.Name == "Keyman config");
        Assert.Equal(CheckStatus.Fail, config.Status);
        Assert.Equal(ExitCodes.Config, config.ExitCode);
        Assert.Contains("3 problems", config.Detail);
        Assert.Contains("line 1: 'org' is still the placeholder '$OKTA_ORG'", config.Detail);
        Assert.Contains("line 2: 'username' is still the placeholder '${OKTA_USERNAME}'", config.Detail);
        Assert.Contains("line 3: 'appid' is still the placeholder '$AWS_APP_ID'", config.Detail);
        Assert.Contains("every $PLACEHOLDER", config.Fix);
        // Checks that do not need the config ran all the same.
        Assert.NotEqual(CheckStatus.Skip, checks.Single(c => c.Name == "AWS profile").Status);
        Assert.Equal(CheckStatus.Fail, checks.First(c => c.Status == CheckStatus.Fail).Status);
        Assert.Equal("Keyman config", checks.First(c => c.Status == CheckStatus.Fail).Name);
    }

    [Fact]
    public async Task One_problem_keeps_its_own_message_and_fix()
    {
        File.WriteAllText(ConfigPath, "org: https://acme.okta.com\nusername: $OKTA_USERNAME\n");

        var config = (await RunAsync()).Single(c => c.Name == "Keyman config");

        Assert.Equal(CheckStatus.Fail, config.Status);
        Assert.DoesNotContain("problems", config.Detail);
        Assert.Contains("line 2: 'username' is still the placeholder '$OKTA_USERNAME'", config.Detail);
        Assert.Contains("Replace '$OKTA_USERNAME'", config.Fix);
    }

    [Fact]
    public async Task A_missing_aws_config_is_said_plainly_with_step_zero()
    {
        File.WriteAllText(ConfigPath, "org: https://acme.okta.com\n");

        var profile = (await RunAsync()).Single(c => c.Name == "AWS profile");

        Assert.Equal(CheckStatus.Warn, profile.Status);
        Assert.StartsWith($"{Path.Combine(_home, ".aws", "config")} does not exist", profile.Detail);
        Assert.Contains("[profile bedrock]", profile.Detail);
        Assert.Contains("export AWS_PROFILE=bedrock", profile.Detail);
    }

    [Fact]
    public async Task A_profile_asked_for_when_aws_config_file_points_to_a_missing_file_names_the_file()
    {
        var missing = Path.Combine(_home, "nowhere", "config");
        _env["AWS_CONFIG_FILE"] = missing;
        _env["AWS_PROFILE"] = "bedrock";

        var profile = (await RunAsync()).Single(c => c.Name == "AWS profile");

        Assert.Equal(CheckStatus.Fail, profile.Status);
        Assert.Equal(ExitCodes.AwsProfileNotFound, profile.ExitCode);
        Assert.Equal($"{missing} does not exist, so it has no profile 'bedrock'", profile.Detail);
        Assert.Contains("role_arn", profile.Fix);
        Assert.Contains("source_profile = default", profile.Fix);
    }
}
