using System.CommandLine;

namespace Keyman.Cli.Commands;

/// <summary>The options every command that uses AWS credentials takes: which profile, which region, how much detail.</summary>
internal sealed class AwsCommandOptions
{
    public Option<string> Profile { get; } = CommonOptions.Profile("AWS profile (default: AWS_PROFILE, else 'default'), e.g. the how-to's role_arn + source_profile profile");

    public Option<string> Region { get; } = CommonOptions.Region("AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1)");

    public Option<bool> Debug { get; } = CommonOptions.Debug();

    public void AddTo(Command command)
    {
        command.Options.Add(Profile);
        command.Options.Add(Region);
        command.Options.Add(Debug);
    }
}
