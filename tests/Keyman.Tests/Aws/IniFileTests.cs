using Keyman.Core;
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

    [Fact]
    public async Task A_megabyte_of_continuation_lines_parses_in_linear_time()
    {
        var text = "[profile dev]\ns3 =\n" + string.Concat(Enumerable.Repeat("  x = 1\n", 130_000));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var parsed = await Task.Run(() => IniFile.Parse(text)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(130_000 * 6 - 1, parsed.ConfigProfile("dev")!["s3"].Length);
    }

    [Fact]
    public void Load_refuses_a_file_over_one_mebibyte_and_special_files()
    {
        var dir = Directory.CreateTempSubdirectory("keyman-ini-").FullName;
        try
        {
            var big = Path.Combine(dir, "config");
            File.WriteAllText(big, "[default]\n" + new string('#', RegularFile.IniLimit));
            var error = Assert.Throws<KeymanException>(() => IniFile.Load(big));
            Assert.Equal(ExitCodes.Config, error.ExitCode);
            Assert.Contains("larger than 1 MiB", error.Message);

            if (!OperatingSystem.IsWindows())
            {
                var zero = Assert.Throws<KeymanException>(() => IniFile.Load("/dev/zero", "the AWS credentials file", ExitCodes.CredentialsFile));
                Assert.Equal(ExitCodes.CredentialsFile, zero.ExitCode);
                Assert.Contains("character device", zero.Message);
            }

            Assert.Empty(IniFile.Load(Path.Combine(dir, "missing")).SectionNames);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("[default]\nregion = x\n  indented = continuation\n; c\n\n[b]\nk: v\n", null)]
    [InlineData("\uFEFF[default]\nk = v\n", null)]
    [InlineData("garbage\n[default]\n", "line 1 comes before any [section] header")]
    [InlineData("# c\nk = v\n", "line 2 comes before any [section] header")]
    [InlineData("[default]\nk = v\njust words\n", "line 3 is not")]
    [InlineData("[default]\n= v\n", "line 2 is not")]
    [InlineData("[default]\n  indented = before any key\nk = v\n", null)]
    public void Syntax_errors_are_found_the_way_the_aws_cli_finds_them(string text, string? problem)
    {
        var found = IniFile.FindSyntaxError(System.Text.Encoding.UTF8.GetBytes(text));
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.StartsWith(problem, found);
        }
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_a_syntax_error()
    {
        Assert.Equal("it is not UTF-8 text", IniFile.FindSyntaxError([(byte)'[', (byte)'a', (byte)']', 0xFF, 0xFE]));
    }
}
