using System.Text;
using System.Text.Json;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Delivery;

/// <summary>
/// A headless machine (SSH, WSL, a container): no session D-Bus, so no Secret Service, and KEYMAN_SECRET_STORE unset.
/// The Okta session and the credential_process cache fall back to owner-only files under the cache folder; the
/// password goes nowhere. Proven through the sandbox's request log.
/// </summary>
public sealed class HeadlessCacheTests
{
    private const string Notice = "No OS keychain here";

    private static async Task<World> StartAsync() => (await World.StartAsync()).WithoutKeychain();

    private static int Count(string text, string what) => text.Split(what).Length - 1;

    [Fact]
    public async Task TheSecondLoginReusesTheOktaSessionWithoutAPasswordAndOnlyOwnerOnlyFilesHoldIt()
    {
        await using var world = await StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272", "password_cache: true");

        var first = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, Count(first.StdErr, Notice));
        Assert.Contains("~/.cache/keyman", first.StdErr);
        Assert.Contains("KEYMAN_SECRET_STORE=file", first.StdErr);

        var seq = await world.LastSeqAsync();
        var second = await world.RunAsync();   // no answers: a prompt would fail the run
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Reusing the Okta session of nomfa@example.com", second.StdErr);
        Assert.DoesNotContain(Answer.PasswordPromptText, second.StdErr);
        Assert.DoesNotContain(Notice, second.StdErr);   // said once per machine
        Assert.DoesNotContain(await world.RequestsAsync("okta", seq), e => e.GetProperty("path").GetString() == "/api/v1/authn");

        var cache = Path.Combine(world.Home, ".cache", "keyman");
        const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(Folder, File.GetUnixFileMode(cache));
        foreach (var folder in Directory.EnumerateDirectories(cache, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(Folder, File.GetUnixFileMode(folder));
        }

        var files = Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));

        // password_cache was asked for, but without a keychain the password is in no file.
        var password = Encoding.UTF8.GetBytes(World.Password);
        foreach (var file in Directory.EnumerateFiles(world.Home, "*", SearchOption.AllDirectories))
        {
            Assert.False((await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(password) >= 0, $"the password is in {file}");
        }
    }

    [Fact]
    public async Task CredentialProcessHitsItsFileCacheAndAChangedRoleMissesIt()
    {
        await using var world = await StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa2multiAcctXyZ/137");
        var login = await world.RunAsync(["--role", "Deployer"], Answer.With(Answer.PasswordPrompt, World.Password));
        Assert.True(login.ExitCode == 0, login.ToString());

        var first = await world.RunAsync("credential-process", "--profile", "dev", "--role", "Deployer");
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = await world.LastSeqAsync();
        var second = await world.RunAsync("credential-process", "--profile", "dev", "--role", "Deployer");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Empty(await world.RequestsAsync("okta", before));
        Assert.Empty(await world.RequestsAsync("sts", before));
        Assert.Equal(KeyId(first.StdOut), KeyId(second.StdOut));

        // Another role for the same profile is not answered with the old role's credentials.
        var changed = await world.RunAsync("credential-process", "--profile", "dev", "--role", "ReadOnly");
        Assert.True(changed.ExitCode == 0, changed.ToString());
        var assumed = (await world.RequestsAsync("sts", before)).Where(e => e.GetProperty("action").GetString() == "AssumeRoleWithSAML").ToList();
        Assert.Single(assumed);
        Assert.NotEqual(KeyId(first.StdOut), KeyId(changed.StdOut));
        Assert.Equal("arn:aws:sts::111111111111:assumed-role/ReadOnly/nomfa@example.com", await CallerAsync(world, changed.StdOut));
    }

    /// <summary>Who STS says the credentials are, asked by the AWS CLI.</summary>
    private static async Task<string> CallerAsync(World world, string json)
    {
        using var document = JsonDocument.Parse(json);
        var env = new Dictionary<string, string>(world.Env)
        {
            ["AWS_ACCESS_KEY_ID"] = document.RootElement.GetProperty("AccessKeyId").GetString()!,
            ["AWS_SECRET_ACCESS_KEY"] = document.RootElement.GetProperty("SecretAccessKey").GetString()!,
            ["AWS_SESSION_TOKEN"] = document.RootElement.GetProperty("SessionToken").GetString()!,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        };
        return (await Login.Aws.RunAsync(env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text")).StdOut.Trim();
    }

    private static string KeyId(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("AccessKeyId").GetString()!;
    }
}
