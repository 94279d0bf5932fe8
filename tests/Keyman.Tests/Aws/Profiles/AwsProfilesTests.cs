using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.Aws.Sts;
using Keyman.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Keyman.Tests.Aws.Profiles;

public sealed class AwsProfilesTests : IDisposable
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1";
    private const string Token = "FwoGZXIvYXdzEXAMPLESESSIONTOKENabcdefghijklmnop";
    private const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";

    private readonly string _home = Path.Combine(Path.GetTempPath(), "keyman-profiles-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingLog _log = new();

    public AwsProfilesTests() => Directory.CreateDirectory(Path.Combine(_home, ".aws"));

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string ConfigPath => Path.Combine(_home, ".aws", "config");

    private string CredentialsPath => Path.Combine(_home, ".aws", "credentials");

    private void Config(string text) => File.WriteAllText(ConfigPath, text);

    private void Credentials(string text) => File.WriteAllText(CredentialsPath, text);

    private static string DefaultKeys(string expires = "2026-01-15T11:00:00Z") => $"""
        [default]
        aws_access_key_id = ASIADEFAULTKEY123456
        aws_secret_access_key = {Secret}
        aws_session_token = {Token}
        x_security_token_expires = {expires}

        """;

    private const string HowToConfig = $"""
        [default]
        region = us-east-1
        output = json

        [profile bedrock]
        role_arn = {BedrockRole}
        source_profile = default
        region = eu-west-1

        """;

    private AwsProfiles Profiles(params (string Name, string Value)[] env) =>
        new(new DictionaryEnvironment(env.ToDictionary(e => e.Name, e => e.Value), _home), _log, _clock);

    [Fact]
    public void How_to_profile_plans_a_role_chain_from_default()
    {
        Config(HowToConfig);
        Credentials(DefaultKeys());
        var plan = Profiles(("AWS_PROFILE", "bedrock")).Plan(null, null);

        Assert.Equal("bedrock", plan.Profile);
        Assert.Equal("AWS_PROFILE", plan.ProfileOrigin);
        Assert.Equal("eu-west-1", plan.Region);
        Assert.Equal("default", plan.BaseProfile);
        Assert.Equal(AwsCredentialOrigin.CredentialsFile, plan.BaseCredentials!.Origin);
        Assert.Equal(CredentialsPath, plan.BaseCredentials.FilePath);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 11, 0, 0, TimeSpan.Zero), plan.BaseCredentials.Expiration);
        var link = Assert.Single(plan.Roles);
        Assert.Equal(BedrockRole, link.RoleArn);
        Assert.Equal("default", link.SourceProfile);
        Assert.Equal(BedrockRole, plan.TargetRoleArn);
        Assert.Equal("source profile default: credentials expire at 2026-01-15T11:00:00Z", plan.DescribeBaseCredentials(_clock.GetUtcNow()));
        Assert.Equal("source profile default: credentials expired at 2026-01-15T11:00:00Z — run keyman", plan.DescribeBaseCredentials(_clock.GetUtcNow().AddHours(2)));
        Assert.DoesNotContain(Secret, plan.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, plan.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_profile_beats_AWS_PROFILE_and_default()
    {
        Config(HowToConfig + "[profile other]\nregion = ap-south-1\naws_access_key_id = AKIAOTHER\naws_secret_access_key = x\n");
        Credentials(DefaultKeys());
        Assert.Equal(("other", "--profile"), AwsProfiles.ProfileName("other", new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_PROFILE"] = "bedrock" }, _home)));
        Assert.Equal(("default", "default"), AwsProfiles.ProfileName(null, new DictionaryEnvironment(new Dictionary<string, string>(), _home)));

        var plan = Profiles(("AWS_PROFILE", "bedrock")).Plan("other", null);
        Assert.Equal("other", plan.Profile);
        Assert.Equal(AwsCredentialOrigin.ConfigFile, plan.BaseCredentials!.Origin);
        Assert.Empty(plan.Roles);
        Assert.Equal("ap-south-1", plan.Region);
    }

    [Fact]
    public void Region_order_is_flag_then_AWS_REGION_then_AWS_DEFAULT_REGION_then_profile_then_us_east_1()
    {
        Config(HowToConfig + "[profile noregion]\nrole_arn = " + BedrockRole + "\nsource_profile = default\n");
        Credentials(DefaultKeys());
        Assert.Equal(("us-west-2", "--region"), (Profiles(("AWS_REGION", "eu-central-1")).Plan("bedrock", "us-west-2").Region, "--region"));
        var fromRegion = Profiles(("AWS_REGION", "eu-central-1"), ("AWS_DEFAULT_REGION", "ap-south-1")).Plan("bedrock", null);
        Assert.Equal(("eu-central-1", "AWS_REGION"), (fromRegion.Region, fromRegion.RegionOrigin));
        Assert.Equal("ap-south-1", Profiles(("AWS_DEFAULT_REGION", "ap-south-1")).Plan("bedrock", null).Region);
        var fromProfile = Profiles().Plan("bedrock", null);
        Assert.Equal("eu-west-1", fromProfile.Region);
        Assert.Contains(ConfigPath, fromProfile.RegionOrigin, StringComparison.Ordinal);

        // Like botocore: only the profile's own region counts, not its source profile's.
        var fallback = Profiles().Plan("noregion", null);
        Assert.Equal(("us-east-1", "default"), (fallback.Region, fallback.RegionOrigin));
        Assert.Contains(_log.Lines, l => l.Level == "DEBUG" && l.Message.Contains("using us-east-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_keys_win_without_an_explicit_profile_but_not_with_one()
    {
        Config(HowToConfig);
        Credentials(DefaultKeys());
        var env = new[] { ("AWS_PROFILE", "bedrock"), ("AWS_ACCESS_KEY_ID", "ASIAENVKEY1234567890"), ("AWS_SECRET_ACCESS_KEY", "envsecret"), ("AWS_SESSION_TOKEN", "envtoken") };

        var plan = Profiles(env).Plan(null, null);
        Assert.Equal(AwsCredentialOrigin.Environment, plan.BaseCredentials!.Origin);
        Assert.Equal("ASIAENVKEY1234567890", plan.BaseCredentials.AccessKeyId);
        Assert.Equal("envtoken", plan.BaseCredentials.SessionToken);
        Assert.Empty(plan.Roles);
        Assert.Equal("eu-west-1", plan.Region); // the profile still supplies the region

        var explicitPlan = Profiles(env).Plan("bedrock", null);
        Assert.Equal(AwsCredentialOrigin.CredentialsFile, explicitPlan.BaseCredentials!.Origin);
        Assert.Single(explicitPlan.Roles);

        var partial = Assert.Throws<KeymanException>(() => Profiles(("AWS_ACCESS_KEY_ID", "AKIA1")).Plan(null, null));
        Assert.Equal(ExitCodes.AwsCredentialsMissing, partial.ExitCode);
    }

    [Fact]
    public void Credentials_file_keys_win_over_config_file_keys()
    {
        Config("[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = configsecret\n");
        Credentials(DefaultKeys());
        var plan = Profiles().Plan(null, null);
        Assert.Equal("ASIADEFAULTKEY123456", plan.BaseCredentials!.AccessKeyId);
        Assert.Equal(AwsCredentialOrigin.CredentialsFile, plan.BaseCredentials.Origin);
    }

    [Fact]
    public void Missing_profile_lists_the_existing_ones()
    {
        Config(HowToConfig);
        Credentials(DefaultKeys() + "[work]\naws_access_key_id = a\naws_secret_access_key = b\n");
        var ex = Assert.Throws<KeymanException>(() => Profiles(("AWS_PROFILE", "my-aws-profile")).Plan(null, null));
        Assert.Equal(ExitCodes.AwsProfileNotFound, ex.ExitCode);
        Assert.Equal($"AWS profile 'my-aws-profile' (from AWS_PROFILE) is not in {ConfigPath}", ex.Message);
        Assert.Contains("Existing profiles: default, bedrock, work", ex.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$AWS_PROFILE")]
    [InlineData("$MY_PROFILE")]
    public void Literal_placeholder_profile_is_called_out(string name)
    {
        Config(HowToConfig + "[profile $AWS_PROFILE]\nrole_arn = $AWS_ROLE_ASSUMED_ARN\nsource_profile = default\n");
        Credentials(DefaultKeys());
        var ex = Assert.Throws<KeymanException>(() => Profiles(("AWS_PROFILE", name)).Plan(null, null));
        Assert.Equal(ExitCodes.AwsProfileNotFound, ex.ExitCode);
        Assert.Equal($"AWS_PROFILE is the literal text {name}; the how-to's placeholder was not replaced", ex.Message);
        Assert.Contains("default, bedrock", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("$AWS_PROFILE,", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Placeholder_role_arn_and_region_are_called_out()
    {
        Config("[profile dev]\nrole_arn = $AWS_ROLE_ASSUMED_ARN\nsource_profile = default\nregion = us-east-1\n[profile r]\nregion = $AWS_REGION\n");
        Credentials(DefaultKeys());
        var ex = Assert.Throws<KeymanException>(() => Profiles().Plan("dev", null));
        Assert.Equal(ExitCodes.AwsProfileInvalid, ex.ExitCode);
        Assert.Contains("role_arn of AWS profile 'dev' is the placeholder text $AWS_ROLE_ASSUMED_ARN", ex.Message, StringComparison.Ordinal);

        var region = Assert.Throws<KeymanException>(() => Profiles().Plan("r", null));
        Assert.Equal(ExitCodes.AwsProfileInvalid, region.ExitCode);
        Assert.Contains("$AWS_REGION", region.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_source_profile_and_cycles_are_profile_errors()
    {
        Config($"""
            [profile a]
            role_arn = {BedrockRole}
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::111111111111:role/B
            source_profile = a
            [profile lost]
            role_arn = {BedrockRole}
            source_profile = nowhere
            [profile nosource]
            role_arn = {BedrockRole}
            """);
        var cycle = Assert.Throws<KeymanException>(() => Profiles().Plan("a", null));
        Assert.Equal(ExitCodes.AwsProfileInvalid, cycle.ExitCode);
        Assert.Contains("loops: a -> b -> a", cycle.Message, StringComparison.Ordinal);

        var lost = Assert.Throws<KeymanException>(() => Profiles().Plan("lost", null));
        Assert.Equal(ExitCodes.AwsProfileInvalid, lost.ExitCode);
        Assert.Contains("source_profile 'nowhere'", lost.Message, StringComparison.Ordinal);

        var none = Assert.Throws<KeymanException>(() => Profiles().Plan("nosource", null));
        Assert.Contains("no source_profile", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_chain_resolves_in_order()
    {
        Config($"""
            [profile mid]
            role_arn = arn:aws:iam::111111111111:role/Mid
            source_profile = default
            [profile top]
            role_arn = {BedrockRole}
            source_profile = mid
            external_id = ext-1
            role_session_name = me
            duration_seconds = 1800
            """);
        Credentials(DefaultKeys());
        var plan = Profiles().Plan("top", null);
        Assert.Equal(["arn:aws:iam::111111111111:role/Mid", BedrockRole], plan.Roles.Select(r => r.RoleArn));
        Assert.Equal(("ext-1", "me", 1800), (plan.Roles[1].ExternalId, plan.Roles[1].RoleSessionName, plan.Roles[1].DurationSeconds));
        Assert.Equal("default", plan.BaseProfile);
    }

    [Fact]
    public async Task Source_profile_without_credentials_says_run_keyman()
    {
        Config(HowToConfig);
        var ex = await Assert.ThrowsAsync<KeymanException>(() => Profiles().ResolveAsync("bedrock", null, CancellationToken.None));
        Assert.Equal(ExitCodes.AwsCredentialsMissing, ex.ExitCode);
        Assert.Contains("source profile 'default' of AWS profile 'bedrock' has no credentials", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Run keyman", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_source_credentials_say_when_and_run_keyman()
    {
        Config(HowToConfig);
        Credentials(DefaultKeys(expires: "2026-01-15T09:59:59Z"));
        var ex = await Assert.ThrowsAsync<KeymanException>(() => Profiles().ResolveAsync("bedrock", null, CancellationToken.None));
        Assert.Equal(ExitCodes.AwsCredentialsExpired, ex.ExitCode);
        Assert.Equal($"The AWS credentials of profile default in {CredentialsPath} expired at 2026-01-15T09:59:59Z", ex.Message);
        Assert.Contains("Run keyman", ex.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message + ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Static_profile_resolves_without_sts()
    {
        Credentials(DefaultKeys());
        var session = await Profiles(("AWS_REGION", "us-west-2")).ResolveAsync(null, null, CancellationToken.None);
        Assert.Equal("ASIADEFAULTKEY123456", session.Credentials.AccessKeyId);
        Assert.Equal("us-west-2", session.Region);
        Assert.DoesNotContain(Secret, session.Credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, session.Credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Caller_role_is_read_from_sts_access_denied()
    {
        Assert.Equal("arn:aws:iam::111111111111:role/Developer",
            StsErrors.CallerRole("User: arn:aws:sts::111111111111:assumed-role/Developer/nomfa@example.com is not authorized to perform: sts:AssumeRole on resource: x"));
        Assert.Null(StsErrors.CallerRole("Access denied"));
    }

    [Fact]
    public void Sso_is_named_as_unsupported_while_credential_process_and_credential_source_environment_work()
    {
        Config($"""
            [profile proc]
            credential_process = /usr/bin/thing
            [profile sso]
            sso_session = corp
            [profile envrole]
            role_arn = {BedrockRole}
            credential_source = Environment
            """);
        var proc = Profiles().Plan("proc", null);
        Assert.Null(proc.BaseCredentials);
        Assert.Equal("/usr/bin/thing", proc.BaseCredentialProcess);
        Assert.Contains("credential_process (/usr/bin/thing)", proc.DescribeBaseCredentials(DateTimeOffset.UtcNow), StringComparison.Ordinal);
        Assert.Contains("sso_session", Assert.Throws<KeymanException>(() => Profiles().Plan("sso", null)).Message, StringComparison.Ordinal);

        var plan = Profiles(("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "s")).Plan("envrole", null);
        Assert.Equal(AwsCredentialOrigin.Environment, plan.BaseCredentials!.Origin);
        Assert.Equal(BedrockRole, plan.TargetRoleArn);
    }

    [Fact]
    public void Credential_process_output_is_read_like_the_aws_sdks_read_it()
    {
        var full = CredentialProcessRunner.Parse("""{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s3cr3t","SessionToken":"tok","Expiration":"2030-01-02T03:04:05Z"}""", "dev");
        Assert.Equal(AwsCredentialOrigin.CredentialProcess, full.Origin);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), full.Expiration);
        Assert.Null(CredentialProcessRunner.Parse("""{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"s"}""", "dev").Expiration);

        foreach (var bad in new[] { """{"Version":"1","AccessKeyId":"A","SecretAccessKey":"s3cr3t"}""", """{"Version":1,"AccessKeyId":"A"}""", "Password: s3cr3t" })
        {
            var e = Assert.Throws<KeymanException>(() => CredentialProcessRunner.Parse(bad, "dev"));
            Assert.Equal(ExitCodes.AwsCredentialsMissing, e.ExitCode);
            Assert.DoesNotContain("s3cr3t", e.Message + e.Hint, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.00")]
    [InlineData("1e0")]
    public void Credential_process_version_is_compared_by_value_like_botocore(string version)
    {
        var parsed = CredentialProcessRunner.Parse($$"""{"Version":{{version}},"AccessKeyId":"AKIA","SecretAccessKey":"s"}""", "dev");
        Assert.Equal("AKIA", parsed.AccessKeyId);
    }

    [Theory]
    [InlineData("""{"Version":1.5,"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}""")]
    [InlineData("""{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}""")]
    [InlineData("""{"Version":1e400,"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}""")]
    [InlineData("""{"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}""")]
    [InlineData("""[{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s3cr3t"}]""")]
    [InlineData("\"s3cr3t\"")]
    public void Credential_process_other_versions_and_shapes_are_typed_failures(string output)
    {
        var e = Assert.Throws<KeymanException>(() => CredentialProcessRunner.Parse(output, "dev"));
        Assert.Equal(ExitCodes.AwsCredentialsMissing, e.ExitCode);
        Assert.DoesNotContain("s3cr3t", e.Message + e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_process_failure_is_reported_with_its_exit_code()
    {
        var e = await Assert.ThrowsAsync<KeymanException>(() => CredentialProcessRunner.RunAsync("/bin/sh -c 'exit 7'", "dev", CancellationToken.None));
        Assert.Contains("exit code 7", e.Message, StringComparison.Ordinal);
        var ok = await CredentialProcessRunner.RunAsync("""/bin/echo '{"Version":1,"AccessKeyId":"AKIA1","SecretAccessKey":"s"}'""", "dev", CancellationToken.None);
        Assert.Equal("AKIA1", ok.AccessKeyId);
    }

    [Fact]
    public void A_region_in_the_credentials_file_wins_over_the_config_file_as_in_botocore()
    {
        Config("[default]\nregion = eu-west-1\n");
        Credentials("[default]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nregion = us-west-2\n");
        var plan = Profiles().Plan(null, null);
        Assert.Equal("us-west-2", plan.Region);
        Assert.Contains(CredentialsPath, plan.RegionOrigin, StringComparison.Ordinal);
    }
}
