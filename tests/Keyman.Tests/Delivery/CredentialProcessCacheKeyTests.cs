using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Tests.Support;

namespace Keyman.Tests.Delivery;

public sealed class CredentialProcessCacheKeyTests
{
    private static readonly IEnvironment Env = new DictionaryEnvironment(new Dictionary<string, string>(), "/tmp", "jane");

    private static readonly KeymanConfig Base = new() { Org = "acme", Username = "jane@acme.com", AppId = "0oa1/272", Role = "Dev", Region = "eu-west-1" };

    [Fact]
    public void Every_setting_that_decides_the_credentials_changes_the_key()
    {
        var key = CredentialProcessCache.Account("dev", Base, Env);
        Assert.StartsWith("dev|", key, StringComparison.Ordinal);
        Assert.Equal(key, CredentialProcessCache.Account("dev", Base with { Factor = "push", Debug = true }, Env));
        Assert.Equal(key, CredentialProcessCache.Account("dev", Base with { Org = "https://acme.okta.com" }, Env));

        KeymanConfig[] changed =
        [
            Base with { Org = "other" },
            Base with { OktaPreview = true },
            Base with { Username = "bob@acme.com" },
            Base with { AppId = "0oa2/272" },
            Base with { Accounts = [new AccountEntry("prod", "0oa3/272")] },
            Base with { Role = "Admin" },
            Base with { Account = "123456789012" },
            Base with { AssumeRoleArn = "arn:aws:iam::123456789012:role/Chained" },
            Base with { Duration = 7200 },
            Base with { Region = "us-east-1" },
        ];
        var keys = changed.Select(c => CredentialProcessCache.Account("dev", c, Env)).Append(key).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.NotEqual(key, CredentialProcessCache.Account("prod", Base, Env));
        Assert.Equal("dev", CredentialProcessCache.ProfileOf(key));
        Assert.Equal("https://acme.okta.com|jane@acme.com", CredentialProcessCache.OktaAccount(Base, Env));
    }

    [Fact]
    public async Task Caching_a_profile_drops_its_entries_from_other_settings_only()
    {
        var store = new MemorySecretStore();
        var issued = DateTimeOffset.UnixEpoch;
        var entry = new CredentialProcessCache.Entry(new AwsCredentials("ASIA1", "s", "t", issued.AddHours(1)), issued, "https://acme.okta.com|jane");
        await CredentialProcessCache.SetAsync(store, "dev|old", entry, CancellationToken.None);
        await CredentialProcessCache.SetAsync(store, "prod|p", entry, CancellationToken.None);
        await CredentialProcessCache.SetAsync(store, "dev|new", entry, CancellationToken.None, ["dev|old", "prod|p", "dev|new"]);

        Assert.Equal(["dev|new", "prod|p"], store.Items.Keys.Select(k => k.Account).Order());
        var back = await CredentialProcessCache.GetAsync(store, "dev|new", CancellationToken.None);
        Assert.Equal("https://acme.okta.com|jane", back!.Okta);
    }
}
