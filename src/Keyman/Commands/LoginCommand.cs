using System.CommandLine;
using System.Runtime.InteropServices;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Login;

namespace Keyman.Cli.Commands;

/// <summary>The root command: aws_okta_keyman's login, with its flags, then -C / --console / --reup.</summary>
internal sealed class LoginCommand(RootCommand root, CliHost host) : LoginFlowCommand(root, host, allOptions: true)
{
    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var log = context.Log;
        var config = LoadConfig(parse, context);
        if (parse.GetResult(Options.Update) is { Implicit: false })
        {
            log.Info("Keyman does not update itself: install the new release the way you installed this one (see README).");
            return ExitCodes.Success;
        }

        if (parse.GetValue(Options.WritePath) is { } writePath)
        {
            var target = ConfigFile.ExpandHome(writePath, context.Environment);
            ConfigFile.Write(target, config);
            log.Info($"Config file written to {target}");
        }

        if (config.Reup == true && (config.Command is not null || config.Console == true))
        {
            log.Warning("reup keeps refreshing and never reaches command/console (as in aws_okta_keyman); they are ignored.");
        }

        using var flow = new LoginFlow(context);
        if (parse.GetValue(Options.AllProfiles))
        {
            RefuseWithAllProfiles(Options.FromFlags(parse));
            await flow.RunAllProfilesAsync(config, ProfileNameTemplate.Parse(parse.GetValue(Options.ProfileTemplate)), cancellationToken);
            log.Info("All done! \U0001F44D");
            return ExitCodes.Success;
        }

        if (parse.GetValue(Options.ProfileTemplate) is not null)
        {
            throw new KeymanException(ExitCodes.Usage, "--profile-template names the profiles of --all-profiles", "Add --all-profiles, or name the one profile with -n/--profile.");
        }

        var result = await flow.RunAsync(config, cancellationToken);
        if (config.Screen == true)
        {
            log.Info("AWS Credentials:");
            context.Output.WriteLine($"AWS_ACCESS_KEY_ID = {result.Credentials.AccessKeyId}");
            context.Output.WriteLine($"AWS_SECRET_ACCESS_KEY = {result.Credentials.SecretAccessKey}");
            context.Output.WriteLine($"AWS_SESSION_TOKEN = {result.Credentials.SessionToken}");
        }

        if (config.Reup == true)
        {
            using var stop = StopOnTerminate(cancellationToken);
            var count = await new Reup(context, flow, config).RunAsync(result, stop.Token);
            log.Info($"Stopped refreshing after {count} refresh{(count == 1 ? string.Empty : "es")}; the last credentials stay in the profile.");
            return ExitCodes.Success;
        }

        var exitCode = ExitCodes.Success;
        if (config.Command is { } command)
        {
            exitCode = await RunChildAsync(CommandLine.Split(command), result, context);
        }

        if (config.Console == true)
        {
            await PrintConsoleUrlAsync(context, result, config, parse.GetValue(Options.Open), cancellationToken);
        }

        if (exitCode == ExitCodes.Success)
        {
            log.Info("All done! \U0001F44D");
        }

        return exitCode;
    }

    /// <summary>The flags --all-profiles cannot honour (it writes every role's own profile, and only that) are refused, not ignored.</summary>
    private static void RefuseWithAllProfiles(KeymanConfig flags)
    {
        if (flags.Name is not null)
        {
            throw new KeymanException(ExitCodes.Usage, "--all-profiles names each role's profile itself; -n/--profile does not apply",
                "Use --profile-template to name the profiles, e.g. --profile-template 'okta-{account}-{role}'.");
        }

        if (new[] { (flags.Screen == true, "--screen"), (flags.Console == true, "--console"), (flags.Reup == true, "--reup"), (flags.Command is not null, "--command") }
            .FirstOrDefault(x => x.Item1).Item2 is { } conflict)
        {
            throw new KeymanException(ExitCodes.Usage, $"--all-profiles cannot be combined with {conflict}: it only writes each role's profile to the credentials file",
                $"Drop {conflict}, or log in to one role without --all-profiles to use it.");
        }
    }

    private static async Task PrintConsoleUrlAsync(KeymanContext context, LoginResult result, KeymanConfig config, bool open, CancellationToken cancellationToken)
    {
        using var handler = context.Http.CreateHandler(ConsoleSignin.RetryPolicy, context.Log, context.Time, Keyman.Core.Http.HttpTarget.Aws);
        var signin = new ConsoleSignin(context.Environment, handler, context.Log);
        var duration = result.Chained ? Math.Min(config.EffectiveDuration, ConsoleSignin.ChainedMaxDuration) : config.EffectiveDuration;
        var url = await signin.CreateLoginUrlAsync(result.Credentials, result.SamlFormAction, result.Role.Partition,
            result.OktaBaseUrl!, duration, cancellationToken);
        context.Log.Info("AWS Console URL (valid for 15 minutes):");
        context.Output.WriteLine(url.AbsoluteUri);
        if (open)
        {
            await context.Browser.OpenAsync(url, context.Log, cancellationToken);
        }
    }
}
