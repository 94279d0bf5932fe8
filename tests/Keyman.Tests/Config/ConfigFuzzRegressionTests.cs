using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Tests.Support;

namespace Keyman.Tests.Config;

/// <summary>Inputs the config fuzz target (tests/Keyman.Fuzz) found escaping as something other than a KeymanException.</summary>
public class ConfigFuzzRegressionTests
{
    private const string Path = "/home/u/.config/aws_okta_keyman.yml";

    // YamlDotNet throws ArgumentException for these, and ConfigFile.Parse lets it escape as exit code 5 "Unexpected error":
    // "The current event is of an unsupported type" from YamlStream.Load for an empty key nested under a key (AFL, under a
    // second; minimised by hand), and "Global tags must be valid URIs" from the parser for a bad "!!" tag (AFL, 11,000 runs).
    [Theory]
    [InlineData("a:\n  : b\n")]
    [InlineData("accounts:\n  : copy\n")]
    [InlineData("!!+-")]
    public void Yaml_the_parser_refuses_with_an_argument_exception_is_a_config_error(string yaml)
    {
        var e = Assert.Throws<KeymanException>(() => ConfigFile.Parse(yaml, Path, new RecordingLog()));

        Assert.Equal(ExitCodes.Config, e.ExitCode);
    }
    // A self-referencing alias as a key: YamlDotNet hashes the key mapping, which contains itself, until the stack
    // overflows (the fuzz target's crash: a segmentation fault with no message, for every command, doctor included).
    [Theory]
    [InlineData("org: acme\n? &a [*a]\n: x\n", "a list is used as a key")]
    [InlineData("k: &a [*a]\n", "the alias *a is inside")]
    [InlineData("k: &a {x: *a}\n", "the alias *a is inside")]
    [InlineData("? [a, b]\n: x\n", "a list is used as a key")]
    [InlineData("? {a: b}\n: x\n", "a mapping is used as a key")]
    [InlineData("l: &l [x, x]\n? *l\n: y\n", "the alias *l of a list or mapping is used as a key")]
    [InlineData("? *a\n? &a !!g acme\n", "the alias *a comes before any &a anchor")]
    [InlineData("k: *u\nu: &u jane\n", "the alias *u comes before any &u anchor")]
    public void A_self_reference_or_a_collection_key_is_a_config_error_naming_its_line(string yaml, string problem)
    {
        var e = Assert.Throws<KeymanException>(() => ConfigFile.Parse(yaml, Path, new RecordingLog()));

        Assert.Equal(ExitCodes.Config, e.ExitCode);
        Assert.Contains(problem, e.Message);
        Assert.Contains("line ", e.Message);
    }

    // What the original reads (PyYAML safe_load) keeps working: aliases of finished mappings, and a scalar anchor.
    [Fact]
    public void Aliases_of_finished_mappings_and_scalars_still_read()
    {
        const string yaml = "org: acme\nusername: &u jane\nbase: &b\n  appid: 0oa1/272\naccounts:\n  - *b\n  - *b\nnote: *u\n";

        var config = ConfigFile.Parse(yaml, Path, new RecordingLog());

        Assert.Equal("jane", config.Username);
        Assert.Equal(2, config.Accounts!.Count);
    }
}
