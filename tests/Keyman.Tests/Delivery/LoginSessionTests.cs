using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Login;
using Keyman.Core.Secrets;
using Keyman.Tests.Sandbox;
using Keyman.Tests.Support;

namespace Keyman.Tests.Delivery;

/// <summary>An in-memory secret store that can be told to fail like a locked or missing keychain.</summary>
public sealed class MemorySecretStore : ISecretStore
{
    public Dictionary<(string Service, string Account), string> Items { get; } = [];

    public bool Unavailable { get; set; }

    public string Name => "memory";

    public Task<string?> GetAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        Check();
        return Task.FromResult(Items.TryGetValue((service, account), out var v) ? v : null);
    }

    public Task SetAsync(string service, string account, string secret, CancellationToken cancellationToken = default)
    {
        Check();
        Items[(service, account)] = secret;
        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string service, string account, CancellationToken cancellationToken = default)
    {
        Check();
        return Task.FromResult(Items.Remove((service, account)));
    }

    private void Check()
    {
        if (Unavailable)
        {
            throw new SecretStoreUnavailableException("The Secret Service is not running.", "Start it.");
        }
    }
}

/// <summary>LoginFlow's Okta session reuse and password cache against the in-process sandbox.</summary>
public sealed class LoginSessionTests : SandboxTestBase
{
    private const string User = "nomfa@example.com";
    private readonly MemorySecretStore _store = new();
    private readonly RecordingLog _log = new();

    private KeymanConfig Config(bool passwordCache = false) => new()
    {
        Org = Base,
        Username = User,
        AppId = "0oa1dev2AbCdEfGh/272",
        PasswordCache = passwordCache,
    };

    private KeymanContext Context(ScriptedInteraction interaction) => new()
    {
        Environment = new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_ENDPOINT_URL_STS"] = Base }, Path.GetTempPath()),
        Log = _log,
        Interaction = interaction,
        Time = Clock,
        Secrets = _store,
    };

    private async Task<LoginResult> LoginAsync(ScriptedInteraction interaction, KeymanConfig config)
    {
        using var flow = new LoginFlow(Context(interaction)) { WriteCredentialsFile = false };
        return await flow.RunAsync(config, CancellationToken.None);
    }

    [Fact]
    public async Task A_second_login_reuses_the_kept_Okta_session_without_asking()
    {
        await LoginAsync(new ScriptedInteraction(Password), Config());
        var sid = Assert.Single(_store.Items, i => i.Key.Service == "keyman-okta-session");
        Assert.Equal($"{Base}|{User}", sid.Key.Account);
        Assert.DoesNotContain(_store.Items.Keys, k => k.Service == "aws_okta_keyman");   // no password without password_cache

        var quiet = new ScriptedInteraction();   // any prompt throws
        var result = await LoginAsync(quiet, Config());
        Assert.Empty(quiet.Asked);
        Assert.StartsWith("ASIA", result.Credentials.AccessKeyId);
        Assert.Contains(_log.Lines, l => l.Message.StartsWith("Reusing the Okta session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ended_session_is_forgotten_and_a_normal_login_follows()
    {
        await LoginAsync(new ScriptedInteraction(Password), Config());
        await PostJson("/_sandbox/sessions/expire", new { });
        var again = new ScriptedInteraction(Password);
        await LoginAsync(again, Config());
        Assert.Equal([$"Okta password for {User} at {new Uri(Base).Authority}:"], again.Asked);
    }

    [Fact]
    public async Task The_password_is_stored_only_after_Okta_accepted_it()
    {
        var wrong = await Assert.ThrowsAsync<KeymanException>(() => LoginAsync(new ScriptedInteraction("wrong"), Config(passwordCache: true)));
        Assert.Equal(ExitCodes.AuthenticationFailed, wrong.ExitCode);
        Assert.Empty(_store.Items);

        await LoginAsync(new ScriptedInteraction(Password), Config(passwordCache: true));
        Assert.Equal(Password, _store.Items[("aws_okta_keyman", User)]);
        Assert.DoesNotContain(Password, _log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_cached_password_is_removed_and_asked_for_once()
    {
        _store.Items[("aws_okta_keyman", User)] = "stale";
        var interaction = new ScriptedInteraction(Password);
        await LoginAsync(interaction, Config(passwordCache: true));
        Assert.Equal([$"Okta password for {User} at {new Uri(Base).Authority}:"], interaction.Asked);
        Assert.Equal(Password, _store.Items[("aws_okta_keyman", User)]);
        Assert.Contains(_log.Lines, l => l.Level == "WARNING" && l.Message.Contains("rejected the cached password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_working_store_Keyman_warns_and_prompts()
    {
        _store.Unavailable = true;
        var interaction = new ScriptedInteraction(Password);
        await LoginAsync(interaction, Config(passwordCache: true));
        Assert.Equal([$"Okta password for {User} at {new Uri(Base).Authority}:"], interaction.Asked);
        Assert.Single(_log.Lines, l => l.Level == "WARNING" && l.Message.Contains("secret store is not available", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_keeps_the_role_and_the_session_without_asking()
    {
        var interaction = new ScriptedInteraction(Password);
        using var flow = new LoginFlow(Context(interaction)) { WriteCredentialsFile = false };
        var first = await flow.RunAsync(Config() with { AppId = "0oa2multiAcctXyZ/137", Role = "ReadOnly" }, CancellationToken.None);
        var second = await flow.RefreshAsync(CancellationToken.None);
        Assert.Equal(first.Role, second.Role);
        Assert.NotEqual(first.Credentials.AccessKeyId, second.Credentials.AccessKeyId);
        Assert.Equal([$"Okta password for {User} at {new Uri(Base).Authority}:"], interaction.Asked);
        Assert.Empty(interaction.Menus);
    }
}
