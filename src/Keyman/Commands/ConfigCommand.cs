using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Okta;
using Keyman.Core.Ui;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman config</c>: asks for the values aws_okta_keyman's interactive setup asks for, and writes the file.</summary>
internal sealed class ConfigCommand : KeymanCommand
{
    private readonly Option<string> _path = new("--config", "-c") { Description = "Where to write (default: ~/.config/aws_okta_keyman.yml)" };
    private readonly Option<bool> _debug = CommonOptions.Debug();

    public ConfigCommand(CliHost host)
        : base(new Command("config", "Ask for your Okta org, username and AWS apps, and write the config file"), host)
    {
        Command.Options.Add(_path);
        Command.Options.Add(_debug);
    }

    protected override Option<bool> Debug => _debug;

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var target = ConfigFile.ExpandHome(parse.GetValue(_path) ?? ConfigFile.DefaultPath(context.Environment), context.Environment);
        // An existing file's values are the defaults, and keys the questions don't cover (factor,
        // password_cache, duration…) are kept: running config again never loses settings.
        var existing = ConfigFile.Load(target, context.Log);
        var config = (await AskAsync(context.Interaction, Host.Error, existing, cancellationToken)).Over(existing);
        ConfigFile.Write(target, config);
        context.Log.Info($"Config file written to {target}. Please rerun Keyman");
        return ExitCodes.Success;
    }

    private static async Task<KeymanConfig> AskAsync(IInteraction ui, TextWriter prompts, KeymanConfig existing, CancellationToken cancellationToken)
    {
        async Task<string> Ask(string prompt, string? current) =>
            (await ui.AskAsync(current is null ? prompt : $"{prompt.TrimEnd(':')} [{current}]:", secret: false, cancellationToken)).Trim();

        string? org = null;
        while (org is null)
        {
            var answer = await Ask("Okta org (e.g. acme or https://acme.okta.com):", existing.Org);
            if (answer.Length == 0 && existing.Org is not null)
            {
                break;
            }

            try
            {
                OktaOrg.Resolve(answer, oktaPreview: false);
                org = answer;
            }
            catch (KeymanException e)
            {
                prompts.WriteLine($"{e.Message}. {e.Hint}");
            }
        }

        var username = await Ask("Username (blank: your OS user name):", existing.Username);
        var accounts = new List<AccountEntry>();
        if (existing.Accounts is { Count: > 0 } kept)
        {
            prompts.WriteLine($"Current AWS apps: {string.Join(", ", kept.Select(a => $"{a.Name} ({a.AppId})"))}; enter app IDs to replace them, or none to keep them.");
        }

        while (true)
        {
            // A pasted link is reduced to its app ID: the original cannot read a link in the file.
            var appId = OktaAppLink.ToAppId(await Ask("App ID or the app's link (https://…/home/amazon_aws/0oa…/272; blank when done):", null));
            if (appId.Length == 0)
            {
                break;
            }

            var name = await Ask("Account name for that app (e.g. Dev):", null);
            accounts.Add(new AccountEntry(name.Length == 0 ? appId : name, appId));
        }

        var role = await Ask("Role to pick by default (blank: ask each time):", existing.Role);
        var region = await Ask($"AWS region (blank: {existing.Region ?? KeymanConfig.DefaultRegion}):", null);
        return new KeymanConfig
        {
            Org = org,
            Username = username.Length > 0 ? username : existing.Username ?? "automatic-username",
            Accounts = accounts.Count > 0 ? accounts : null,
            Role = role.Length == 0 ? null : role,
            Region = region.Length == 0 ? existing.Region ?? KeymanConfig.DefaultRegion : region,
        };
    }
}
