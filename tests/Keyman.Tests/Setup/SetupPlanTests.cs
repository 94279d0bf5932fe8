using Keyman.Core;
using Keyman.Core.Setup;
using Keyman.Tests.Support;

namespace Keyman.Tests.Setup;

/// <summary>What setup writes into files that already hold the user's own settings, and that a second run writes nothing.</summary>
public sealed class SetupPlanTests : IDisposable
{
    private const string BedrockRole = "arn:aws:iam::123456789012:role/my-bedrock-role";
    private const string App = "0oa1b2c3d4/272";
    private const string Role = "arn:aws:iam::123456789012:role/Developer";
    private const string Binary = "/opt/keyman/bin/keyman";

    private readonly string _home = Directory.CreateTempSubdirectory("keyman-setup-").FullName;
    private readonly DictionaryEnvironment _env;
    private readonly RecordingLog _log = new();

    public SetupPlanTests()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".config"));
        Directory.CreateDirectory(Path.Combine(_home, ".aws"));
        _env = new DictionaryEnvironment(new Dictionary<string, string>(), _home);
    }

    private string ConfigPath => Path.Combine(_home, ".config", "aws_okta_keyman.yml");

    private string AwsConfigPath => Path.Combine(_home, ".aws", "config");

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static SetupAnswers Answers(ProfileStyle style = ProfileStyle.RoleChain, string? bedrock = BedrockRole, string region = "us-east-1") => new()
    {
        Org = "acme",
        Username = "jane@acme.com",
        BedrockRoleArn = bedrock,
        Region = region,
        Style = style,
        SourceProfile = style == ProfileStyle.RoleChain ? "default" : "keyman",
    };

    private SetupPlan Plan(SetupAnswers answers) => SetupPlan.Make(answers, App, Role, ConfigPath, null, Binary, _env, _log);

    [Fact]
    public void MergesIntoExistingFilesKeepingEveryOtherByteAndARerunChangesNothing()
    {
        // CRLF, comments, a BOM-less mix of spacing, other profiles and a nested block: all the user's own.
        const string aws = "# my AWS settings\r\n[default]\r\nregion=eu-west-1\r\noutput = json\r\n\r\n[profile bedrock]\r\n; from the how-to\r\nrole_arn = $BEDROCK_ROLE_ARN\r\nsource_profile = default\r\n\r\n[profile other]\r\ns3 =\r\n  max_concurrent_requests = 20\r\n";
        const string keyman = "# team settings\norg: acme   # our org\nfactor: push\nunknown_key: [1, 2]\nusername: $OKTA_USERNAME\n";
        File.WriteAllText(AwsConfigPath, aws);
        File.WriteAllText(ConfigPath, keyman);

        var plan = Plan(Answers());

        Assert.True(plan.Changed);
        Assert.Equal(aws, plan.AwsConfig.Before);
        Assert.Equal(aws.Replace("role_arn = $BEDROCK_ROLE_ARN", $"role_arn = {BedrockRole}", StringComparison.Ordinal)
            .Replace("source_profile = default\r\n", "source_profile = default\r\nregion = us-east-1\r\n", StringComparison.Ordinal), plan.AwsConfig.After);
        Assert.Contains($"+role_arn = {BedrockRole}", plan.AwsConfig.Diff, StringComparison.Ordinal);
        Assert.Contains("-role_arn = $BEDROCK_ROLE_ARN", plan.AwsConfig.Diff, StringComparison.Ordinal);
        Assert.Equal(aws, File.ReadAllText(AwsConfigPath)); // planning writes nothing

        plan.Apply(_env);

        Assert.Equal(plan.AwsConfig.After, File.ReadAllText(AwsConfigPath));
        var written = File.ReadAllText(ConfigPath);
        Assert.Equal(plan.KeymanConfig.After, written);
        Assert.StartsWith("# team settings\norg: acme   # our org\nfactor: push\nunknown_key: [1, 2]\nusername: jane@acme.com\n", written, StringComparison.Ordinal);
        Assert.EndsWith($"appid: {App}\nregion: us-east-1\nrole: {Role}\n", written, StringComparison.Ordinal);

        var again = Plan(Answers());
        Assert.False(again.Changed);
        Assert.Equal(string.Empty, again.AwsConfig.Diff + again.KeymanConfig.Diff);
        Assert.All(again.AwsEdits, e => Assert.False(e.Changed));
    }

    [Fact]
    public void AFreshHomeGetsBothFilesNew()
    {
        File.Delete(AwsConfigPath);

        var plan = Plan(Answers());

        Assert.Null(plan.AwsConfig.Before);
        Assert.Null(plan.KeymanConfig.Before);
        Assert.Equal($"[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = default\nregion = us-east-1\n", plan.AwsConfig.After);
        Assert.Equal($"org: acme\nusername: jane@acme.com\nappid: {App}\nregion: us-east-1\nrole: {Role}\n", plan.KeymanConfig.After);
        Assert.Matches($@"^--- {System.Text.RegularExpressions.Regex.Escape(AwsConfigPath)} \(new\)\n\+\+\+ .*\n@@ -0,0 \+1,\d+ @@\n\+\[profile bedrock\]\n", plan.AwsConfig.Diff);

        plan.Apply(_env);
        Assert.False(Plan(Answers()).Changed);
    }

    [Fact]
    public void AChangedAnswerChangesOnlyItsLines()
    {
        Plan(Answers()).Apply(_env);
        var aws = File.ReadAllText(AwsConfigPath);
        var keyman = File.ReadAllText(ConfigPath);

        var plan = Plan(Answers(region: "us-west-2"));

        Assert.Equal(aws.Replace("region = us-east-1", "region = us-west-2", StringComparison.Ordinal), plan.AwsConfig.After);
        Assert.Equal(keyman.Replace("region: us-east-1", "region: us-west-2", StringComparison.Ordinal), plan.KeymanConfig.After);
    }

    [Fact]
    public void TheSameValuesWrittenAnotherWayAreLeftAsTheUserWroteThem()
    {
        const string aws = $"[profile bedrock]\nrole_arn={BedrockRole}\nSOURCE_PROFILE = default\nregion =  us-east-1\n";
        File.WriteAllText(AwsConfigPath, aws);

        var plan = Plan(Answers());

        Assert.False(plan.AwsConfig.Changed);
        Assert.Equal(aws, plan.AwsConfig.After);
    }

    [Fact]
    public void CredentialProcessStyleWritesTheSourceProfileAndDropsItsOtherCredentialSources()
    {
        const string aws = "[profile keyman]\naws_access_key_id = AKIAOLD\n# keep me\nregion = us-east-1\n\n[profile bedrock]\ncredential_process = /old/tool\n";
        File.WriteAllText(AwsConfigPath, aws);

        var plan = Plan(Answers(ProfileStyle.CredentialProcess));
        plan.Apply(_env);

        Assert.Equal(
            $"[profile keyman]\n# keep me\nregion = us-east-1\ncredential_process = {Binary} credential-process --profile keyman\n\n"
            + $"[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = keyman\nregion = us-east-1\n",
            File.ReadAllText(AwsConfigPath));
        Assert.DoesNotMatch("(?m)^name:", File.ReadAllText(ConfigPath));
        Assert.False(Plan(Answers(ProfileStyle.CredentialProcess)).Changed);
    }

    [Fact]
    public void TheDiffNeverShowsASecretKeyTheFileHeld()
    {
        const string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        File.WriteAllText(AwsConfigPath, $"[profile keyman]\naws_access_key_id = AKIAOLD\naws_secret_access_key = {secret}\naws_session_token={secret}\n");

        var plan = Plan(Answers(ProfileStyle.CredentialProcess));

        Assert.Contains("-aws_secret_access_key = (hidden)\n", plan.AwsConfig.Diff, StringComparison.Ordinal);
        Assert.Contains("-aws_session_token=(hidden)\n", plan.AwsConfig.Diff, StringComparison.Ordinal);
        Assert.Contains("-aws_access_key_id = AKIAOLD\n", plan.AwsConfig.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, plan.AwsConfig.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutABedrockRoleTheChainStyleLeavesTheAwsConfigAlone()
    {
        const string aws = "[default]\nregion = eu-west-1\n";
        File.WriteAllText(AwsConfigPath, aws);

        var plan = Plan(Answers(bedrock: null));

        Assert.False(plan.AwsConfig.Changed);
        Assert.True(plan.KeymanConfig.Changed);
        Assert.Equal("default", plan.Answers.ProfileToUse);
    }
}
