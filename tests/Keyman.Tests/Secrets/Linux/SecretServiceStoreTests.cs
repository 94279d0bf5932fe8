using Keyman.Core;
using Keyman.Core.Secrets;
using Keyman.Core.Secrets.Linux;
using Keyman.Tests.Support;

namespace Keyman.Tests.Secrets.Linux;

/// <summary>The Secret Service store against a real gnome-keyring-daemon, cross-checked with libsecret's secret-tool and Python keyring.</summary>
public sealed class SecretServiceStoreTests(KeyringFixture fixture) : IClassFixture<KeyringFixture>
{
    private readonly KeyringDaemon _daemon = fixture.Daemon;
    private readonly RecordingLog _log = new();

    private SecretServiceStore Store() => new(_daemon.Address, canPrompt: false, _log);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Set_get_replace_remove_round_trip()
    {
        var store = Store();
        var service = Unique("keyman-test");
        const string secret = "first-s3cret";

        Assert.Null(await store.GetAsync(service, "alice"));
        await store.SetAsync(service, "alice", secret);
        Assert.Equal(secret, await store.GetAsync(service, "alice"));

        await store.SetAsync(service, "alice", "second-s3cret");
        Assert.Equal("second-s3cret", await store.GetAsync(service, "alice"));
        Assert.Single(Items(service));

        Assert.Null(await store.GetAsync(service, "bob"));
        Assert.True(await store.RemoveAsync(service, "alice"));
        Assert.Null(await store.GetAsync(service, "alice"));
        Assert.False(await store.RemoveAsync(service, "alice"));

        Assert.DoesNotContain(secret, _log.All);
        Assert.DoesNotContain("second-s3cret", _log.All);
    }

    [Fact]
    public async Task Unicode_secrets_and_accounts_survive()
    {
        var store = Store();
        var service = Unique("keyman-ünïcode");
        const string account = "jürgen@exämple.com";
        const string secret = "pässwörd ✓ 🔑 \"quoted\" 'single' \\ tab\tend";

        await store.SetAsync(service, account, secret);

        Assert.Equal(secret, await store.GetAsync(service, account));
        var (code, stdout, _) = _daemon.Run("secret-tool", ["lookup", "service", service, "username", account]);
        Assert.Equal(0, code);
        Assert.Equal(secret, stdout);
    }

    [Fact]
    public async Task Empty_secret_is_stored_as_empty_not_missing()
    {
        var store = Store();
        var service = Unique("keyman-empty");
        await store.SetAsync(service, "alice", "");
        Assert.Equal("", await store.GetAsync(service, "alice"));
    }

    [Fact]
    public async Task Secret_tool_reads_what_Keyman_stored_and_sees_keyring_attributes()
    {
        var service = Unique("keyman-xcheck");
        await Store().SetAsync(service, "carol", "from-keyman");

        var (code, stdout, stderr) = _daemon.Run("secret-tool", ["lookup", "service", service, "username", "carol"]);
        Assert.True(code == 0, stderr);
        Assert.Equal("from-keyman", stdout);

        // secret-tool prints the label and schema on stdout, the attributes on stderr.
        var search = _daemon.Run("secret-tool", ["search", "--all", "service", service]);
        var shown = search.Stdout + search.Stderr;
        Assert.Contains("attribute.application = Keyman", shown);
        Assert.Contains("attribute.username = carol", shown);
        Assert.Contains("schema = org.freedesktop.Secret.Generic", shown);
        Assert.Contains($"label = Password for 'carol' on '{service}'", shown);
    }

    [Fact]
    public async Task Keyman_reads_what_secret_tool_stored()
    {
        var service = Unique("keyman-xcheck");
        var stored = _daemon.Run("secret-tool", ["store", "--label=by secret-tool", "service", service, "username", "dave"], stdin: "from-secret-tool");
        Assert.True(stored.ExitCode == 0, stored.Stderr);

        Assert.Equal("from-secret-tool", await Store().GetAsync(service, "dave"));
        Assert.True(await Store().RemoveAsync(service, "dave"));
        Assert.NotEqual(0, _daemon.Run("secret-tool", ["lookup", "service", service, "username", "dave"]).ExitCode);
    }

    [Fact]
    public async Task Python_keyring_and_Keyman_share_the_aws_okta_keyman_password()
    {
        // aws_okta_keyman stores keyring.set_password("aws_okta_keyman", username, password).
        var user = Unique("user");
        var py = _daemon.Run("/usr/bin/python3", ["-c", "import sys, keyring; keyring.set_password('aws_okta_keyman', sys.argv[1], sys.argv[2])", user, "from-python"]);
        Assert.True(py.ExitCode == 0, py.Stderr);

        var store = Store();
        Assert.Equal("from-python", await store.GetAsync("aws_okta_keyman", user));

        // Replacing updates Python's item in place instead of adding a second one that lookups could confuse.
        await store.SetAsync("aws_okta_keyman", user, "from-keyman");
        var read = _daemon.Run("/usr/bin/python3", ["-c", "import sys, keyring; print(keyring.get_password('aws_okta_keyman', sys.argv[1]), end='')", user]);
        Assert.True(read.ExitCode == 0, read.Stderr);
        Assert.Equal("from-keyman", read.Stdout);
        Assert.Single(Items("aws_okta_keyman", user));

        Assert.True(await store.RemoveAsync("aws_okta_keyman", user));
        read = _daemon.Run("/usr/bin/python3", ["-c", "import sys, keyring; print(keyring.get_password('aws_okta_keyman', sys.argv[1]), end='')", user]);
        Assert.Equal("None", read.Stdout);
    }

    [Fact]
    public async Task Python_keyring_reads_what_Keyman_stored()
    {
        var user = Unique("user");
        await Store().SetAsync("aws_okta_keyman", user, "p@ss wörd");
        var read = _daemon.Run("/usr/bin/python3", ["-c", "import sys, keyring; sys.stdout.buffer.write(keyring.get_password('aws_okta_keyman', sys.argv[1]).encode())", user]);
        Assert.True(read.ExitCode == 0, read.Stderr);
        Assert.Equal("p@ss wörd", read.Stdout);
    }

    [Fact]
    public async Task Duplicate_items_are_collapsed_on_set()
    {
        var service = Unique("keyman-dup");
        _daemon.Run("secret-tool", ["store", "--label=one", "service", service, "username", "erin", "extra", "1"], stdin: "old-1");
        _daemon.Run("secret-tool", ["store", "--label=two", "service", service, "username", "erin", "extra", "2"], stdin: "old-2");
        Assert.Equal(2, Items(service).Count);

        await Store().SetAsync(service, "erin", "new");

        Assert.Single(Items(service));
        Assert.Equal("new", await Store().GetAsync(service, "erin"));
    }

    [Fact]
    public void Name_says_what_it_is()
    {
        Assert.Equal("Secret Service (GNOME Keyring)", Store().Name);
        Assert.Equal(Store().Name, Store().ToString());
    }

    private List<string> Items(string service, string? account = null)
    {
        var args = new List<string> { "search", "--all", "service", service };
        if (account is not null)
        {
            args.AddRange(["username", account]);
        }

        var (_, stdout, stderr) = _daemon.Run("secret-tool", args);
        // secret-tool prints each item's path as "[/N]" on stderr or stdout depending on the version.
        return (stdout + stderr).Split('\n').Where(l => l.StartsWith("[/", StringComparison.Ordinal)).ToList();
    }
}

/// <summary>Failures: every one is a SecretStoreUnavailableException with a hint, and none carries the secret.</summary>
public sealed class SecretServiceFailureTests
{
    private const string Secret = "never-shown-4711";

    [Fact]
    public async Task No_session_bus_address_fails_with_a_hint()
    {
        var store = new SecretServiceStore(address: null, canPrompt: false, new RecordingLog());

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.SetAsync("svc", "acct", Secret));

        Assert.Equal(ExitCodes.SecretStoreUnavailable, e.ExitCode);
        Assert.Contains("DBUS_SESSION_BUS_ADDRESS", e.Message);
        Assert.Contains("gnome-keyring-daemon", e.Hint);
        Assert.Contains("KEYMAN_SECRET_STORE=", e.Hint);
        Assert.DoesNotContain(Secret, e.ToString());
    }

    [Fact]
    public async Task Unreachable_bus_fails_with_a_hint()
    {
        var store = new SecretServiceStore("unix:path=/nonexistent/keyman-bus", canPrompt: false, new RecordingLog());

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.GetAsync("svc", "acct"));

        Assert.Equal(ExitCodes.SecretStoreUnavailable, e.ExitCode);
        Assert.Contains("cannot connect", e.Message);
        Assert.Contains("gnome-keyring-daemon", e.Hint);
    }

    [Fact]
    public async Task Bus_without_a_Secret_Service_fails_with_a_hint()
    {
        using var bus = KeyringDaemon.StartEmptyBus();
        var store = new SecretServiceStore(bus.Address, canPrompt: false, new RecordingLog());

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.SetAsync("svc", "acct", Secret));

        Assert.Equal(ExitCodes.SecretStoreUnavailable, e.ExitCode);
        Assert.Contains("No Secret Service on the session D-Bus", e.Message);
        Assert.Contains("gnome-keyring-daemon", e.Hint);
        Assert.DoesNotContain(Secret, e.ToString());
    }

    [Fact]
    public async Task Locked_keyring_without_a_display_fails_instead_of_hanging()
    {
        using var daemon = KeyringDaemon.Start();
        var service = $"keyman-locked-{Guid.NewGuid():N}";
        var store = new SecretServiceStore(daemon.Address, canPrompt: false, new RecordingLog());
        await store.SetAsync(service, "alice", Secret);
        daemon.LockLoginKeyring();

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.GetAsync(service, "alice"));

        Assert.Equal(ExitCodes.SecretStoreLocked, e.ExitCode);
        Assert.Contains("locked", e.Message);
        Assert.Contains("no display", e.Message);
        Assert.DoesNotContain(Secret, e.ToString());
    }
}
