using System.Globalization;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Bedrock;
using Keyman.Core.Config;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Idx;

namespace Keyman.Core.Doctor;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
    Skip,
}

/// <summary>One step of the how-to, checked: what was found, and for a failure the fix and the exit code it maps to.</summary>
public sealed record DoctorCheck(string Name, CheckStatus Status, string Detail, string? Fix = null, int ExitCode = 0);

public sealed record DoctorOptions
{
    public required string ConfigPath { get; init; }

    public string? Profile { get; init; }

    public string? Region { get; init; }

    public string? ModelId { get; init; }

    public bool Invoke { get; init; } = true;
}

/// <summary>
/// Walks the how-to's chain in order — Keyman config, AWS profile, source credentials, STS, Bedrock list, Bedrock
/// invoke — and reports each link. A failed link skips the ones that depend on it, so the first FAIL is the one to fix.
/// </summary>
public sealed class Doctor(KeymanContext context, DoctorOptions options)
{
    private KeymanConfig? _config;

    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck> { CheckKeymanConfig() };
        checks.Add(await CheckOktaSignInAsync(cancellationToken).ConfigureAwait(false));
        var profiles = new AwsProfiles(context.Environment, context.Log, context.Time, context.Http);

        AwsProfilePlan? plan = null;
        var awsConfigPath = AwsConfigFile.ResolvePath(context.Environment);
        var noAwsConfig = !File.Exists(awsConfigPath);
        checks.Add(Run("AWS profile", () =>
        {
            try
            {
                plan = profiles.Plan(options.Profile, options.Region);
            }
            catch (KeymanException e) when (noAwsConfig && e.ExitCode == ExitCodes.AwsProfileNotFound)
            {
                throw new KeymanException(e.ExitCode, $"{MissingAwsConfig(awsConfigPath)}, so it has no profile '{AwsProfiles.ProfileName(options.Profile, context.Environment).Name}'", StepZero);
            }

            return noAwsConfig && plan.Roles.Count == 0
                ? (CheckStatus.Warn, $"{MissingAwsConfig(awsConfigPath)}: profile '{plan.Profile}' uses its own keys from {plan.CredentialsPath}, region {plan.Region}; {StepZero}")
                : DescribeProfile(plan);
        }));

        if (plan is null)
        {
            return Skipped(checks, "Source credentials", "STS GetCallerIdentity", "Bedrock ListFoundationModels", "Bedrock InvokeModel");
        }

        checks.Add(CheckSourceCredentials(plan));
        if (checks[^1].Status == CheckStatus.Fail)
        {
            return Skipped(checks, "STS GetCallerIdentity", "Bedrock ListFoundationModels", "Bedrock InvokeModel");
        }

        AwsSession? session = null;
        checks.Add(await RunAsync("STS GetCallerIdentity", async () =>
        {
            session = await profiles.ResolveAsync(options.Profile, options.Region, cancellationToken).ConfigureAwait(false);
            var identity = await new StsClient(context.Environment, context.Log, context.Time, context.Http)
                .GetCallerIdentityAsync(session.Credentials, session.Region, cancellationToken).ConfigureAwait(false);
            return (CheckStatus.Pass, $"account {identity.Account}, {identity.Arn}");
        }).ConfigureAwait(false));

        if (session is null || checks[^1].Status == CheckStatus.Fail)
        {
            return Skipped(checks, "Bedrock ListFoundationModels", "Bedrock InvokeModel");
        }

        using var bedrock = BedrockAuth.BearerFromEnvironment(context.Environment) is { } bearer
            ? new BedrockClient(bearer, session.Region, context.Environment, context.Log, context.Time, context.Http)
            : new BedrockClient(session, context.Environment, context.Log, context.Time, context.Http);
        BedrockCatalog? catalog = null;
        checks.Add(await RunAsync("Bedrock ListFoundationModels", async () =>
        {
            catalog = await BedrockCatalog.LoadAsync(bedrock, "Anthropic", cancellationToken).ConfigureAwait(false);
            var claude = catalog.Models.Where(m => m.Model.ModelId.Contains("claude", StringComparison.Ordinal)).ToList();
            if (claude.Count == 0)
            {
                throw new KeymanException(ExitCodes.BedrockModelInvalid, $"Bedrock in {session.Region} lists no Claude model for this profile",
                    "Ask DevOps to enable Anthropic model access in this account and region, or use another --region.");
            }

            return (CheckStatus.Pass, $"{claude.Count} Claude models in {session.Region}, e.g. {string.Join(", ", claude.Take(3).Select(m => m.Model.ModelId))}; credential: {bedrock.Auth.Description}");
        }).ConfigureAwait(false));

        if (!options.Invoke)
        {
            checks.Add(new DoctorCheck("Bedrock InvokeModel", CheckStatus.Skip, "skipped (--no-invoke)"));
            return checks;
        }

        if (catalog is null)
        {
            return Skipped(checks, "Bedrock InvokeModel");
        }

        checks.Add(await RunAsync("Bedrock InvokeModel", async () =>
        {
            async Task<(CheckStatus, string)> InvokeAsync(string modelId)
            {
                var result = await bedrock.InvokeModelAsync(modelId, AnthropicRequest.FromPrompt("Say OK.", maxTokens: 1), cancellationToken).ConfigureAwait(false);
                return (CheckStatus.Pass, $"{modelId} answered ({result.Message.StopReason ?? "no stop reason"}, {result.Message.Usage?.OutputTokens ?? 0} token)");
            }

            return options.ModelId is { } chosen
                ? await InvokeAsync(chosen).ConfigureAwait(false)
                : await catalog.WithNewestUsableClaudeAsync(InvokeAsync, context.Log).ConfigureAwait(false);
        }).ConfigureAwait(false));
        if (checks[^1] is { Status: CheckStatus.Fail, ExitCode: ExitCodes.BedrockAccessDenied } denied && plan.Roles.Count == 0)
        {
            // The how-to's reason for step 0: the role Okta gives may list models but not invoke them; the chained role may.
            checks[^1] = denied with
            {
                Fix = $"This role may list but not invoke models; the how-to chains a Bedrock role on it: {StepZero}, "
                    + "or log in with `keyman --assume-role ARN` (or `assume_role_arn:` in the Keyman config) to write that role's keys. "
                    + $"Only if no such role exists: {denied.Fix ?? "ask your DevOps team for bedrock:InvokeModel."}",
            };
        }

        return checks;
    }

    /// <summary>The how-to's step 0: a profile that chains the Bedrock role on the keys Keyman writes.</summary>
    private const string StepZero =
        "add `[profile bedrock]` with `role_arn = <the Bedrock role ARN>` and `source_profile = default` to ~/.aws/config (the how-to's step 0), then `export AWS_PROFILE=bedrock`";

    private static string MissingAwsConfig(string path) => $"{path} does not exist";

    private DoctorCheck CheckKeymanConfig()
    {
        const string name = "Keyman config";
        if (!File.Exists(options.ConfigPath))
        {
            return new DoctorCheck(name, CheckStatus.Fail, $"{options.ConfigPath} does not exist",
                "Run `keyman config`, or pass -c PATH to the file you use.", ExitCodes.Config);
        }

        var check = Run(name, () =>
        {
            var config = ConfigFile.Load(options.ConfigPath, context.Log);
            if (config.Org is null)
            {
                throw new KeymanException(ExitCodes.Config, $"{options.ConfigPath} sets no 'org'", "Add 'org: https://YOUR-ORG.okta.com', or run `keyman config`.");
            }

            _config = config;

            var org = OktaOrg.Display(OktaOrg.Resolve(config.Org, config.OktaPreview ?? false));
            var user = LoginFlowUser(config);
            return (CheckStatus.Pass, $"{options.ConfigPath}: org {org}, username {user}{(config.Role is null ? string.Empty : $", role {config.Role}")}");
        });
        return check.Status == CheckStatus.Fail && ConfigFile.Problems(options.ConfigPath, context.Environment) is { Count: > 1 } problems
            ? EveryProblem(name, problems)
            : check;
    }

    /// <summary>All of the config's wrong values in one check (every placeholder at once), so one edit fixes them all.</summary>
    private DoctorCheck EveryProblem(string name, IReadOnlyList<KeymanException> problems)
    {
        var prefix = $"{options.ConfigPath}: ";
        var each = problems.Select(p => p.Message.StartsWith(prefix, StringComparison.Ordinal) ? p.Message[prefix.Length..] : p.Message);
        var hints = problems.Select(p => p.Hint).OfType<string>().Distinct().ToList();
        var fix = hints.Count == 1
            ? hints[0]
            : "Fix each line named above: replace every $PLACEHOLDER with the real value your DevOps team gave you (for org, e.g. https://acme.okta.com), or recreate the file with `keyman config`.";
        return new DoctorCheck(name, CheckStatus.Fail, $"{options.ConfigPath}: {problems.Count} problems: {string.Join("; ", each)}", fix, problems[0].ExitCode);
    }

    /// <summary>Which engine the org runs (asked once a day, as the login does) and so which sign-in Keyman will use.</summary>
    private async Task<DoctorCheck> CheckOktaSignInAsync(CancellationToken cancellationToken)
    {
        const string name = "Okta sign-in";
        if (_config?.Org is not { } org)
        {
            return new DoctorCheck(name, CheckStatus.Skip, "skipped: no usable Keyman config");
        }

        var baseUrl = OktaOrg.Resolve(org, _config.OktaPreview ?? false);
        var clientId = Login.LoginFlow.OidcClientId(_config, context.Environment);
        var device = clientId is null
            ? "oidc_client_id not set (an app policy only a browser can meet ends in exit 19)"
            : $"oidc_client_id {clientId} set (--device, and the fallback for policies only a browser can meet)";
        OktaEngine engine;
        try
        {
            using var http = context.Http.CreateClient(OktaClient.RetryPolicy(new OktaClientOptions()), context.Log, context.Time);
            var cache = new OktaEngineCacheFile(OktaEngineCacheFile.DefaultPath(context.Environment));
            engine = await new OktaEngineDetector(http, context.Log, context.Time, cache).DetectAsync(baseUrl, cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException e)
        {
            return new DoctorCheck(name, CheckStatus.Warn, $"cannot tell which engine {OktaOrg.Display(baseUrl)} runs ({e.Message.TrimEnd('.')}); Keyman uses Okta Classic then; {device}");
        }

        var flow = engine == OktaEngine.IdentityEngine
            ? _config.Device == true && clientId is not null ? "device authorization flow (device: true)" : "terminal sign-in through IDX"
            : "Okta Classic authn";
        return new DoctorCheck(name, CheckStatus.Pass, $"{OktaOrg.Display(baseUrl)} runs {OktaEngineDetector.Describe(engine)}: {flow}; {device}");
    }

    private string LoginFlowUser(KeymanConfig config) =>
        Login.LoginFlow.ResolveUsername(config.Username, context.Environment);

    private static (CheckStatus, string) DescribeProfile(AwsProfilePlan plan)
    {
        var where = $"profile '{plan.Profile}' ({plan.ProfileOrigin}) in {plan.ConfigPath}, region {plan.Region}";
        if (plan.Roles.Count == 0)
        {
            return (CheckStatus.Warn, $"{where}: no role_arn/source_profile, so it uses its own keys (the how-to chains a Bedrock role on 'default')");
        }

        var chain = string.Join(" -> ", plan.Roles.Select(r => r.RoleArn));
        return (CheckStatus.Pass, $"{where}: role_arn {chain}, source_profile {plan.BaseProfile}");
    }

    private DoctorCheck CheckSourceCredentials(AwsProfilePlan plan)
    {
        const string name = "Source credentials";
        var now = context.Time.GetUtcNow();
        var detail = plan.DescribeBaseCredentials(now);
        if (plan.BaseCredentials is null && plan.BaseCredentialProcess is not null)
        {
            // Run by the STS check below, as any AWS SDK would run it.
            return new DoctorCheck(name, CheckStatus.Pass, detail);
        }

        if (plan.BaseCredentials is null)
        {
            return new DoctorCheck(name, CheckStatus.Fail, detail, "Run `keyman` to log in and write them.", ExitCodes.AwsCredentialsMissing);
        }

        if (plan.BaseCredentials.IsExpired(now))
        {
            return new DoctorCheck(name, CheckStatus.Fail, detail, "Run `keyman` to log in again.", ExitCodes.AwsCredentialsExpired);
        }

        if (plan.BaseCredentials.Expiration is { } expires)
        {
            var left = expires - now;
            detail += string.Create(CultureInfo.InvariantCulture, $" (in {(int)left.TotalMinutes} min)");
        }

        return new DoctorCheck(name, CheckStatus.Pass, detail);
    }

    private static DoctorCheck Run(string name, Func<(CheckStatus Status, string Detail)> check)
    {
        try
        {
            var (status, detail) = check();
            return new DoctorCheck(name, status, detail);
        }
        catch (KeymanException e)
        {
            return new DoctorCheck(name, CheckStatus.Fail, e.Message, e.Hint, e.ExitCode);
        }
    }

    private static async Task<DoctorCheck> RunAsync(string name, Func<Task<(CheckStatus Status, string Detail)>> check)
    {
        try
        {
            var (status, detail) = await check().ConfigureAwait(false);
            return new DoctorCheck(name, status, detail);
        }
        catch (KeymanException e)
        {
            return new DoctorCheck(name, CheckStatus.Fail, e.Message, e.Hint, e.ExitCode);
        }
    }

    private static List<DoctorCheck> Skipped(List<DoctorCheck> checks, params string[] names)
    {
        checks.AddRange(names.Select(n => new DoctorCheck(n, CheckStatus.Skip, "skipped: an earlier check failed")));
        return checks;
    }
}
