using System.CommandLine;
using System.Text.Json;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Doctor;
using Keyman.Core.Ui;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman doctor</c>: the how-to's checks in order, PASS or FAIL with the fix.</summary>
internal sealed class DoctorCommand : KeymanCommand
{
    private readonly AwsCommandOptions _aws = new();
    private readonly Option<string> _config = new("--config", "-c") { Description = "Keyman config file (default: ~/.config/aws_okta_keyman.yml)" };
    private readonly Option<bool> _json = CommonOptions.Json("The checks as JSON, for scripts");
    private readonly Option<bool> _noInvoke = new("--no-invoke") { Description = "Skip the one-token InvokeModel call" };
    private readonly Option<string> _model = new("--model-id", "--model", "-m") { Description = "Model for the InvokeModel check (default: the newest Claude model the profile can use)" };

    public DoctorCommand(CliHost host)
        : base(new Command("doctor", "Check every link of the how-to's chain: Keyman config, AWS profile, credentials, STS, Bedrock"), host)
    {
        _aws.AddTo(Command);
        Command.Options.Add(_config);
        Command.Options.Add(_json);
        Command.Options.Add(_noInvoke);
        Command.Options.Add(_model);
    }

    protected override Option<bool> Debug => _aws.Debug;

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var env = context.Environment;
        var options = new DoctorOptions
        {
            ConfigPath = ConfigFile.ExpandHome(parse.GetValue(_config) ?? ConfigFile.DefaultPath(env), env),
            Profile = parse.GetValue(_aws.Profile),
            Region = parse.GetValue(_aws.Region),
            ModelId = parse.GetValue(_model),
            Invoke = !parse.GetValue(_noInvoke),
        };
        var checks = await new Doctor(context, options).RunAsync(cancellationToken);
        if (parse.GetValue(_json))
        {
            var output = new DoctorOutput(
                checks.All(c => c.Status != CheckStatus.Fail),
                checks.Select(DoctorCheckOutput.From).ToList());
            context.Output.WriteLine(JsonSerializer.Serialize(output, CliJson.Default.DoctorOutput));
        }
        else
        {
            Render(checks, context.Output, Host.Color(context.Output.IsTerminal));
        }

        return checks.FirstOrDefault(c => c.Status == CheckStatus.Fail) is { } failed
            ? (failed.ExitCode == ExitCodes.Success ? ExitCodes.GeneralError : failed.ExitCode)
            : ExitCodes.Success;
    }

    internal static void Render(IReadOnlyList<DoctorCheck> checks, UserOutput output, bool color)
    {
        foreach (var check in checks)
        {
            var (label, ansi) = check.Status switch
            {
                CheckStatus.Pass => ("PASS", "\u001b[32m"),
                CheckStatus.Warn => ("WARN", "\u001b[33m"),
                CheckStatus.Fail => ("FAIL", "\u001b[31m"),
                _ => ("SKIP", "\u001b[90m"),
            };
            var status = color ? $"{ansi}{label}\u001b[0m" : label;
            // A check's detail can quote a server (an STS or Bedrock error message).
            output.Write($"{status}  ");
            output.WriteTextLine($"{check.Name}: {check.Detail}");
            if (check.Fix is not null && check.Status == CheckStatus.Fail)
            {
                output.WriteTextLine($"      Fix: {check.Fix}");
            }
        }
    }
}

internal sealed record DoctorOutput(bool Ok, IReadOnlyList<DoctorCheckOutput> Checks);

internal sealed record DoctorCheckOutput(string Name, string Status, string Detail, string? Fix)
{
    public static DoctorCheckOutput From(DoctorCheck check) => new(check.Name, check.Status.ToString().ToUpperInvariant(), check.Detail, check.Fix);
}
