namespace Keyman.Core.Config;

/// <summary>
/// Every setting of aws_okta_keyman.yml and its flags, in the order of <c>--help</c> and of keys added to the file.
/// A new setting is one entry here plus its <see cref="KeymanConfig"/> property: the file's parser and writer, the
/// known-key warnings, <see cref="KeymanConfig.Over"/> and the command-line options all read this table.
/// </summary>
public static class ConfigKeys
{
    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        new("org", ConfigType.Text, c => c.Org, (c, v) => c with { Org = (string?)v })
        {
            Flags = ["--org", "-o"],
            Description = "Okta org: a subdomain (acme -> https://acme.okta.com), a custom domain, or an https:// URL",
        },
        new("username", ConfigType.Text, c => c.Username, (c, v) => c with { Username = (string?)v })
        {
            Flags = ["--username", "-u"],
            Description = "Okta username; 'automatic-username' in it is replaced by your OS user name",
        },
        new("appid", ConfigType.AppId, c => c.AppId, (c, v) => c with { AppId = (string?)v })
        {
            Flags = ["--appid", "-a"],
            Description = "Okta AWS app ID, the part after /home/amazon_aws/ in the app's link (e.g. 0oa1b2c3/272)",
        },
        new("accounts", ConfigType.Accounts, c => c.Accounts, (c, v) => c with { Accounts = (IReadOnlyList<AccountEntry>?)v }),
        new("debug", ConfigType.Switch, c => c.Debug, (c, v) => c with { Debug = (bool?)v })
        {
            Flags = ["--debug", "-D"],
            Description = "Detailed log lines (secrets stay redacted)",
            Saved = false,
        },
        new("reup", ConfigType.Switch, c => c.Reup, (c, v) => c with { Reup = (bool?)v })
        {
            Flags = ["--reup", "-r"],
            Description = "Keep refreshing the credentials until stopped",
        },
        new("duo_factor", ConfigType.Text, c => c.DuoFactor, (c, v) => c with { DuoFactor = (string?)v })
        {
            Flags = ["--duo_factor", "-d", "--duo-factor"],
            Description = "Duo method to use: web (Duo's default, a push to the first device), push, call or passcode",
        },
        new("name", ConfigType.Text, c => c.Name, (c, v) => c with { Name = (string?)v })
        {
            Flags = ["--name", "-n", "--profile"],
            Description = "AWS credentials profile to write (default: default)",
        },
        new("oktapreview", ConfigType.Switch, c => c.OktaPreview, (c, v) => c with { OktaPreview = (bool?)v })
        {
            Flags = ["--oktapreview", "-p"],
            Description = "Use {org}.oktapreview.com",
        },
        new("password_cache", ConfigType.Switch, c => c.PasswordCache, (c, v) => c with { PasswordCache = (bool?)v })
        {
            Flags = ["--password_cache", "-P", "--password-cache"],
            Description = "Keep the Okta password in the OS keychain",
        },
        new("password_reset", ConfigType.Switch, c => c.PasswordReset, (c, v) => c with { PasswordReset = (bool?)v })
        {
            Flags = ["--password_reset", "-R", "--password-reset"],
            Description = "Ask for the password again and replace the cached one",
            Saved = false,
        },
        new("command", ConfigType.Text, c => c.Command, (c, v) => c with { Command = (string?)v })
        {
            Flags = ["--command", "-C"],
            Description = "Run this command with the new credentials in its environment",
        },
        new("screen", ConfigType.Switch, c => c.Screen, (c, v) => c with { Screen = (bool?)v })
        {
            Flags = ["--screen", "-s"],
            Description = "Print the credentials to stdout instead of writing the credentials file",
        },
        new("region", ConfigType.Text, c => c.Region, (c, v) => c with { Region = (string?)v })
        {
            Flags = ["--region", "-re"],
            Description = "AWS region for STS and the profile (default: us-east-1)",
        },
        new("duration", ConfigType.Duration, c => c.Duration, (c, v) => c with { Duration = (int?)v })
        {
            Flags = ["--duration", "-du"],
            Description = "Session duration in seconds, 900 to 43200 (default: 3600)",
        },
        new("console", ConfigType.Switch, c => c.Console, (c, v) => c with { Console = (bool?)v })
        {
            Flags = ["--console", "-co"],
            Description = "Print an AWS console sign-in URL",
        },
        // aws_okta_keyman's self-update switch; --update is an action of the CLI, not a setting.
        new("update", ConfigType.Ignored, _ => null, (c, _) => c),
        new("account", ConfigType.Text, c => c.Account, (c, v) => c with { Account = (string?)v })
        {
            Flags = ["--account", "-ac"],
            Description = "Pick roles of this AWS account (ID or name from the 'accounts' list)",
        },
        new("role", ConfigType.Text, c => c.Role, (c, v) => c with { Role = (string?)v })
        {
            Flags = ["--role", "-ro"],
            Description = "Pick this role (name as in the menu, e.g. Dev or team/Admin, or its ARN)",
        },
        new("factor", ConfigType.Text, c => c.Factor, (c, v) => c with { Factor = (string?)v })
        {
            Flags = ["--factor"],
            Description = "MFA factor to use without a menu, e.g. \"GOOGLE token:software:totp\", \"OKTA push\", sms",
        },
        new("assume_role_arn", ConfigType.RoleArn, c => c.AssumeRoleArn, (c, v) => c with { AssumeRoleArn = (string?)v })
        {
            Flags = ["--assume-role"],
            Description = "After the SAML role, assume this role (ARN) and deliver its credentials (config: assume_role_arn)",
        },
        new("refresh_before", ConfigType.Seconds, c => c.RefreshBefore, (c, v) => c with { RefreshBefore = (int?)v })
        {
            Flags = ["--refresh-before"],
            Description = "Seconds before expiry to refresh (reup, default 600) or stop using cached credentials (credential-process, default 900); at most a quarter of the lifetime",
        },
        new("oidc_client_id", ConfigType.Text, c => c.OidcClientId, (c, v) => c with { OidcClientId = (string?)v })
        {
            Flags = ["--oidc-client-id"],
            Description = "Client ID of the Okta OIDC native app for the device authorization flow (also OKTA_AWSCLI_OIDC_CLIENT_ID)",
        },
        new("device", ConfigType.Switch, c => c.Device, (c, v) => c with { Device = (bool?)v })
        {
            Flags = ["--device"],
            Description = "Sign in through a browser with Okta's device authorization flow (needs oidc_client_id)",
        },
        new("ca_bundle", ConfigType.ExistingFile, c => c.CaBundle, (c, v) => c with { CaBundle = (string?)v })
        {
            Flags = ["--ca-bundle"],
            Description = "PEM file of CA certificates to trust for HTTPS, e.g. a TLS-inspecting proxy's (config: ca_bundle)",
        },
    ];

    /// <summary>The key named <paramref name="name"/> in the file, or null.</summary>
    public static ConfigKey? Find(string name) => All.FirstOrDefault(k => k.Name == name);
}
