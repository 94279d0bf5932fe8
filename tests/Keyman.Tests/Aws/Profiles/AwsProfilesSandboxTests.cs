using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.Aws.Sts;
using Keyman.Tests.Sandbox;
using Keyman.Tests.Support;

namespace Keyman.Tests.Aws.Profiles;

/// <summary>The role chain against the in-process sandbox's STS, which verifies SigV4 and the trust relationships.</summary>
public sealed class AwsProfilesSandboxTests : SandboxTestBase, IDisposable
{
    private const string DeveloperRole = "arn:aws:iam::111111111111:role/Developer";
    private const string DevProvider = "arn:aws:iam::111111111111:saml-provider/Okta";
    private const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";

    private readonly string _home = Path.Combine(Path.GetTempPath(), "keyman-chain-" + Guid.NewGuid().ToString("N"));
    private readonly RecordingLog _log = new();

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private async Task<(string Key, string Secret, string Token)> LogInAsDeveloper()
    {
        var saml = await SamlFor(await SessionFor(), "0oa1dev2AbCdEfGh/272");
        return await AssumeWithSaml(DeveloperRole, DevProvider, saml);
    }

    private AwsProfiles Write(string config, (string Key, string Secret, string Token) creds)
    {
        Directory.CreateDirectory(Path.Combine(_home, ".aws"));
        File.WriteAllText(Path.Combine(_home, ".aws", "config"), config);
        File.WriteAllText(Path.Combine(_home, ".aws", "credentials"),
            $"[default]\naws_access_key_id = {creds.Key}\naws_secret_access_key = {creds.Secret}\naws_session_token = {creds.Token}\n");
        var env = new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_PROFILE"] = "bedrock", ["AWS_ENDPOINT_URL_STS"] = Base }, _home);
        return new AwsProfiles(env, _log) { MaxErrorRetry = 0 };
    }

    [Fact]
    public async Task How_to_chain_assumes_the_bedrock_role_with_the_source_credentials()
    {
        var developer = await LogInAsDeveloper();
        var profiles = Write($"[default]\nregion = us-east-1\n\n[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = default\nregion = us-east-1\n", developer);

        var session = await profiles.ResolveAsync(null, null, CancellationToken.None);

        Assert.Equal(AwsCredentialOrigin.AssumedRole, session.Credentials.Origin);
        Assert.Equal(BedrockRole, session.Credentials.RoleArn);
        Assert.Matches("^ASIA", session.Credentials.AccessKeyId);
        Assert.NotEqual(developer.Key, session.Credentials.AccessKeyId);
        Assert.NotNull(session.Credentials.SessionToken);
        Assert.InRange(session.Credentials.Expiration!.Value - Clock.GetUtcNow(), TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Contains(("DEBUG", $"Assuming role: {BedrockRole}"), _log.Lines);
        Assert.DoesNotContain(developer.Secret, _log.All, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Credentials.SecretAccessKey, _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_resolve_takes_the_role_from_the_cache_without_calling_STS()
    {
        var developer = await LogInAsDeveloper();
        var profiles = Write($"[default]\nregion = us-east-1\n\n[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = default\nregion = us-east-1\n", developer);
        var first = await profiles.ResolveAsync(null, null, CancellationToken.None);
        var seq = (await Http.GetStringAsync("/_sandbox/requests?service=sts")).Length;

        var second = await profiles.ResolveAsync(null, null, CancellationToken.None);

        Assert.Equal(first.Credentials.AccessKeyId, second.Credentials.AccessKeyId);
        Assert.Equal(seq, (await Http.GetStringAsync("/_sandbox/requests?service=sts")).Length);
        Assert.True(File.Exists(Path.Combine(_home, ".aws", "cli", "cache", AssumeRoleCache.Key(new AwsRoleLink("bedrock", BedrockRole, "default", null, null, null)) + ".json")));
        Assert.Contains(_log.Lines, l => l.Message.StartsWith($"Using the cached session for {BedrockRole}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Trust_policy_refusal_names_both_roles()
    {
        var developer = await LogInAsDeveloper();
        const string other = "arn:aws:iam::111111111111:role/ReadOnly";
        var profiles = Write($"[profile bedrock]\nrole_arn = {other}\nsource_profile = default\nregion = us-east-1\n", developer);

        var ex = await Assert.ThrowsAsync<KeymanException>(() => profiles.ResolveAsync(null, null, CancellationToken.None));

        Assert.Equal(ExitCodes.AssumeRoleRefused, ex.ExitCode);
        Assert.Contains($"AWS refused to let {DeveloperRole} assume {other}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"The trust policy of {other} must allow sts:AssumeRole from {DeveloperRole}", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_source_session_is_reported_as_expired()
    {
        var developer = await LogInAsDeveloper();
        var profiles = Write($"[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = default\nregion = us-east-1\n", developer);
        Clock.Advance(TimeSpan.FromHours(2));

        var ex = await Assert.ThrowsAsync<KeymanException>(() => profiles.ResolveAsync(null, null, CancellationToken.None));

        Assert.Equal(ExitCodes.AwsCredentialsExpired, ex.ExitCode);
        Assert.Contains("Run keyman", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_keys_are_invalid_credentials()
    {
        var profiles = Write($"[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = default\nregion = us-east-1\n",
            ("ASIANOTISSUED0000000", "secretsecretsecretsecretsecretsecret0000", "token"));
        var ex = await Assert.ThrowsAsync<KeymanException>(() => profiles.ResolveAsync(null, null, CancellationToken.None));
        Assert.Equal(ExitCodes.AwsCredentialsExpired, ex.ExitCode);
        Assert.Contains("InvalidClientTokenId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_sts_is_a_network_error()
    {
        var profiles = Write($"[profile bedrock]\nrole_arn = {BedrockRole}\nsource_profile = default\nregion = us-east-1\n", ("ASIAX", "s", "t"));
        var env = new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_PROFILE"] = "bedrock", ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9" }, _home);
        var ex = await Assert.ThrowsAsync<KeymanException>(() => new AwsProfiles(env, _log) { MaxErrorRetry = 0 }.ResolveAsync(null, null, CancellationToken.None));
        Assert.Equal(ExitCodes.Network, ex.ExitCode);
        Assert.Contains("Cannot reach AWS STS at http://127.0.0.1:9", ex.Message, StringComparison.Ordinal);
    }
}
