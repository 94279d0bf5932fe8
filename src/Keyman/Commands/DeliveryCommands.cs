using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Login;

namespace Keyman.Cli.Commands;

/// <summary>Commands that log in and hand the credentials over without the credentials file: exec, env, credential-process; and setup-profile.</summary>
internal static class DeliveryCommands
{
    public static void AddTo(RootCommand root)
    {
        root.Subcommands.Add(Exec());
        root.Subcommands.Add(Env());
        root.Subcommands.Add(CredentialProcessCommand());
        root.Subcommands.Add(SetupProfile());
    }

    private static LoginOptions AddLoginOptions(Command command)
    {
        var options = new LoginOptions();
        foreach (var option in options.ForDelivery)
        {
            command.Options.Add(option);
        }

        return options;
    }

    private static Command Exec()
    {
        var command = new Command("exec", "Log in, then run a command (no shell) with the AWS credentials in its environment; exits with its exit code");
        var options = AddLoginOptions(command);
        var argv = new Argument<string[]>("command") { Description = "The command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(argv);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var log = ConsoleLog.ForStandardError(parse.GetValue(options.Debug));
            try
            {
                var (_, result) = await LoginAsync(options, parse, log, ConsoleInteraction.ForConsole(), cancellationToken);
                return await LoginCommand.RunCommandAsync(parse.GetValue(argv)!, result, log);
            }
            catch (Exception e)
            {
                return KeymanCli.Fail(e, log.DebugEnabled);
            }
        });
        return command;
    }

    private static Command Env()
    {
        var command = new Command("env", "Log in, then print the AWS credentials as environment variable exports (eval \"$(keyman env)\")");
        var options = AddLoginOptions(command);
        var format = new Option<string>("--format") { Description = "bash (default), zsh, fish, powershell or json" };
        format.AcceptOnlyFromAmong("bash", "zsh", "fish", "powershell", "json");
        command.Options.Add(format);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var log = ConsoleLog.ForStandardError(parse.GetValue(options.Debug));
            try
            {
                var exportFormat = CredentialVariables.ParseFormat(parse.GetValue(format));
                var (_, result) = await LoginAsync(options, parse, log, ConsoleInteraction.ForConsole(), cancellationToken);
                System.Console.Out.Write(CredentialVariables.Format(CredentialVariables.For(result.Credentials, result.Region), exportFormat));
                System.Console.Out.Flush();
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return KeymanCli.Fail(e, log.DebugEnabled);
            }
        });
        return command;
    }

    private static Command CredentialProcessCommand()
    {
        var command = new Command("credential-process", "For credential_process in ~/.aws/config: print Version 1 JSON credentials, cached in the keychain; prompts only on the terminal");
        var options = AddLoginOptions(command);
        var profile = new Option<string>("--profile") { Description = "The AWS profile this answers for: the cache key (and lock) of its credentials", Required = true };
        command.Options.Add(profile);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var interaction = ConsoleInteraction.ForTerminalDevice();
            var log = ConsoleLog.ForCredentialProcess(parse.GetValue(options.Debug), interaction.Terminal);
            try
            {
                var env = ProcessEnvironment.Instance;
                var config = LoginCommand.LoadConfig(options, parse, log, env);
                var context = LoginCommand.Context(env, log, interaction);
                var json = await new CredentialProcess(context).GetJsonAsync(parse.GetValue(profile)!, config, cancellationToken);
                System.Console.Out.WriteLine(json);
                System.Console.Out.Flush();
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return KeymanCli.Fail(e, log.DebugEnabled);
            }
        });
        return command;
    }

    private static Command SetupProfile()
    {
        var command = new Command("setup-profile", "Write [profile NAME] with credential_process = keyman credential-process --profile NAME into the AWS config");
        var name = new Argument<string>("name") { Description = "AWS profile name" };
        var region = new Option<string>("--region", "-re") { Description = "region of the profile (default: the Keyman config's region, else us-east-1)" };
        var config = new Option<string>("--config", "-c") { Description = "Keyman config file to pass on to credential-process (default: ~/.config/aws_okta_keyman.yml)" };
        command.Arguments.Add(name);
        command.Options.Add(region);
        command.Options.Add(config);
        command.SetAction(parse =>
        {
            var log = ConsoleLog.ForStandardError(false);
            try
            {
                var env = ProcessEnvironment.Instance;
                var profile = parse.GetValue(name)!;
                var configPath = parse.GetValue(config) is { } c ? Path.GetFullPath(ConfigFile.ExpandHome(c, env)) : null;
                var keymanConfig = ConfigFile.Load(configPath ?? ConfigFile.DefaultPath(env), log);
                var binary = Environment.ProcessPath ?? throw new KeymanException(ExitCodes.Internal, "Cannot tell where the keyman binary is", "Write the profile by hand (see README).");
                var path = AwsConfigFile.ResolvePath(env);
                var line = CredentialProcessProfile.Write(path, profile, binary, parse.GetValue(region) ?? keymanConfig.EffectiveRegion, configPath,
                    overwriteRegion: parse.GetValue(region) is not null);
                log.Info($"Wrote [{(profile == "default" ? "default" : "profile " + profile)}] to {path}: {line}");
                log.Info($"Try it: aws sts get-caller-identity --profile {profile}");
                return ExitCodes.Success;
            }
            catch (Exception e)
            {
                return KeymanCli.Fail(e, false);
            }
        });
        return command;
    }

    private static async Task<(KeymanContext Context, LoginResult Result)> LoginAsync(LoginOptions options, ParseResult parse, ConsoleLog log,
        ConsoleInteraction interaction, CancellationToken cancellationToken)
    {
        var env = ProcessEnvironment.Instance;
        var config = LoginCommand.LoadConfig(options, parse, log, env);
        var context = LoginCommand.Context(env, log, interaction);
        using var flow = new LoginFlow(context) { WriteCredentialsFile = false };
        return (context, await flow.RunAsync(config, cancellationToken));
    }
}
