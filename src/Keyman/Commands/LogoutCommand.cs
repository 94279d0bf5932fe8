using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Logout;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman logout</c>: ends the Okta session and forgets it, the credential_process cache and (--password) the
/// cached password, for the configured org and user or (--all) every one; prints what it removed.
/// </summary>
internal sealed class LogoutCommand : KeymanCommand
{
    private readonly Option<string> _config = new("--config", "-c") { Description = "Keyman config file, for the Okta org and user (default: ~/.config/aws_okta_keyman.yml)" };
    private readonly Option<string> _org = new("--org", "-o") { Description = "Okta org whose session to end (default: the config's)" };
    private readonly Option<string> _username = new("--username", "-u") { Description = "Okta username (default: the config's)" };
    private readonly Option<bool> _all = new("--all") { Description = "Every org and user Keyman keeps a session or cache for" };
    private readonly Option<bool> _password = new("--password") { Description = "Forget the cached Okta password too" };
    private readonly Option<bool> _debug = CommonOptions.Debug();

    public LogoutCommand(CliHost host)
        : base(new Command("logout", "End the Okta session and forget it, the credential_process cache and (--password) the cached password"), host)
    {
        Command.Options.Add(_config);
        Command.Options.Add(_org);
        Command.Options.Add(_username);
        Command.Options.Add(_all);
        Command.Options.Add(_password);
        Command.Options.Add(_debug);
    }

    protected override Option<bool> Debug => _debug;

    protected override bool UsesSecretStore => true;

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var env = context.Environment;
        var file = ConfigFile.Load(ConfigFile.ExpandHome(parse.GetValue(_config) ?? ConfigFile.DefaultPath(env), env), context.Log);
        var config = new KeymanConfig { Org = parse.GetValue(_org), Username = parse.GetValue(_username) }.Over(file);
        var logout = new KeymanLogout(context) { All = parse.GetValue(_all), Password = parse.GetValue(_password) };
        foreach (var line in await logout.RunAsync(config, cancellationToken))
        {
            context.Output.WriteLine(line);
        }

        return ExitCodes.Success;
    }
}
