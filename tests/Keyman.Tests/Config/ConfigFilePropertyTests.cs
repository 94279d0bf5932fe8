using CsCheck;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Tests.Support;

namespace Keyman.Tests.Config;

/// <summary>The config reader over generated YAML-ish text: every outcome is a config or a KeymanException naming the file.</summary>
public class ConfigFilePropertyTests
{
    private const string Path = "/home/u/.config/aws_okta_keyman.yml";

    private static readonly Gen<string> Token = Gen.Frequency(
        (6, Gen.OneOf("org", "appid", "accounts", "duration", "reup", "name", "assume_role_arn", "refresh_before", "region", "command", "x")),
        (8, Gen.OneOf(": ", ":", "\n", "\n  ", "\n    ", "- ", " ")),
        (4, Gen.OneOf("[", "]", "{", "}", ", ", "'", "\"", "&a ", "*a", "<<: ", "!!str ", "!!map ", "# c", "| ", "> ", "---\n", "...\n", "? ")),
        (4, Gen.OneOf("null", "~", "43200", "-1", "true", "yes", "0oa1/272", "https://acme.okta.com", "$OKTA_ORG", "arn:aws:iam::123456789012:role/A")),
        (1, Gen.OneOf("%YAML 1.2\n", "\t", "\\", "é", "\u0003", "\r", "\uFEFF", "\u2028")));

    private static readonly Gen<string> Text = Token.Array[0, 40].Select(string.Concat);

    [Fact]
    public void Property_any_text_is_a_config_or_a_keyman_exception()
    {
        Text.Sample(text =>
        {
            try
            {
                ConfigFile.Parse(text, Path, new RecordingLog());
            }
            catch (KeymanException e)
            {
                Assert.Equal(ExitCodes.Config, e.ExitCode);
                Assert.StartsWith(Path, e.Message, StringComparison.Ordinal);
            }
        }, iter: 3000);
    }

    [Fact]
    public void Property_well_formed_keys_read_back_their_values()
    {
        Gen.Select(Gen.Char["abcdef0123456789"].Array[4, 12], Gen.Int[900, 43200], Gen.Bool).Sample(c =>
        {
            var (id, duration, reup) = c;
            var appId = "0oa" + new string(id) + "/272";
            var config = ConfigFile.Parse($"org: acme\nappid: '{appId}'\nduration: {duration}\nreup: {(reup ? "yes" : "off")}\n", Path, new RecordingLog());

            Assert.Equal(appId, config.AppId);
            Assert.Equal(duration, config.Duration);
            Assert.Equal(reup, config.Reup);
        }, iter: 500);
    }
}
