using Keyman.Core.Aws;

namespace Keyman.Tests.Aws;

public class IniFileTests
{
    private const string Config = """
        # comment
        [default]
        region = eu-west-1
        Output: json

        [profile dev]
        ; comment
        role_arn = arn:aws:iam::123456789012:role/Dev
        source_profile = default
        s3 =
          max_concurrent_requests = 10
          signature_version = s3v4
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        [profile dev]
        region = us-east-1
        """;

    [Fact]
    public void Reads_sections_keys_and_comments_like_botocore()
    {
        var ini = IniFile.Parse(Config.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Equal(["default", "profile dev", "sso-session corp"], ini.SectionNames);
        Assert.Equal("eu-west-1", ini.ConfigProfile("default")!["region"]);
        Assert.Equal("json", ini.ConfigProfile("default")!["output"]);
        var dev = ini.ConfigProfile("dev")!;
        Assert.Equal("arn:aws:iam::123456789012:role/Dev", dev["role_arn"]);
        Assert.Equal("us-east-1", dev["region"]); // a repeated section merges, later keys win
        Assert.Equal("max_concurrent_requests = 10\nsignature_version = s3v4", dev["s3"]);
        Assert.False(dev.ContainsKey("; comment"));
        Assert.Null(ini.ConfigProfile("prod"));
        Assert.Null(ini.Section("dev"));
    }

    [Fact]
    public void Profile_default_is_accepted_in_the_config_file()
    {
        Assert.Equal("x", IniFile.Parse("[profile default]\nregion = x\n").ConfigProfile("default")!["region"]);
    }
}
