using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Tests.Support;

namespace Keyman.Tests.Config;

/// <summary>Writing the config (<c>keyman config</c>, <c>-w</c>): the user's file stays theirs, only the values asked for change.</summary>
public sealed class ConfigWriteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-config-write-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static KeymanConfig Load(string path) => ConfigFile.Load(path, new RecordingLog());

    [Fact]
    public void ChangingOneKeyKeepsCommentsUnknownKeysOrderAndEveryOtherLine()
    {
        var path = PathOf("aws_okta_keyman.yml");
        var before = """
            # Our team's Okta settings -- ask #devops before changing
            org: https://acme.okta.com   # the production org
            username: jane@example.com

            # apps
            accounts:
              - name: Dev       # sandbox account
                appid: 0oa1/272
            region: eu-west-1 # Dublin
            team_notes: keep me
            reup: yes
            # trailing comment

            """;
        File.WriteAllText(path, before);

        ConfigFile.Write(path, Load(path) with { Region = "us-west-2" });

        var after = File.ReadAllText(path);
        Assert.Equal(before.Replace("region: eu-west-1 # Dublin", "region: us-west-2 # Dublin", StringComparison.Ordinal), after);
    }

    [Fact]
    public void NewKeysGoAfterTheLastKeyAndBeforeTrailingComments()
    {
        var path = PathOf("c.yml");
        File.WriteAllText(path, "org: acme # prod\nfuture_key: 1\n\n# the end\n");
        ConfigFile.Write(path, new KeymanConfig { Org = "acme", Factor = "OKTA push", Duration = 7200 });
        Assert.Equal("org: acme # prod\nfuture_key: 1\nduration: 7200\nfactor: OKTA push\n\n# the end\n", File.ReadAllText(path));
    }

    [Fact]
    public void ReplacesListsAndEmptyValuesInPlace()
    {
        var path = PathOf("c.yml");
        File.WriteAllText(path, "accounts:\n- name: Old\n  appid: 0oa0/1\n# apps above\nrole:\nregion: us-east-1\n");
        ConfigFile.Write(path, new KeymanConfig
        {
            Accounts = [new AccountEntry("Dev", "0oa1/272"), new AccountEntry("Prod", "0oa2/273", "arn:aws:iam::123456789012:role/Deploy")],
            Role = "Admin",
        });
        Assert.Equal(
            "accounts:\n  - name: Dev\n    appid: 0oa1/272\n  - name: Prod\n    appid: 0oa2/273\n    assume_role_arn: arn:aws:iam::123456789012:role/Deploy\n"
            + "# apps above\nrole: Admin\nregion: us-east-1\n",
            File.ReadAllText(path));
    }

    [Fact]
    public void AnUnchangedValueKeepsTheWayItWasWritten()
    {
        var path = PathOf("c.yml");
        const string Text = "org: 'acme'\npassword_cache: yes\nduration: 07200\naccount: 123456789012\n";
        File.WriteAllText(path, Text);
        ConfigFile.Write(path, Load(path));
        Assert.Equal(Text, File.ReadAllText(path));
    }

    [Fact]
    public void ABlockScalarValueIsReplacedWithoutJoiningTheNextLine()
    {
        var path = PathOf("c.yml");
        File.WriteAllText(path, "command: |\n  aws s3 ls\nregion: eu-west-1\n");
        ConfigFile.Write(path, new KeymanConfig { Command = "env" });
        Assert.Equal("command: env\nregion: eu-west-1\n", File.ReadAllText(path));
    }

    [Fact]
    public void ASymlinkedConfigIsWrittenThroughTheLink()
    {
        var real = PathOf("dotfiles/aws_okta_keyman.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        File.WriteAllText(real, "# mine\norg: acme\n");
        var link = PathOf("link.yml");
        File.CreateSymbolicLink(link, real);

        ConfigFile.Write(link, new KeymanConfig { Org = "acme", Region = "eu-west-1" });

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("# mine\norg: acme\nregion: eu-west-1\n", File.ReadAllText(real));
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(real)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void ANewFileHoldsTheSavedKeysButNotPerRunChoices()
    {
        var path = PathOf("new/aws_okta_keyman.yml");
        ConfigFile.Write(path, new KeymanConfig { Org = "acme", Username = "jane", Debug = true, PasswordReset = true, Reup = false });
        Assert.Equal("org: acme\nusername: jane\nreup: false\n", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("acme\nregion: evil")]
    [InlineData("acme\r\nrole: evil")]
    [InlineData("acme\u2028name: evil")]
    [InlineData("acme\u0085name: evil")]
    [InlineData("acme\0x\u001b[2Jy\u007f")]
    [InlineData("acme # not a comment")]
    [InlineData("'acme\" \\ \t x")]
    [InlineData("- acme")]
    [InlineData("&anchor")]
    [InlineData("{org: x}")]
    public void NewlinesAndControlCharactersInAValueCannotAddKeys(string command)
    {
        var path = PathOf("c.yml");
        File.WriteAllText(path, "org: acme\n");
        ConfigFile.Write(path, new KeymanConfig { Org = "acme", Command = command });

        var log = new RecordingLog();
        var back = ConfigFile.Load(path, log);
        Assert.Equal(command, back.Command);
        Assert.Null(back.Region);
        Assert.Null(back.Role);
        Assert.Null(back.Name);
        Assert.Empty(log.Lines);
        Assert.Equal(2, File.ReadAllLines(path).Length);
    }

    [Theory]
    [InlineData("123456789012")]
    [InlineData("yes")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("1e3")]
    [InlineData("12:30")]
    [InlineData("2026-01-01")]
    public void TextThatYamlReadsAsAnotherTypeIsQuoted(string account)
    {
        var path = PathOf("c.yml");
        ConfigFile.Write(path, new KeymanConfig { Account = account });
        Assert.Equal($"account: \"{account}\"\n", File.ReadAllText(path));
        Assert.Equal(account, Load(path).Account);
    }

    [Fact]
    public void EveryKeyOfTheTableReadsBackWhatWasWritten()
    {
        var pem = PathOf("ca.pem");
        File.WriteAllText(pem, "-----BEGIN CERTIFICATE-----\n");
        var config = new KeymanConfig
        {
            Org = "https://acme.okta.com", Username = "jane@example.com", AppId = "0oa1/272",
            Accounts = [new AccountEntry("Dev", "0oa1/272", "arn:aws:iam::123456789012:role/A")], Reup = true, DuoFactor = "push",
            Name = "work", OktaPreview = false, PasswordCache = true, Command = "aws s3 ls", Screen = false, Region = "us-gov-west-1",
            Duration = 7200, Console = true, Account = "123456789012", Role = "Dev", Factor = "GOOGLE token:software:totp",
            AssumeRoleArn = "arn:aws:iam::123456789012:role/B", RefreshBefore = 300, CaBundle = pem, OidcClientId = "0oa20deviceCliNtv01", Device = true,
        };
        var path = PathOf("all.yml");
        ConfigFile.Write(path, config);
        var back = Load(path);
        Assert.Equal(config with { Accounts = null }, back with { Accounts = null });
        Assert.Equal(config.Accounts, back.Accounts);
        Assert.All(ConfigKeys.All.Where(k => k.Saved && k.Type != ConfigType.Ignored), k => Assert.NotNull(k.Get(config)));
    }

    [Fact]
    public void AWrongValueIsReplacedWhenGivenAndKeptAsWrittenOtherwise()
    {
        var path = PathOf("c.yml");
        File.WriteAllText(path, "org: $OKTA_ORG\nrole: ${AWS_ROLE}\n");
        ConfigFile.Write(path, new KeymanConfig { Org = "acme", Region = "eu-west-1" });
        Assert.Equal("org: acme\nrole: ${AWS_ROLE}\nregion: eu-west-1\n", File.ReadAllText(path));
    }

    [Fact]
    public void AMalformedFileIsNotOverwritten()
    {
        var path = PathOf("c.yml");
        File.WriteAllText(path, "org: [acme\n");
        var e = Assert.Throws<KeymanException>(() => ConfigFile.Write(path, new KeymanConfig { Org = "x" }));
        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Equal("org: [acme\n", File.ReadAllText(path));
    }

    [Fact]
    public void AFlowStyleFileIsRewrittenWithItsValuesKept()
    {
        var path = PathOf("c.yml");
        File.WriteAllText(path, "{org: acme, username: jane}\n");
        ConfigFile.Write(path, new KeymanConfig { Region = "eu-west-1" });
        var back = Load(path);
        Assert.Equal(("acme", "jane", "eu-west-1"), (back.Org, back.Username, back.Region));
    }
}
