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
}
