using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Tests.Support;

namespace Keyman.Tests.Config;

/// <summary>The key table: names and flags are unique, and each key fills and merges its own property.</summary>
public sealed class ConfigKeysTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keyman-config-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void NamesAndFlagsAreUnique()
    {
        Assert.Equal(ConfigKeys.All.Count, ConfigKeys.All.Select(k => k.Name).Distinct().Count());
        var flags = ConfigKeys.All.SelectMany(k => k.Flags).ToList();
        Assert.Equal(flags.Count, flags.Distinct().Count());
        Assert.All(ConfigKeys.All.Where(k => k.Flags.Count > 0), k => Assert.NotEqual(FlagKind.None, k.Type.Flag));
        Assert.All(ConfigKeys.All.Where(k => k.Flags.Count > 0), k => Assert.False(string.IsNullOrWhiteSpace(k.Description)));
    }

    [Fact]
    public void OverTakesEachKeyFromTheUpperLayerWhenSetThereAndFromTheLowerOtherwise()
    {
        var lower = new KeymanConfig { Org = "file", Region = "eu-west-1", Reup = true, CaBundle = "/etc/ca.pem", RefreshBefore = 60 };
        var upper = new KeymanConfig { Region = "us-east-2", Reup = false, Duration = 7200 };
        Assert.Equal(
            new KeymanConfig { Org = "file", Region = "us-east-2", Reup = false, CaBundle = "/etc/ca.pem", RefreshBefore = 60, Duration = 7200 },
            upper.Over(lower));
    }

    [Fact]
    public void CaBundleIsExpandedResolvedBesideTheConfigAndMustBeARegularFile()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string>(), _dir);
        Directory.CreateDirectory(Path.Combine(_dir, ".config"));
        File.WriteAllText(Path.Combine(_dir, "corp.pem"), "-----BEGIN CERTIFICATE-----\n");
        File.WriteAllText(Path.Combine(_dir, ".config", "beside.pem"), "-----BEGIN CERTIFICATE-----\n");
        var configPath = Path.Combine(_dir, ".config", "aws_okta_keyman.yml");

        KeymanConfig Parse(string yaml) => ConfigFile.Parse(yaml, configPath, new RecordingLog(), env);

        Assert.Equal(Path.Combine(_dir, "corp.pem"), Parse("ca_bundle: ~/corp.pem").CaBundle);
        Assert.Equal(Path.Combine(_dir, ".config", "beside.pem"), Parse("ca_bundle: beside.pem").CaBundle);
        Assert.Null(Parse("ca_bundle:").CaBundle);

        foreach (var (yaml, words) in new[] { ("ca_bundle: ~/missing.pem", "does not exist"), ("ca_bundle: ~/", "is a folder"), ("ca_bundle: /dev/null", "not a regular file") })
        {
            var e = Assert.Throws<KeymanException>(() => Parse("org: acme\n" + yaml));
            Assert.Equal(ExitCodes.Config, e.ExitCode);
            Assert.Contains("line 2: 'ca_bundle'", e.Message);
            Assert.Contains(words, e.Message);
            Assert.Contains("PEM", e.Hint);
        }
    }

    [Fact]
    public void FlagChecksSayWhatIsWrongWithTheValue()
    {
        var env = new DictionaryEnvironment(new Dictionary<string, string>(), _dir);
        string? Problem(string name, string flag, object value) => ConfigKeys.Find(name)!.Type.FlagProblem(flag, value, env);

        Assert.Equal("--duration 100 is outside 900 to 43200 seconds.", Problem("duration", "--duration", 100));
        Assert.Null(Problem("duration", "--duration", 900));
        Assert.Equal("--assume-role 'x' is not an IAM role ARN like arn:aws:iam::123456789012:role/Name.", Problem("assume_role_arn", "--assume-role", "x"));
        Assert.Equal("--refresh-before -1 is outside 0 to 43200 seconds.", Problem("refresh_before", "--refresh-before", -1));
        Assert.Contains("does not exist", Problem("ca_bundle", "--ca-bundle", "~/nope.pem"));
        File.WriteAllText(Path.Combine(_dir, "ok.pem"), "x");
        Assert.Null(Problem("ca_bundle", "--ca-bundle", "~/ok.pem"));
        Assert.Equal(Path.Combine(_dir, "ok.pem"), ConfigKeys.Find("ca_bundle")!.Type.FromFlag("~/ok.pem", env));
    }
}
