using System.CommandLine;
using System.Text.Json;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Doctor;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman doctor</c>: the how-to's checks in order, PASS or FAIL with the fix.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var aws = new AwsCommandOptions();
        var config = new Option<string>("--config", "-c") { Description = "Keyman config file (default: ~/.config/aws_okta_keyman.yml)" };
        var json = new Option<bool>("--json") { Description = "The checks as JSON, for scripts" };
        var noInvoke = new Option<bool>("--no-invoke") { Description = "Skip the one-token InvokeModel call" };
        var model = new Option<string>("--model-id") { Description = "Model for the InvokeModel check (default: the newest Claude model the profile can use)" };
        var command = new Command("doctor", "Check every link of the how-to's chain: Keyman config, AWS profile, credentials, STS, Bedrock");
        aws.AddTo(command);
        command.Options.Add(config);
        command.Options.Add(json);
        command.Options.Add(noInvoke);
        command.Options.Add(model);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var debug = parse.GetValue(aws.Debug);
            var log = ConsoleLog.ForStandardError(debug);
            try
            {
                var env = ProcessEnvironment.Instance;
                var context = new KeymanContext { Environment = env, Log = log, Interaction = ConsoleInteraction.ForConsole(), Version = KeymanCli.Version };
                var options = new DoctorOptions
                {
                    ConfigPath = ConfigFile.ExpandHome(parse.GetValue(config) ?? ConfigFile.DefaultPath(env), env),
                    Profile = parse.GetValue(aws.Profile),
                    Region = parse.GetValue(aws.Region),
                    ModelId = parse.GetValue(model),
                    Invoke = !parse.GetValue(noInvoke),
                };
                var checks = await new Doctor(context, options).RunAsync(cancellationToken);
                Render(checks, parse.GetValue(json));
                return checks.FirstOrDefault(c => c.Status == CheckStatus.Fail) is { } failed
                    ? (failed.ExitCode == ExitCodes.Success ? ExitCodes.GeneralError : failed.ExitCode)
                    : ExitCodes.Success;
            }
            catch (Exception e)
            {
                return KeymanCli.Fail(e, debug);
            }
        });
        return command;
    }

    private static void Render(IReadOnlyList<DoctorCheck> checks, bool json)
    {
        var stdout = System.Console.Out;
        if (json)
        {
            var output = new DoctorOutput(
                checks.All(c => c.Status != CheckStatus.Fail),
                checks.Select(c => new DoctorCheckOutput(c.Name, c.Status.ToString().ToUpperInvariant(), c.Detail, c.Fix)).ToList());
            stdout.WriteLine(JsonSerializer.Serialize(output, CliJson.Default.DoctorOutput));
            return;
        }

        var color = !System.Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
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
            stdout.WriteLine($"{status}  {check.Name}: {check.Detail}");
            if (check.Fix is not null && check.Status == CheckStatus.Fail)
            {
                stdout.WriteLine($"      Fix: {check.Fix}");
            }
        }
    }
}

internal sealed record DoctorOutput(bool Ok, IReadOnlyList<DoctorCheckOutput> Checks);

internal sealed record DoctorCheckOutput(string Name, string Status, string Detail, string? Fix);
