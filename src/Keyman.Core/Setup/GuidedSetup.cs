using System.Globalization;
using Keyman.Core.Aws;
using Keyman.Core.Bedrock;
using Keyman.Core.Config;
using Keyman.Core.Doctor;
using Keyman.Core.Login;

namespace Keyman.Core.Setup;

/// <summary>What the written setup is: its answers, whether a file changed, and the profile to use.</summary>
public sealed record SetupOutcome(SetupAnswers Answers, SetupPlan Plan, bool Written, LoginResult Login)
{
    /// <summary>Every file this run wrote: the changed config files, and the credentials file the chain's keys went to.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    public string Profile => Answers.ProfileToUse;

    public string Region => Answers.Region;
}

/// <summary>
/// <c>keyman setup</c> from nothing to a Claude answer: the answers (<see cref="SetupInterview"/>), the login (password
/// and MFA as usual; the AWS app and role discovered and picked from the login's menus), the plan of both files
/// (<see cref="SetupPlan"/>) shown as a diff and written once confirmed, then the proof: doctor and one question to Claude.
/// </summary>
public sealed class GuidedSetup(KeymanContext context, SetupRequest request)
{
    /// <summary>The question of the last check: one short answer from Claude through the profile just written.</summary>
    public const string Question = "Say hello to a developer who just set up Keyman for Claude on Amazon Bedrock, in one short sentence.";

    public async Task<SetupOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var log = context.Log;
        var answers = await new SetupInterview(context, request).RunAsync(cancellationToken);
        var env = context.Environment;
        var credentialsPath = CredentialsFile.ResolvePath(env);
        if (answers.Style == ProfileStyle.RoleChain)
        {
            CredentialsFile.CheckBeforeLogin(credentialsPath); // a broken file is told before Okta is asked anything
        }

        // The login as plain keyman does it, without writing: the app and role come from Okta (menus when several).
        var loginContext = request.NonInteractive ? WithoutMenus(context) : context;
        using var flow = new LoginFlow(loginContext) { WriteCredentialsFile = false, NextTimeHints = false };
        var login = await flow.RunAsync(new KeymanConfig
        {
            Org = answers.Org,
            Username = answers.Username,
            AppId = answers.AppId,
            Role = answers.Role,
            Region = answers.Region,
        }, cancellationToken);
        var appId = flow.App?.AppId ?? answers.AppId ?? throw new InvalidOperationException("The login ended without an app.");

        var plan = SetupPlan.Make(answers, appId, login.Role.RoleArn, request.ConfigPath, request.ConfigPathGiven ? request.ConfigPath : null,
            request.KeymanBinary, env, log);
        var output = context.Output;
        var written = false;
        if (!plan.Changed)
        {
            log.Info($"Already set up: {plan.KeymanConfig.Path} and {plan.AwsConfig.Path} hold these answers; no changes");
        }
        else
        {
            Show("Changes:");
            foreach (var change in new[] { plan.KeymanConfig, plan.AwsConfig }.Where(c => c.Changed))
            {
                foreach (var line in change.Diff.TrimEnd('\n').Split('\n'))
                {
                    Show(line);
                }
            }
        }

        if (answers.Style == ProfileStyle.RoleChain)
        {
            Show($"{credentialsPath}: [{answers.SourceProfile}] gets the short-lived credentials of {login.FinalRoleArn} (as `keyman` writes them)");
        }

        // Nothing to change: nothing to ask; the chain's source profile still gets the new keys, as `keyman` would write them.
        if (plan.Changed && !request.Yes && !request.NonInteractive
            && !SetupValidation.YesNo(await context.Interaction.AskAsync("Write these changes? [Y/n]:", secret: false, cancellationToken), blank: true))
        {
            throw new KeymanException(ExitCodes.Cancelled, "Nothing written", "Run keyman setup again and answer y, or pass --yes.");
        }

        if (plan.Changed)
        {
            plan.Apply(env);
            written = true;
            log.Info($"Wrote {string.Join(" and ", plan.Written)}");
        }

        if (answers.Style == ProfileStyle.RoleChain)
        {
            CredentialsFile.WriteProfile(credentialsPath, answers.SourceProfile, CredentialsFile.ProfileValues(login.Credentials, answers.Region));
            var expires = TimeZoneInfo.ConvertTime(login.Credentials.Expiration, context.Time.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture);
            log.Info($"Wrote profile \"{answers.SourceProfile}\" to {credentialsPath} (expires {expires})");
        }

        var files = plan.Written.ToList();
        if (answers.Style == ProfileStyle.RoleChain)
        {
            files.Add(credentialsPath);
        }

        return new SetupOutcome(answers, plan, written, login) { Files = files };

        // The diff is for the user: on stdout, or (--json, whose stdout is the result) in the log.
        void Show(string line)
        {
            if (request.Json)
            {
                log.Info(line);
            }
            else
            {
                output.WriteLine(line);
            }
        }
    }

    /// <summary>The how-to's checks on the profile just written, in this same run.</summary>
    public Task<IReadOnlyList<DoctorCheck>> CheckAsync(SetupOutcome outcome, CancellationToken cancellationToken) =>
        new Doctor.Doctor(context, new DoctorOptions { ConfigPath = request.ConfigPath, Profile = outcome.Profile, Region = outcome.Region })
            .RunAsync(cancellationToken);

    /// <summary>One question to the newest Claude model the profile can use; returns the model and its answer.</summary>
    public async Task<(string Model, string Answer)> AskClaudeAsync(SetupOutcome outcome, CancellationToken cancellationToken)
    {
        using var client = await BedrockConnection.OpenAsync(context, outcome.Profile, outcome.Region, cancellationToken);
        var catalog = await BedrockCatalog.LoadAsync(client, "Anthropic", cancellationToken);
        return await catalog.WithNewestUsableClaudeAsync(async model =>
        {
            context.Log.Info($"Asking {model} through profile {outcome.Profile}…");
            var answer = await client.ConverseAsync(model, ConverseRequest.FromPrompt(Question, 100), cancellationToken);
            return (model, answer.Text);
        }, context.Log);
    }

    /// <summary>The commands to use from here, one a line with what each does.</summary>
    public static IReadOnlyList<(string Command, string What)> NextSteps(SetupOutcome outcome)
    {
        var answers = outcome.Answers;
        var steps = new List<(string, string)>();
        if (outcome.Profile != "default")
        {
            steps.Add(($"export AWS_PROFILE={outcome.Profile}", "use the profile in this shell (AWS CLI, SDKs, keyman bedrock)"));
        }

        steps.Add(("keyman bedrock ask \"…\"", "ask Claude a question"));
        steps.Add(("keyman bedrock chat", "a conversation with Claude"));
        steps.Add(($"keyman setup claude-code --profile {outcome.Profile}", "point Claude Code at Bedrock with this profile"));
        steps.Add((answers.Style == ProfileStyle.RoleChain
            ? ("keyman", $"new credentials in [{answers.SourceProfile}] when these expire (the config names the app, role and profile)")
            : ($"aws sts get-caller-identity --profile {answers.SourceProfile}", "credentials come on demand (credential_process)")));
        steps.Add(("keyman doctor", "check every link again"));
        return steps;
    }

    /// <summary>The context with menus refused: --non-interactive never waits for a choice; the error names the flag.</summary>
    private static KeymanContext WithoutMenus(KeymanContext context) => new()
    {
        Environment = context.Environment,
        Log = context.Log,
        Interaction = new NoMenuInteraction(context.Interaction),
        Output = context.Output,
        Browser = context.Browser,
        Time = context.Time,
        Http = context.Http,
        Version = context.Version,
        Secrets = context.Secrets,
    };
}
