using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Bedrock;

namespace Keyman.Cli.Commands;

/// <summary>
/// A <c>keyman bedrock</c> subcommand: steps 4 and 5 of the how-to without jq or a JSON body. This base resolves the
/// profile's credentials (the role chain included), or takes the API key in AWS_BEARER_TOKEN_BEDROCK, and makes the client.
/// </summary>
internal abstract class BedrockCommand : KeymanCommand
{
    protected BedrockCommand(Command command, CliHost host) : base(command, host) => Aws.AddTo(command);

    protected AwsCommandOptions Aws { get; } = new();

    protected override Option<bool> Debug => Aws.Debug;

    /// <summary>The <c>bedrock</c> group with its subcommands.</summary>
    public static Command Group(CliHost host)
    {
        var command = new Command("bedrock", "Use Amazon Bedrock with your AWS profile or a Bedrock API key: list the Claude models, ask a model, chat");
        command.Subcommands.Add(new BedrockModelsCommand(host).Command);
        command.Subcommands.Add(new BedrockAskCommand(host).Command);
        command.Subcommands.Add(new BedrockChatCommand(host).Command);
        return command;
    }

    protected abstract Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, BedrockClient client, CancellationToken cancellationToken);

    protected sealed override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        using var client = await BedrockConnection.OpenAsync(context, parse.GetValue(Aws.Profile), parse.GetValue(Aws.Region), cancellationToken);
        return await ExecuteAsync(parse, context, client, cancellationToken);
    }
}
