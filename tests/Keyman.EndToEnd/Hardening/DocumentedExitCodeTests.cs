using System.Text;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Hardening;

/// <summary>
/// Cases that once ended with exit 5 ("a bug") though a documented code fits (issue 12, "Also found"), run with the
/// published binary: hostile rate-limit headers, a line break in an STS key, a line break in setup-profile --region.
/// </summary>
public sealed class DocumentedExitCodeTests
{
    private static void AssertOneLineFailure(RunResult run, int exitCode, string words)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        var error = Assert.Single(run.StdErr.Split('\n'), l => l.Contains("(ERROR)", StringComparison.Ordinal));
        Assert.Contains(words, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", run.StdErr);
    }

    /// <summary>An "Okta" over TLS that answers every request 429 with the given header.</summary>
    private static async Task<RunResult> LoginAgainstRateLimiter(string header)
    {
        await using var world = await World.StartAsync();
        await using var okta = new HostileServer(async (_, stream, token) =>
        {
            var body = "{\"errorCode\":\"E0000047\",\"errorSummary\":\"API call exceeded rate limit due to too many requests.\"}"u8.ToArray();
            await HostileServer.WriteHeadAsync(stream, 429, "application/json", body.Length, token, header);
            await HostileServer.WriteAsync(stream, body, token);
        }, world.Sandbox.Certificates.Server);
        File.WriteAllText(world.ConfigPath, $"org: {okta.Url}\nusername: nomfa@example.com\nappid: 0oa1dev2AbCdEfGh/272\n");
        return await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
    }

    [Theory]
    [InlineData("X-Rate-Limit-Reset: 99999999999999999")]
    [InlineData("Retry-After: 99999999999999999999")]
    [InlineData("Retry-After: 9223372036854775807")]
    [InlineData("Retry-After: -5")]
    [InlineData("Retry-After: Fri, 31 Dec 9999 23:59:59 GMT")]
    public async Task Hostile_rate_limit_headers_end_as_rate_limited(string header)
    {
        var run = await LoginAgainstRateLimiter(header);
        AssertOneLineFailure(run, 17, "rate");
    }

    [Fact]
    public async Task Sts_5xx_with_a_huge_Retry_After_ends_as_a_network_failure_at_once()
    {
        await using var sts = new HostileServer(async (_, stream, token) =>
        {
            var body = "<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>"u8.ToArray();
            await HostileServer.WriteHeadAsync(stream, 503, "text/xml", body.Length, token, "Retry-After: 99999999999999999999");
            await HostileServer.WriteAsync(stream, body, token);
        });
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        world.Env["AWS_ENDPOINT_URL_STS"] = sts.Url;

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        AssertOneLineFailure(run, 3, "STS");
        Assert.False(File.Exists(world.CredentialsPath));
    }

    [Theory]
    [InlineData("AccessKeyId", "ASIA&#10;[evil]")]
    [InlineData("SecretAccessKey", "secret&#10;aws_access_key_id = EVIL")]
    [InlineData("SessionToken", "token&#13;&#10;[default]")]
    public async Task A_line_break_inside_an_STS_key_is_refused_and_nothing_written(string field, string value)
    {
        var keys = new Dictionary<string, string>
        {
            ["AccessKeyId"] = "ASIAEXAMPLE123456789", ["SecretAccessKey"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ["SessionToken"] = "FwoGZXIvYXdzEXAMPLE",
        };
        keys[field] = value;
        await using var sts = new HostileServer(async (_, stream, token) =>
        {
            var body = Encoding.UTF8.GetBytes($"""
                <AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>
                <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:jane</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Dev/jane</Arn></AssumedRoleUser>
                <Credentials><AccessKeyId>{keys["AccessKeyId"]}</AccessKeyId><SecretAccessKey>{keys["SecretAccessKey"]}</SecretAccessKey><SessionToken>{keys["SessionToken"]}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
                </AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>
                """);
            await HostileServer.WriteHeadAsync(stream, 200, "text/xml", body.Length, token);
            await HostileServer.WriteAsync(stream, body, token);
        });
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        world.Env["AWS_ENDPOINT_URL_STS"] = sts.Url;

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 22, run.ToString());
        Assert.False(File.Exists(world.CredentialsPath));
        Assert.DoesNotContain("EVIL", run.StdErr + run.StdOut);
    }

    [Theory]
    [InlineData("eu-west-1\n[profile evil]")]
    [InlineData("eu-west-1\rcredential_process = /tmp/x")]
    public async Task A_line_break_in_setup_profile_region_is_a_usage_error(string region)
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var config = world.Env["AWS_CONFIG_FILE"];
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, "# mine\n");

        var run = await world.RunAsync("setup-profile", "dev", "--region", region);

        AssertOneLineFailure(run, 2, "region");
        Assert.Equal("# mine\n", File.ReadAllText(config));
    }
}
