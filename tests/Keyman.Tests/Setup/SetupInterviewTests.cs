using Keyman.Core;
using Keyman.Core.Setup;
using Keyman.Tests.Support;

namespace Keyman.Tests.Setup;

/// <summary>The questions of <c>keyman setup</c>: each answer checked as typed and asked again, defaults from the files, flags for scripts.</summary>
public sealed class SetupInterviewTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("keyman-setup-").FullName;
    private readonly RecordingLog _log = new();

    public SetupInterviewTests() => Directory.CreateDirectory(Path.Combine(_home, ".config"));

    private string ConfigPath => Path.Combine(_home, ".config", "aws_okta_keyman.yml");

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private Task<SetupAnswers> RunAsync(ScriptedInteraction ui, SetupRequest? request = null)
    {
        var context = new KeymanContext
        {
            Environment = new DictionaryEnvironment(new Dictionary<string, string>
            {
                ["AWS_CONFIG_FILE"] = Path.Combine(_home, ".aws", "config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_home, ".aws", "credentials"),
            }, _home),
            Log = _log,
            Interaction = ui,
        };
        return new SetupInterview(context, (request ?? new SetupRequest { ConfigPath = ConfigPath }) with { ConfigPath = ConfigPath }).RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AWrongAnswerIsSaidAndAskedAgain()
    {
        var ui = new ScriptedInteraction("$OKTA_ORG", "acme", "jane doe", "jane@acme.com", "arn:aws:iam::1:role/x", "arn:aws:iam::123456789012:role/bedrock", "us east", "", "process");

        var answers = await RunAsync(ui);

        Assert.Equal("acme", answers.Org);
        Assert.Equal("jane@acme.com", answers.Username);
        Assert.Equal("arn:aws:iam::123456789012:role/bedrock", answers.BedrockRoleArn);
        Assert.Equal("us-east-1", answers.Region);
        Assert.Equal(ProfileStyle.CredentialProcess, answers.Style);
        Assert.Equal("keyman", answers.SourceProfile);
        Assert.Equal("bedrock", answers.ProfileToUse);
        Assert.Equal(2, ui.Asked.Count(q => q.StartsWith("Okta org", StringComparison.Ordinal)));
        Assert.Equal(2, ui.Asked.Count(q => q.StartsWith("Bedrock role ARN", StringComparison.Ordinal)));
        Assert.Contains(_log.Lines, l => l.Level == "WARNING" && l.Message.Contains("'$OKTA_ORG' is a placeholder", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Level == "WARNING" && l.Message.Contains("'us east' is not an AWS region name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheConfigsValuesAreTheDefaultsAndItsPlaceholdersAreNot()
    {
        File.WriteAllText(ConfigPath, "org: acme\nusername: $OKTA_USERNAME\nregion: eu-west-1\n");
        var ui = new ScriptedInteraction("acme", "", "jane@acme.com", "", "", "");

        var answers = await RunAsync(ui);

        // The file does not load (a placeholder), so nothing of it is offered, nor the OS user: Enter is refused.
        Assert.Equal("Okta org (e.g. acme or https://acme.okta.com):", ui.Asked[0]);
        Assert.Equal("jane@acme.com", answers.Username);
        Assert.Contains(_log.Lines, l => l.Level == "WARNING" && l.Message.Contains("cannot be used as it is", StringComparison.Ordinal));
        Assert.Equal(["Okta username (e.g. jane@acme.com):", "Okta username (e.g. jane@acme.com):"], ui.Asked.Skip(1).Take(2));

        File.WriteAllText(ConfigPath, "org: acme\nusername: jane@acme.com\nregion: eu-west-1\n");
        var again = await RunAsync(new ScriptedInteraction("", "", "", "", ""));
        Assert.Equal(("acme", "jane@acme.com", "eu-west-1", null), (again.Org, again.Username, again.Region, again.BedrockRoleArn));
        Assert.Equal(ProfileStyle.RoleChain, again.Style);
    }

    [Fact]
    public async Task TheBedrockRoleOfTheAwsConfigIsItsDefault()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".aws"));
        File.WriteAllText(Path.Combine(_home, ".aws", "config"), "[profile bedrock]\nrole_arn = arn:aws:iam::123456789012:role/kept\nsource_profile = default\n");
        var ui = new ScriptedInteraction("acme", "jane", "", "", "");

        var answers = await RunAsync(ui);

        Assert.Equal("arn:aws:iam::123456789012:role/kept", answers.BedrockRoleArn);
        Assert.Contains("Bedrock role ARN from DevOps ('none' if you have none) [arn:aws:iam::123456789012:role/kept]:", ui.Asked);
    }

    [Fact]
    public async Task LongTermKeysInTheDefaultProfileAreKeptAndKeymansGoElsewhere()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".aws"));
        File.WriteAllText(Path.Combine(_home, ".aws", "credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n");
        var ui = new ScriptedInteraction("acme", "jane", "", "", "", "default", "");

        var answers = await RunAsync(ui);

        Assert.Equal("keyman", answers.SourceProfile);
        Assert.Equal("Profile for Keyman's short-lived keys [keyman]:", ui.Asked[^1]);
        Assert.Contains(_log.Lines, l => l.Message.Contains("[default] in ", StringComparison.Ordinal) && l.Message.Contains("holds long-term keys that are not Keyman's", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<KeymanException>(() => RunAsync(new ScriptedInteraction(), new SetupRequest { ConfigPath = ConfigPath, NonInteractive = true, Org = "acme", Username = "jane" }));
        Assert.Equal(ExitCodes.CredentialsFile, e.ExitCode);
        Assert.Contains("--source-profile", e.Hint, StringComparison.Ordinal);

        // Keyman's own short-lived keys there are Keyman's to refresh: no question.
        File.WriteAllText(Path.Combine(_home, ".aws", "credentials"), "[default]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = example\naws_session_token = t\n");
        Assert.Equal("default", (await RunAsync(new ScriptedInteraction("acme", "jane", "", "", ""))).SourceProfile);
    }

    [Fact]
    public async Task NonInteractiveAsksNothingAndNamesAMissingFlag()
    {
        var ui = new ScriptedInteraction();

        var e = await Assert.ThrowsAsync<KeymanException>(() => RunAsync(ui, new SetupRequest { ConfigPath = ConfigPath, NonInteractive = true, Username = "jane" }));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("--org", e.Message, StringComparison.Ordinal);

        // No username in the config: the OS user is not guessed; --username is named like --org.
        e = await Assert.ThrowsAsync<KeymanException>(() => RunAsync(ui, new SetupRequest { ConfigPath = ConfigPath, NonInteractive = true, Org = "acme" }));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("--username", e.Message, StringComparison.Ordinal);

        var answers = await RunAsync(ui, new SetupRequest
        {
            ConfigPath = ConfigPath,
            NonInteractive = true,
            Org = "https://acme.okta.com",
            Username = "jane",
            AppId = "https://acme.okta.com/home/amazon_aws/0oa9/272",
            Role = "Dev",
            Style = "credential-process",
            Profile = "claude",
            SourceProfile = "okta",
        });
        Assert.Empty(ui.Asked);
        Assert.Equal(("0oa9/272", "Dev", "us-east-1", "okta"), (answers.AppId, answers.Role, answers.Region, answers.SourceProfile));
        Assert.Null(answers.BedrockRoleArn);
        Assert.Equal("okta", answers.ProfileToUse);
    }

    [Fact]
    public async Task ARerunKeepsTheSavedAppAndRoleUnlessAnotherIsGivenOrTheOrgChanged()
    {
        File.WriteAllText(ConfigPath, "org: acme\nusername: jane@acme.com\nappid: 0oa9/272\nrole: arn:aws:iam::123456789012:role/Dev\n");

        var again = await RunAsync(new ScriptedInteraction("https://acme.okta.com", "", "", "", ""));
        Assert.Equal(("0oa9/272", "arn:aws:iam::123456789012:role/Dev"), (again.AppId, again.Role));

        var other = await RunAsync(new ScriptedInteraction("", "", "", "", ""), new SetupRequest { ConfigPath = ConfigPath, AppId = "0oa7/272" });
        Assert.Equal("0oa7/272", other.AppId);

        var otherOrg = await RunAsync(new ScriptedInteraction("globex", "", "", "", ""));
        Assert.Null(otherOrg.AppId);
        Assert.Null(otherOrg.Role);
    }

    [Fact]
    public async Task TheRegionDefaultsToTheConfigsElseTheAwsDefaultProfilesElseUsEast1()
    {
        Directory.CreateDirectory(Path.Combine(_home, ".aws"));
        File.WriteAllText(Path.Combine(_home, ".aws", "config"), "[default]\nregion = eu-west-1\n");
        var ui = new ScriptedInteraction("acme", "jane", "", "", "");

        Assert.Equal("eu-west-1", (await RunAsync(ui)).Region);
        Assert.Contains("AWS region [eu-west-1]:", ui.Asked);

        File.WriteAllText(ConfigPath, "org: acme\nusername: jane\nregion: ap-south-1\n");
        Assert.Equal("ap-south-1", (await RunAsync(new ScriptedInteraction("", "", "", "", ""))).Region);
    }

    [Fact]
    public async Task ABadFlagIsRefusedEvenOnATerminal()
    {
        var e = await Assert.ThrowsAsync<KeymanException>(() => RunAsync(new ScriptedInteraction(), new SetupRequest { ConfigPath = ConfigPath, Region = "$AWS_REGION", Org = "acme", Username = "jane", BedrockRoleArn = "none" }));
        Assert.Contains("placeholder", e.Message, StringComparison.Ordinal);
    }
}
