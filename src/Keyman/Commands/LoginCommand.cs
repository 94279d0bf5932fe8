using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Login;

namespace Keyman.Cli.Commands;

/// <summary>The root command: aws_okta_keyman's login, with its flags.</summary>
internal static class LoginCommand
{
    public static void Configure(RootCommand root)
    {
        var options = new LoginOptions();
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        options.Duration.Validators.Add(result =>
        {
            // Only range-check a value that parsed; System.CommandLine reports an unparsable one itself.
            if (result.Tokens is [var token] && int.TryParse(token.Value, System.Globalization.CultureInfo.InvariantCulture, out var d)
                && d is < KeymanConfig.MinDuration or > KeymanConfig.MaxDuration)
            {
                result.AddError($"--duration {d} is outside 900 to 43200 seconds.");
            }
        });

        root.SetAction((parse, cancellationToken) => RunAsync(options, parse, cancellationToken));
    }

    private static async Task<int> RunAsync(LoginOptions options, ParseResult parse, CancellationToken cancellationToken)
    {
        var flags = options.FromFlags(parse);
        var env = ProcessEnvironment.Instance;
        var log = ConsoleLog.ForStandardError(flags.Debug ?? false);
        try
        {
            var configPath = ConfigFile.ExpandHome(parse.GetValue(options.Config) ?? ConfigFile.DefaultPath(env), env);
            var file = ConfigFile.Load(configPath, log);
            var config = flags.Over(file);
            log.DebugEnabled = config.Debug ?? false;
            log.Debug($"Config file: {configPath}{(File.Exists(configPath) ? string.Empty : " (not found; flags only)")}");

            if (parse.GetResult(options.Update) is { Implicit: false })
            {
                log.Info("Keyman does not update itself: install the new release the way you installed this one (see README).");
                return ExitCodes.Success;
            }

            if (parse.GetValue(options.WritePath) is { } writePath)
            {
                var target = ConfigFile.ExpandHome(writePath, env);
                ConfigFile.Write(target, config);
                log.Info($"Config file written to {target}");
            }

            WarnAboutDeferredFeatures(config, log);

            var context = new KeymanContext
            {
                Environment = env,
                Log = log,
                Interaction = ConsoleInteraction.ForConsole(),
                Version = KeymanCli.Version,
            };
            var result = await new LoginFlow(context).RunAsync(config, cancellationToken);
            if (config.Screen == true)
            {
                log.Info("AWS Credentials:");
                var output = System.Console.Out;
                output.WriteLine($"AWS_ACCESS_KEY_ID = {result.Credentials.AccessKeyId}");
                output.WriteLine($"AWS_SECRET_ACCESS_KEY = {result.Credentials.SecretAccessKey}");
                output.WriteLine($"AWS_SESSION_TOKEN = {result.Credentials.SessionToken}");
                output.Flush();
            }

            log.Info("All done! \U0001F44D");
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return KeymanCli.Fail(e, log.DebugEnabled);
        }
    }

    /// <summary>Options of the original that a later Keyman release implements: say so instead of silently ignoring them.</summary>
    private static void WarnAboutDeferredFeatures(KeymanConfig config, ConsoleLog log)
    {
        if (config.PasswordCache == true || config.PasswordReset == true)
        {
            log.Warning("password_cache: the OS keychain is not supported in this version yet; Keyman asks for the password each time.");
        }

        if (config.Reup == true)
        {
            log.Warning("reup: refreshing in a loop is not supported in this version yet; Keyman logs in once.");
        }

        if (config.Console == true)
        {
            log.Warning("console: the AWS console URL is not supported in this version yet.");
        }

        if (config.Command is not null)
        {
            log.Warning("command: running a command is not supported in this version yet; the credentials are written to the profile.");
        }
    }
}
