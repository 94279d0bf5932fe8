using System.CommandLine;
using System.Text.Json;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Doctor;
using Keyman.Core.Setup;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman setup</c>: the guided set-up from nothing to a Claude answer (answers, login, both files, doctor, one
/// question); the parent of <c>setup claude-code</c>.
/// </summary>
internal sealed class SetupCommand : KeymanCommand
{
    private readonly Option<string> _org = new("--org", "-o") { Description = "Okta org: acme, acme.okta.com or https://acme.okta.com" };
    private readonly Option<string> _username = new("--username", "-u") { Description = "Okta username" };
    private readonly Option<string> _appId = new("--appid", "-a") { Description = "The Okta AWS app (0oa…/272, or its link); default: pick from the apps Okta shows you" };
    private readonly Option<string> _role = new("--role", "-ro") { Description = "The role of the app (its name or ARN); default: pick from the menu" };
    private readonly Option<string> _bedrockRole = new("--bedrock-role") { Description = "The Bedrock role ARN DevOps gave you ('none': no role chain)", HelpName = "ARN" };
    private readonly Option<string> _region = CommonOptions.Region("AWS region (default: the Keyman config's, else [default]'s in ~/.aws/config, else us-east-1)");
    private readonly Option<string> _style = new("--profile-style") { Description = "chain: role_arn + source_profile, as the how-to (default); credential-process: the source profile runs keyman" };
    private readonly Option<string> _profile = CommonOptions.Profile($"The AWS profile with the Bedrock role (default: {SetupAnswers.DefaultBedrockProfile})");
    private readonly Option<string> _sourceProfile = new("--source-profile") { Description = $"The profile it chains on (default: {SetupAnswers.DefaultChainSource}; with credential-process: {SetupAnswers.DefaultProcessSource})" };
    private readonly Option<string> _config = new("--config", "-c") { Description = "Keyman config file (default: ~/.config/aws_okta_keyman.yml)" };
    private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Write the changes without asking" };
    private readonly Option<bool> _nonInteractive = new("--non-interactive") { Description = "Ask nothing but the password and MFA: answers from the flags (or the files as they are); for bootstrap scripts" };
    private readonly Option<bool> _json = CommonOptions.Json("The result as JSON on stdout (files written, checks, Claude's answer); the diff goes to stderr");
    private readonly Option<bool> _debug = CommonOptions.Debug();

    private SetupCommand(CliHost host)
        : base(new Command("setup", "Set Keyman up from nothing to a Claude answer: Okta org and username, the AWS app and role, both config files, a check; 'setup claude-code' for Claude Code"), host)
    {
        _style.AcceptOnlyFromAmong("chain", "credential-process");
        foreach (var option in new Option[] { _org, _username, _appId, _role, _bedrockRole, _region, _style, _profile, _sourceProfile, _config, _yes, _nonInteractive, _json, _debug })
        {
            Command.Options.Add(option);
        }
    }

    protected override Option<bool> Debug => _debug;

    protected override bool UsesSecretStore => true;

    public static Command Group(CliHost host)
    {
        var command = new SetupCommand(host).Command;
        command.Subcommands.Add(new SetupClaudeCodeCommand(host).Command);
        return command;
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var env = context.Environment;
        var given = parse.GetValue(_config);
        var request = new SetupRequest
        {
            Org = parse.GetValue(_org),
            Username = parse.GetValue(_username),
            AppId = parse.GetValue(_appId),
            Role = parse.GetValue(_role),
            BedrockRoleArn = parse.GetValue(_bedrockRole),
            Region = parse.GetValue(_region),
            Style = parse.GetValue(_style),
            Profile = parse.GetValue(_profile),
            SourceProfile = parse.GetValue(_sourceProfile),
            NonInteractive = parse.GetValue(_nonInteractive),
            Yes = parse.GetValue(_yes),
            Json = parse.GetValue(_json),
            ConfigPath = Path.GetFullPath(ConfigFile.ExpandHome(given ?? ConfigFile.DefaultPath(env), env)),
            ConfigPathGiven = given is not null,
            KeymanBinary = Host.ProcessPath,
        };

        try
        {
            return await RunAsync(request, context, cancellationToken);
        }
        catch (Exception e) when (request.Json)
        {
            // stdout is the result even when there is none: the failure as one object; stderr says it as always.
            var (code, error, fix) = e switch
            {
                KeymanException k => (k.ExitCode, k.Message, k.Hint),
                OperationCanceledException => (ExitCodes.Cancelled, "Cancelled.", null),
                _ => (ExitCodes.Internal, $"Unexpected error: {ErrorReport.Describe(e)} ({e.GetType().Name})", "run again with --debug and report it."),
            };
            context.Output.WriteLine(JsonSerializer.Serialize(new SetupFailureOutput(false, code, error, fix), CliJson.Default.SetupFailureOutput));
            throw;
        }
    }

    private async Task<int> RunAsync(SetupRequest request, KeymanContext context, CancellationToken cancellationToken)
    {
        var setup = new GuidedSetup(context, request);
        var outcome = await setup.RunAsync(cancellationToken);
        var output = context.Output;
        var json = request.Json;
        if (!json)
        {
            output.WriteLine();
            output.WriteLine($"Checking profile {outcome.Profile} (keyman doctor):");
        }

        var checks = await setup.CheckAsync(outcome, cancellationToken);
        var failed = checks.FirstOrDefault(c => c.Status == CheckStatus.Fail);
        var problem = failed is null ? null : new KeymanException(failed.ExitCode == ExitCodes.Success ? ExitCodes.GeneralError : failed.ExitCode,
            $"Setup wrote the files, but the check '{failed.Name}' failed: {failed.Detail}", failed.Fix);
        if (!json)
        {
            DoctorCommand.Render(checks, output, Host.Color(output.IsTerminal));
            if (problem is not null)
            {
                throw problem;
            }
        }

        var (model, answer) = failed is null ? await setup.AskClaudeAsync(outcome, cancellationToken) : default;
        var steps = GuidedSetup.NextSteps(outcome);
        if (json)
        {
            var result = new SetupOutput(failed is null, outcome.Written, outcome.Files, outcome.Profile, outcome.Region,
                outcome.Answers.Style == ProfileStyle.RoleChain ? "chain" : "credential-process", outcome.Plan.Keys.AppId!, outcome.Plan.Keys.Role!,
                outcome.Answers.BedrockRoleArn, checks.Select(DoctorCheckOutput.From).ToList(), model, answer, steps.Select(s => s.Command).ToList(),
                problem?.ExitCode, problem?.Message, problem?.Hint);
            output.WriteLine(JsonSerializer.Serialize(result, CliJson.Default.SetupOutput));
            return problem is null ? ExitCodes.Success : ErrorReport.Fail(Host, problem, debug: false);
        }

        output.WriteLine();
        output.WriteLine($"Claude ({model}) says:");
        output.WriteTextLine(answer!);
        output.WriteLine();
        output.WriteLine("Set up. Next:");
        var width = steps.Max(s => s.Command.Length);
        foreach (var (command, what) in steps)
        {
            output.WriteLine($"  {command.PadRight(width)}   # {what}");
        }

        return ExitCodes.Success;
    }
}
