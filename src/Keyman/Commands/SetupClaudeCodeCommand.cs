using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.Bedrock;
using Keyman.Core.ClaudeCode;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman setup claude-code</c>: finds the newest Claude models the profile can invoke, merges what Claude Code reads
/// for Bedrock into its settings file (other keys and formatting kept, a backup written), and asks the model once.
/// </summary>
internal sealed class SetupClaudeCodeCommand : KeymanCommand
{
    public const string DefaultProfile = "bedrock";

    private readonly AwsCommandOptions _aws = new();
    private readonly Option<bool> _project = new("--project") { Description = "Write ./.claude/settings.json (this project) instead of ~/.claude/settings.json" };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Print the change as a diff; write nothing" };

    public SetupClaudeCodeCommand(CliHost host)
        : base(new Command("claude-code", $"Point Claude Code at Bedrock with your profile (default: AWS_PROFILE, else '{DefaultProfile}'): models, region, credential refresh"), host)
    {
        _aws.AddTo(Command);
        Command.Options.Add(_project);
        Command.Options.Add(_dryRun);
    }

    protected override Option<bool> Debug => _aws.Debug;

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var env = context.Environment;
        var log = context.Log;
        var profile = parse.GetValue(_aws.Profile) ?? env.Get("AWS_PROFILE") ?? DefaultProfile;
        var profiles = new AwsProfiles(env, log, context.Time, context.Http);
        var plan = profiles.Plan(profile, parse.GetValue(_aws.Region));
        var keyman = Host.ProcessPath ?? throw new KeymanException(ExitCodes.Internal, "Cannot tell where the keyman binary is", "Write the settings by hand (see README, Claude Code on Bedrock).");
        var (refresh, export) = ClaudeCodeModels.Hooks(plan, keyman);

        var session = await profiles.ResolveAsync(profile, parse.GetValue(_aws.Region), cancellationToken);
        using var client = new BedrockClient(session, env, log, context.Time, context.Http);
        log.Info($"Looking for the newest Claude models profile {profile} can invoke in {session.Region}…");
        var (model, haiku) = await ClaudeCodeModels.FindAsync(client, log, cancellationToken);
        log.Info($"Model {model}, small model {haiku}");

        var config = new ClaudeCodeBedrockConfig(profile, session.Region, model, haiku, refresh, export);
        var path = ClaudeCodeSettings.PathFor(env, parse.GetValue(_project) ? Directory.GetCurrentDirectory() : null);
        var change = ClaudeCodeSettings.Plan(path, config);
        if (!change.Changed)
        {
            log.Info($"{path} already has these settings; nothing written");
        }
        else if (parse.GetValue(_dryRun))
        {
            context.Output.Write(change.Diff);
            log.Info("--dry-run: nothing written");
            return ExitCodes.Success;
        }
        else
        {
            ClaudeCodeSettings.Write(change);
            log.Info(change.Before is null ? $"Wrote {path}" : $"Updated {path} (the old file is at {path}.bak)");
        }

        // The last check: one question to the chosen model, as Claude Code will ask it.
        var answer = await client.ConverseAsync(model, ConverseRequest.FromPrompt("Say hello to a developer who just set up Claude Code on Amazon Bedrock, in one short sentence.", 60), cancellationToken);
        context.Output.WriteTextLine(answer.Text);
        log.Info("Claude Code is set up: run `claude` (a new terminal, or restart it, picks the settings up)");
        return ExitCodes.Success;
    }
}
