using System.CommandLine;
using Keyman.Core.Config;

namespace Keyman.Cli.Commands;

/// <summary>aws_okta_keyman's flags, short and long, plus Keyman's own. Each maps to one <see cref="KeymanConfig"/> field.</summary>
internal sealed class LoginOptions
{
    public Option<string> Org { get; } = new("--org", "-o") { Description = "Okta org: a subdomain (acme -> https://acme.okta.com), a custom domain, or an https:// URL" };

    public Option<string> Username { get; } = new("--username", "-u") { Description = "Okta username; 'automatic-username' in it is replaced by your OS user name" };

    public Option<string> AppId { get; } = new("--appid", "-a") { Description = "Okta AWS app ID, the part after /home/amazon_aws/ in the app's link (e.g. 0oa1b2c3/272)" };

    public Option<bool> Debug { get; } = new("--debug", "-D") { Description = "Detailed log lines (secrets stay redacted)" };

    public Option<bool> Reup { get; } = new("--reup", "-r") { Description = "Keep refreshing the credentials until stopped" };

    public Option<string> DuoFactor { get; } = new("--duo_factor", "-d", "--duo-factor") { Description = "Preferred Duo factor (web, push, call, passcode); web lets Duo pick (push to the first device)" };

    public Option<string> Name { get; } = new("--name", "-n") { Description = "AWS credentials profile to write (default: default)" };

    public Option<string> Config { get; } = new("--config", "-c") { Description = "Config file (default: ~/.config/aws_okta_keyman.yml)" };

    public Option<string> WritePath { get; } = new("--writepath", "-w") { Description = "Merge these flags into the config file at this path, then log in" };

    public Option<bool> OktaPreview { get; } = new("--oktapreview", "-p") { Description = "Use {org}.oktapreview.com" };

    public Option<bool> PasswordCache { get; } = new("--password_cache", "-P", "--password-cache") { Description = "Keep the Okta password in the OS keychain" };

    public Option<bool> PasswordReset { get; } = new("--password_reset", "-R", "--password-reset") { Description = "Ask for the password again and replace the cached one" };

    public Option<string> Command { get; } = new("--command", "-C") { Description = "Run this command with the new credentials in its environment" };

    public Option<bool> Screen { get; } = new("--screen", "-s") { Description = "Print the credentials to stdout instead of writing the credentials file" };

    public Option<string> Region { get; } = new("--region", "-re") { Description = "AWS region for STS and the profile (default: us-east-1)" };

    public Option<int?> Duration { get; } = new("--duration", "-du") { Description = "Session duration in seconds, 900 to 43200 (default: 3600)" };

    public Option<bool> Console { get; } = new("--console", "-co") { Description = "Print an AWS console sign-in URL" };

    public Option<bool> Update { get; } = new("--update", "-U") { Description = "(aws_okta_keyman's self-update; Keyman prints how to update instead)" };

    public Option<string> Account { get; } = new("--account", "-ac") { Description = "Pick roles of this AWS account (ID or name from the 'accounts' list)" };

    public Option<string> Role { get; } = new("--role", "-ro") { Description = "Pick this role (name as in the menu, e.g. Dev or team/Admin, or its ARN)" };

    public Option<string> Factor { get; } = new("--factor") { Description = "MFA factor to use without a menu, e.g. \"GOOGLE token:software:totp\", \"OKTA push\", sms" };

    public Option<string> AssumeRole { get; } = new("--assume-role") { Description = "After the SAML role, assume this role (ARN) and deliver its credentials (config: assume_role_arn)" };

    public Option<bool> Open { get; } = new("--open") { Description = "With --console: open the sign-in URL in the default browser" };

    public Option<int?> RefreshBefore { get; } = new("--refresh-before") { Description = "Seconds before expiry to refresh (reup, default 600) or stop using cached credentials (credential-process, default 900); at most a quarter of the lifetime" };

    public IEnumerable<Option> All =>
    [
        Org, Username, AppId, Debug, Reup, DuoFactor, Name, Config, WritePath, OktaPreview, PasswordCache,
        PasswordReset, Command, Screen, Region, Duration, Console, Update, Account, Role, Factor, AssumeRole, Open, RefreshBefore,
    ];

    /// <summary>The options that choose how to log in, for subcommands that log in and then deliver the credentials their own way.</summary>
    public IEnumerable<Option> ForDelivery =>
    [
        Org, Username, AppId, Debug, DuoFactor, Config, OktaPreview, PasswordCache, PasswordReset, Region, Duration,
        Account, Role, Factor, AssumeRole, RefreshBefore,
    ];

    /// <summary>The values given on the command line; flags left out stay null so the file's values show through.</summary>
    public KeymanConfig FromFlags(ParseResult parse)
    {
        static bool? Flag(ParseResult p, Option<bool> o) => p.GetResult(o) is { Implicit: false } ? p.GetValue(o) : null;

        return new KeymanConfig
        {
            Org = parse.GetValue(Org),
            Username = parse.GetValue(Username),
            AppId = parse.GetValue(AppId),
            Debug = Flag(parse, Debug),
            Reup = Flag(parse, Reup),
            DuoFactor = parse.GetValue(DuoFactor),
            Name = parse.GetValue(Name),
            OktaPreview = Flag(parse, OktaPreview),
            PasswordCache = Flag(parse, PasswordCache),
            PasswordReset = Flag(parse, PasswordReset),
            Command = parse.GetValue(Command),
            Screen = Flag(parse, Screen),
            Region = parse.GetValue(Region),
            Duration = parse.GetValue(Duration),
            Console = Flag(parse, Console),
            Account = parse.GetValue(Account),
            Role = parse.GetValue(Role),
            Factor = parse.GetValue(Factor),
            AssumeRoleArn = parse.GetValue(AssumeRole),
            RefreshBefore = parse.GetValue(RefreshBefore),
        };
    }
}
