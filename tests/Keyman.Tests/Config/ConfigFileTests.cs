using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Tests.Support;

namespace Keyman.Tests.Config;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static KeymanConfig Parse(string yaml, RecordingLog? log = null) =>
        ConfigFile.Parse(yaml, "/home/u/.config/aws_okta_keyman.yml", log ?? new RecordingLog());

    [Fact]
    public void ReadsTheHowToSampleOnceThePlaceholdersAreReplaced()
    {
        var config = Parse("""
            console: null
            duo_factor: null
            org: https://acme.okta.com
            password_cache: true
            region: us-east-1
            reup: null
            role: my-developer-gateway-role
            screen: null
            username: jane@example.com
            """);

        Assert.Equal("https://acme.okta.com", config.Org);
        Assert.Equal("jane@example.com", config.Username);
        Assert.Equal("my-developer-gateway-role", config.Role);
        Assert.True(config.PasswordCache);
        Assert.Null(config.Reup);
        Assert.Null(config.Console);
        Assert.Null(config.DuoFactor);
        Assert.Equal("us-east-1", config.EffectiveRegion);
        Assert.Equal(3600, config.EffectiveDuration);
    }

    [Fact]
    public void ReadsEveryKeyTheOriginalKnows()
    {
        var config = Parse("""
            org: acme
            username: automatic-username@example.com
            appid: 0oa1dev/272
            accounts:
              - name: Dev
                appid: 0oa1dev/272
              - name: Prod
                appid: 0oa2prod/273
            role: Dev
            account: "123456789012"
            region: us-gov-west-1
            duration: 7200
            reup: 0
            duo_factor: push
            factor: GOOGLE token:software:totp
            password_cache: false
            password_reset: no
            screen: yes
            console: true
            command: env
            debug: true
            oktapreview: true
            name: work
            update: false
            """);

        Assert.Equal("acme", config.Org);
        Assert.Equal("0oa1dev/272", config.AppId);
        Assert.Equal([new AccountEntry("Dev", "0oa1dev/272"), new AccountEntry("Prod", "0oa2prod/273")], config.Accounts);
        Assert.Equal("123456789012", config.Account);
        Assert.Equal(7200, config.Duration);
        Assert.False(config.Reup);
        Assert.Equal("push", config.DuoFactor);
        Assert.Equal("GOOGLE token:software:totp", config.Factor);
        Assert.True(config.Screen);
        Assert.True(config.Console);
        Assert.Equal("env", config.Command);
        Assert.True(config.OktaPreview);
        Assert.Equal("work", config.EffectiveProfile);
    }

    [Fact]
    public void MalformedYamlNamesTheFileAndLine()
    {
        var e = Assert.Throws<KeymanException>(() => Parse("org: acme\nusername: [unclosed\nregion: us-east-1\n"));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains("aws_okta_keyman.yml", e.Message);
        Assert.Matches(@"line [23]", e.Message);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public void UnknownKeyIsAWarningWithASuggestion()
    {
        var log = new RecordingLog();
        var config = Parse("org: acme\nusrname: jane\n", log);
        Assert.Equal("acme", config.Org);
        var warning = Assert.Single(log.Lines, l => l.Level == "WARNING");
        Assert.Contains("line 2", warning.Message);
        Assert.Contains("'usrname'", warning.Message);
        Assert.Contains("Did you mean 'username'", warning.Message);
    }

    [Theory]
    [InlineData("org: $OKTA_ORG", "org", "$OKTA_ORG")]
    [InlineData("org: acme\nusername: $OKTA_USERNAME", "username", "$OKTA_USERNAME")]
    [InlineData("org: acme\nrole: ${AWS_ROLE_GATEWAY}", "role", "${AWS_ROLE_GATEWAY}")]
    public void PlaceholderLeftFromTheHowToIsRefused(string yaml, string key, string placeholder)
    {
        var e = Assert.Throws<KeymanException>(() => Parse(yaml));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains($"'{key}'", e.Message);
        Assert.Contains(placeholder, e.Message);
        Assert.Contains("Replace", e.Hint);
    }

    [Theory]
    [InlineData("duration: 899")]
    [InlineData("duration: 43201")]
    [InlineData("duration: soon")]
    public void DurationOutsideTheRangeIsRefused(string yaml)
    {
        var e = Assert.Throws<KeymanException>(() => Parse(yaml));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains("'duration'", e.Message);
    }

    [Theory]
    [InlineData("reup: maybe", "'reup'")]
    [InlineData("org: [a, b]", "'org'")]
    [InlineData("accounts: Dev", "'accounts'")]
    [InlineData("accounts:\n  - name: Dev\n", "appid")]
    [InlineData("accounts:\n  - name: Dev\n    appid: x/1\n    role: Admin\n", "unknown key 'role'")]
    [InlineData("- org\n- acme\n", "mapping")]
    public void WrongShapesNameTheKey(string yaml, string expected)
    {
        var e = Assert.Throws<KeymanException>(() => Parse(yaml));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EmptyOrMissingFileIsAnEmptyConfig()
    {
        Assert.Null(Parse("").Org);
        Assert.Null(ConfigFile.Load(Path.Combine(_dir, "missing.yml"), new RecordingLog()).Org);
    }

    [Fact]
    public void ProblemsListsEveryWrongValueWhereLoadStopsAtTheFirst()
    {
        var path = Path.Combine(_dir, "placeholders.yml");
        File.WriteAllText(path, "org: $OKTA_ORG\nusername: jane\nappid: ${AWS_APP_ID}\nduration: soon\n");
        var env = new DictionaryEnvironment(new Dictionary<string, string>(), _dir);

        var problems = ConfigFile.Problems(path, env);

        Assert.Collection(problems,
            p => Assert.StartsWith($"{path}: line 1: 'org' is still the placeholder '$OKTA_ORG'", p.Message),
            p => Assert.StartsWith($"{path}: line 3: 'appid' is still the placeholder '${{AWS_APP_ID}}'", p.Message),
            p => Assert.StartsWith($"{path}: line 4: 'duration'", p.Message));
        Assert.All(problems, p => Assert.Equal(ExitCodes.Config, p.ExitCode));
        Assert.Throws<KeymanException>(() => ConfigFile.Load(path, new RecordingLog(), env));
        Assert.Empty(ConfigFile.Problems(Path.Combine(_dir, "missing.yml"), env));
    }

    [Fact]
    public void FlagsWinOverTheFileAndTheFileFillsTheRest()
    {
        var file = Parse("org: acme\nregion: eu-west-1\nname: work\nreup: true\n");
        var flags = new KeymanConfig { Region = "us-east-2", Reup = false };
        var merged = flags.Over(file);
        Assert.Equal("acme", merged.Org);
        Assert.Equal("us-east-2", merged.Region);
        Assert.False(merged.Reup);
        Assert.Equal("work", merged.EffectiveProfile);
    }

    [Fact]
    public void WrittenConfigReadsBackTheSame()
    {
        var path = Path.Combine(_dir, "sub", "aws_okta_keyman.yml");
        var config = new KeymanConfig
        {
            Org = "https://acme.okta.com",
            Username = "jane@example.com",
            Accounts = [new AccountEntry("Dev", "0oa1/272"), new AccountEntry("Prod", "0oa2/273")],
            Role = "Dev",
            Region = "us-west-2",
            Duration = 7200,
            PasswordCache = true,
        };

        ConfigFile.Write(path, config);
        var back = ConfigFile.Load(path, new RecordingLog());
        Assert.Equal(config.Org, back.Org);
        Assert.Equal(config.Username, back.Username);
        Assert.Equal(config.Accounts, back.Accounts);
        Assert.Equal(config.Role, back.Role);
        Assert.Equal(config.Region, back.Region);
        Assert.Equal(config.Duration, back.Duration);
        Assert.True(back.PasswordCache);
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(path)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void HomeIsExpandedInPaths()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string>(), "/home/jane");
        Assert.Equal("/home/jane/.config/x.yml", ConfigFile.ExpandHome("~/.config/x.yml", env));
        Assert.Equal("/etc/x.yml", ConfigFile.ExpandHome("/etc/x.yml", env));
        Assert.Equal("/home/jane", ConfigFile.ExpandHome("~", env));
        Assert.Equal("~jane/x.yml", ConfigFile.ExpandHome("~jane/x.yml", env));
        Assert.Equal("/home/jane/.config/aws_okta_keyman.yml", ConfigFile.DefaultPath(env));
    }
}
