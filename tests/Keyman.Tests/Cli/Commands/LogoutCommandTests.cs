using System.Net.Http.Json;
using System.Text.Json;
using Keyman.Core.Secrets;

namespace Keyman.Tests.Cli.Commands;

public sealed class LogoutCommandTests
{
    private static async Task<CliTestHost> LoggedInAsync()
    {
        var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");
        cli.Env.Remove("KEYMAN_SECRET_STORE");   // no D-Bus here: the cache files
        Assert.Equal(0, await cli.RunAsync([], CliTestHost.Password + "\n"));
        Assert.Equal(0, await cli.RunAsync("credential-process", "--profile", "dev"));
        return cli;
    }

    private static async Task<List<string?>> OktaPathsAsync(CliTestHost cli, string method)
    {
        using var http = new HttpClient();
        var log = await http.GetFromJsonAsync<JsonElement>($"{cli.Url}/_sandbox/requests?service=okta");
        return log.EnumerateArray().Where(e => e.GetProperty("method").GetString() == method).Select(e => e.GetProperty("path").GetString()).ToList();
    }

    [Fact]
    public async Task EndsTheOktaSessionAndForgetsItAndTheCacheSayingWhat()
    {
        await using var cli = await LoggedInAsync();

        Assert.True(await cli.RunAsync("logout") == 0, cli.ToString());

        Assert.Equal(["/api/v1/sessions/me"], await OktaPathsAsync(cli, "DELETE"));
        Assert.Contains($"Ended the Okta session of nomfa@example.com at {cli.Url}", cli.Out, StringComparison.Ordinal);
        Assert.Contains("Forgot the cached credential_process credentials of profile dev", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("password", cli.Out, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(0, await cli.RunAsync("status"));
        Assert.StartsWith($"Okta session of nomfa@example.com at {cli.Url}: none\n", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("credential_process cache", cli.Out, StringComparison.Ordinal);

        // Nothing left to end: said so, and Okta is not asked again.
        Assert.Equal(0, await cli.RunAsync("logout"));
        Assert.Contains("No Okta session of nomfa@example.com", cli.Out, StringComparison.Ordinal);
        Assert.Single(await OktaPathsAsync(cli, "DELETE"));

        // The next login asks for the password again.
        Assert.Equal(0, await cli.RunAsync([], CliTestHost.Password + "\n"));
        Assert.Contains("Okta password for ", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionOktaAlreadyEndedIsForgottenAndSaidSo()
    {
        await using var cli = await LoggedInAsync();
        using (var http = new HttpClient())
        {
            (await http.PostAsync($"{cli.Url}/_sandbox/sessions/expire", new StringContent("{}"))).EnsureSuccessStatusCode();
        }

        Assert.Equal(0, await cli.RunAsync("logout"));
        Assert.Contains($"The Okta session of nomfa@example.com at {cli.Url} had already ended", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllAndPasswordForgetEveryOrgAndUserAndThePassword()
    {
        await using var cli = (await CliTestHost.WithSandboxAsync()).WithConfig("username: nomfa@example.com", $"appid: {CliTestHost.DevApp}");
        var keychain = new Keyman.Tests.Delivery.MemorySecretStore();
        cli.OpenSecrets = (env, log, _) => new IndexedSecretStore(keychain, () => SecretIndex.For(env, log));
        Assert.Equal(0, await cli.RunAsync(["-P"], CliTestHost.Password + "\n"));
        Assert.True(keychain.Items.ContainsKey(("aws_okta_keyman", "nomfa@example.com")));

        // Without --password the password stays.
        Assert.Equal(0, await cli.RunAsync("logout", "--all"));
        Assert.True(keychain.Items.ContainsKey(("aws_okta_keyman", "nomfa@example.com")));

        Assert.Equal(0, await cli.RunAsync("logout", "--all", "--password", "-c", Path.Combine(cli.Home, "none.yml")));
        Assert.Contains("Forgot the Okta password of nomfa@example.com (memory)", cli.Out, StringComparison.Ordinal);
        Assert.Empty(keychain.Items);
    }

    [Fact]
    public async Task WithoutAnOrgItSaysHowToChoose()
    {
        await using var cli = await CliTestHost.OfflineAsync();
        Assert.Equal(10, await cli.RunAsync("logout"));
        Assert.Contains("--all", cli.Error, StringComparison.Ordinal);
    }
}
