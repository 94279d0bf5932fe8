using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman setup-profile NAME</c>: writes the AWS config profile whose credential_process is keyman.</summary>
internal sealed class SetupProfileCommand : KeymanCommand
{
    private readonly Argument<string?> _name = new("name") { Description = "AWS profile name (or -n/--profile NAME)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string> _profile = CommonOptions.Profile("AWS profile name to write (the same as the NAME argument)");
    private readonly Option<string> _region = CommonOptions.Region("AWS region of the profile (default: the Keyman config's region, else us-east-1)");
    private readonly Option<string> _config = new("--config", "-c") { Description = "Keyman config file to pass on to credential-process (default: ~/.config/aws_okta_keyman.yml)" };
    private readonly Option<bool> _debug = CommonOptions.Debug();

    public SetupProfileCommand(CliHost host)
        : base(new Command("setup-profile", "Write [profile NAME] with credential_process = keyman credential-process --profile NAME into the AWS config"), host)
    {
        Command.Arguments.Add(_name);
        Command.Options.Add(_profile);
        Command.Options.Add(_region);
        Command.Validators.Add(result =>
        {
            var (argument, option) = (result.GetValue(_name), result.GetValue(_profile));
            if (argument is null == option is null)
            {
                result.AddError(argument is null
                    ? "setup-profile needs the AWS profile name: keyman setup-profile NAME"
                    : "Give the AWS profile name once: as the NAME argument or as --profile, not both");
            }
        });
        Command.Options.Add(_config);
        Command.Options.Add(_debug);
    }

    protected override Option<bool> Debug => _debug;

    protected override Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var env = context.Environment;
        var profile = parse.GetValue(_name) ?? parse.GetValue(_profile)!;
        var configPath = parse.GetValue(_config) is { } c ? Path.GetFullPath(ConfigFile.ExpandHome(c, env)) : null;
        var keymanConfig = ConfigFile.Load(configPath ?? ConfigFile.DefaultPath(env), context.Log);
        var binary = Host.ProcessPath ?? throw new KeymanException(ExitCodes.Internal, "Cannot tell where the keyman binary is", "Write the profile by hand (see README).");
        var path = AwsConfigFile.ResolvePath(env);
        var region = parse.GetValue(_region);
        var line = CredentialProcessProfile.Write(path, profile, binary, region ?? keymanConfig.EffectiveRegion, configPath, overwriteRegion: region is not null);
        context.Log.Info($"Wrote [{(profile == "default" ? "default" : "profile " + profile)}] to {path}: {line}");
        context.Log.Info($"Try it: aws sts get-caller-identity --profile {profile}");
        return Task.FromResult(ExitCodes.Success);
    }
}
