using System.Text.Json;
using System.Text.RegularExpressions;

namespace Keyman.Tests.Cli.Commands;

public sealed class StatusCommandTests
{
    /// <summary>A host with no keychain (no D-Bus in its environment) and KEYMAN_SECRET_STORE unset: the cache files.</summary>
    private static async Task<CliTestHost> HeadlessAsync(params string[] config)
    {
        var cli = (await CliTestHost.WithSandboxAsync()).WithConfig(config);
        cli.Env.Remove("KEYMAN_SECRET_STORE");
        return cli;
    }

    [Fact]
    public async Task ShowsEveryProfileWithItsRoleAndLocalExpiryAndTheOktaSessionButNoSecret()
    {
        await using var cli = await HeadlessAsync("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");
        Assert.Equal(0, await cli.RunAsync(["--name", "work"], CliTestHost.Password + "\n"));
        var secretKey = cli.Profile("work")!["aws_secret_access_key"];
        Assert.Equal(0, await cli.RunAsync("credential-process", "--profile", "dev"));
        var cached = JsonDocument.Parse(cli.Out).RootElement.GetProperty("SecretAccessKey").GetString()!;

        Assert.True(await cli.RunAsync("status") == 0, cli.ToString());

        var lines = cli.Out.Split('\n');
        Assert.Matches(@"^Okta session of nomfa@example\.com at https?://127\.0\.0\.1:\d+: alive until (\d{4}-\d\d-\d\d )?\d\d:\d\d [+-]\d\d:\d\d \(in \d+ (min|h)", lines[0]);
        Assert.Matches(@"^dev +credential_process cache +arn:aws:iam::111111111111:role/Developer +expires (\d{4}-\d\d-\d\d )?\d\d:\d\d [+-]\d\d:\d\d, in (59|60) min$", lines.Single(l => l.StartsWith("dev ", StringComparison.Ordinal)));
        Assert.Matches(@"^work +credentials file +arn:aws:iam::111111111111:role/Developer +expires (\d{4}-\d\d-\d\d )?\d\d:\d\d [+-]\d\d:\d\d, in (59|60) min$", lines.Single(l => l.StartsWith("work ", StringComparison.Ordinal)));
        Assert.DoesNotContain(secretKey, cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(cached, cli.Out, StringComparison.Ordinal);

        Assert.Equal(0, await cli.RunAsync("status", "--json"));
        using var json = JsonDocument.Parse(cli.Out);
        var profiles = json.RootElement.GetProperty("profiles").EnumerateArray().ToList();
        Assert.Equal(["dev", "work"], profiles.Select(p => p.GetProperty("profile").GetString()));
        Assert.Equal(["credential-process-cache", "credentials-file"], profiles.Select(p => p.GetProperty("source").GetString()));
        Assert.All(profiles, p => Assert.False(p.GetProperty("expired").GetBoolean()));
        Assert.All(profiles, p => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", p.GetProperty("expires").GetString()));
        Assert.All(profiles, p => Assert.InRange(p.GetProperty("secondsLeft").GetInt64(), 3500, 3600));
        var session = Assert.Single(json.RootElement.GetProperty("oktaSessions").EnumerateArray());
        Assert.True(session.GetProperty("alive").GetBoolean());
        Assert.Equal("nomfa@example.com", session.GetProperty("user").GetString());
        Assert.DoesNotContain(secretKey, cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredProfileSaysHowLongAgoAndAMachineWithNothingSaysSo()
    {
        await using var cli = await HeadlessAsync("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");
        Assert.Equal(0, await cli.RunAsync("status"));
        Assert.Equal("Okta session of nomfa@example.com at " + cli.Url + ": none\nNo profile written or cached by Keyman.\n", cli.Out);

        Directory.CreateDirectory(Path.GetDirectoryName(cli.CredentialsPath)!);
        var expired = DateTimeOffset.UtcNow.AddMinutes(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(cli.CredentialsPath, $"[mine]\naws_access_key_id = AKIA\n\n[old]\naws_access_key_id = ASIA\nx_security_token_expires = {expired}\n");
        Assert.Equal(0, await cli.RunAsync("status"));
        Assert.Matches(new Regex(@"^old +credentials file +\(role not recorded\) +expired (2|3) min ago$", RegexOptions.Multiline), cli.Out);
        Assert.DoesNotContain("mine", cli.Out, StringComparison.Ordinal);   // a profile Keyman did not write
    }
}
