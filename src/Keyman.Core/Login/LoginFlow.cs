using System.Globalization;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Okta;

namespace Keyman.Core.Login;

/// <summary>What a login produced: the credentials, the role they are for, and where they were written.</summary>
public sealed record LoginResult(AwsCredentials Credentials, AwsRole Role, string Region, string? WrittenTo);

/// <summary>
/// The whole aws_okta_keyman journey in order: Okta password + MFA, the AWS app (menu when several), its SAML page
/// (with application-level step-up MFA), the role (filters or menu), STS, and the credentials file.
/// </summary>
public sealed class LoginFlow(KeymanContext context)
{
    /// <summary>How often the app page may send us back for step-up MFA before we stop looping.</summary>
    private const int MaxStepUps = 3;

    public async Task<LoginResult> RunAsync(KeymanConfig config, CancellationToken cancellationToken)
    {
        var log = context.Log;
        var env = context.Environment;
        if (config.Org is null)
        {
            throw new KeymanException(ExitCodes.Config, "No Okta org is set", "Pass -o/--org (e.g. -o acme or -o https://acme.okta.com), or run 'keyman config' to write a config file.");
        }

        var baseUrl = OktaOrg.Resolve(config.Org, config.OktaPreview ?? false);
        if (config.DuoFactor is not null)
        {
            log.Warning($"Duo is not supported yet; duo_factor '{config.DuoFactor}' is ignored. Use another factor enrolled in Okta (--factor).");
        }

        var username = ResolveUsername(config.Username, env);
        log.Info($"Keyman \U0001F510 v{context.Version}");

        using var oktaHandler = context.HttpHandlerFactory();
        using var okta = new OktaClient(baseUrl, oktaHandler, log, context.Time);
        var authenticator = new OktaAuthenticator(okta, context.Interaction, log, context.Time, new MfaOptions { PreferredFactor = config.Factor });

        var password = await context.Interaction.AskAsync("Password:", secret: true, cancellationToken);
        if (string.IsNullOrEmpty(password))
        {
            throw new KeymanException(ExitCodes.AuthenticationFailed, "The password is empty", "Type your Okta password at the prompt.");
        }

        await authenticator.LoginAsync(username, password, cancellationToken);

        var app = await ChooseAppAsync(config, authenticator, cancellationToken);
        log.Info(app.Name == app.AppId ? $"Using account: {app.AppId}" : $"Using account: {app.Name} / {app.AppId}");

        var assertion = await GetAssertionAsync(authenticator, baseUrl, app.AppId, cancellationToken);

        // --account may name an entry of the config's accounts list (an Okta app) rather than an AWS account ID.
        var accountFilter = config.Account is not null && string.Equals(app.Name, config.Account, StringComparison.OrdinalIgnoreCase) && app.Name != app.AppId
            ? null
            : config.Account;
        var role = await ChooseRoleAsync(accountFilter, config.Role, assertion, cancellationToken);

        var region = config.EffectiveRegion;
        log.Info($"Starting AWS session for {region}");
        var sts = new StsLogin(env, log);
        var credentials = await sts.AssumeRoleWithSamlAsync(role, assertion, config.EffectiveDuration, region, cancellationToken);

        string? writtenTo = null;
        if (config.Screen != true)
        {
            var path = CredentialsFile.ResolvePath(env);
            var profile = config.EffectiveProfile;
            CredentialsFile.WriteProfile(path, profile, CredentialsFile.ProfileValues(credentials, region));
            writtenTo = path;
            log.Info($"Wrote profile \"{profile}\" to {path} \U0001F4BE");
        }

        var now = context.Time.GetUtcNow();
        log.Info($"Current time is {now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
        log.Info($"Session expires at {credentials.Expiration.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'+00:00'", CultureInfo.InvariantCulture)} \u23F3");
        return new LoginResult(credentials, role, region, writtenTo);
    }

    /// <summary>The configured username, "automatic-username" replaced by the OS user, or the OS user itself.</summary>
    public static string ResolveUsername(string? configured, IEnvironment env)
    {
        var username = configured ?? env.UserName;
        return username.Replace("automatic-username", env.UserName, StringComparison.Ordinal);
    }

    private async Task<AccountEntry> ChooseAppAsync(KeymanConfig config, OktaAuthenticator authenticator, CancellationToken cancellationToken)
    {
        if (config.AppId is not null)
        {
            return new AccountEntry(config.AppId, config.AppId);
        }

        IReadOnlyList<AccountEntry> choices;
        if (config.Accounts is { Count: > 0 } accounts)
        {
            choices = accounts;
        }
        else
        {
            context.Log.Info("No app ID provided; select from available AWS accounts");
            var links = await authenticator.GetAwsAppsAsync(cancellationToken);
            choices = links.Select(l => new AccountEntry(l.Label, l.AppId)).ToList();
            if (choices.Count == 0)
            {
                throw new KeymanException(ExitCodes.NoAwsApps, "Okta shows you no AWS app (amazon_aws)", "Ask your Okta admin to assign you the 'AWS Account Federation' app, or set 'appid' in the config.");
            }
        }

        if (choices.Count == 1)
        {
            return choices[0];
        }

        if (config.Account is not null && choices.FirstOrDefault(c => string.Equals(c.Name, config.Account, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            return named;
        }

        var index = await context.Interaction.ChooseAsync(
            "Select an AWS account",
            ["Account", "App ID"],
            choices.Select(c => (IReadOnlyList<string>)[c.Name, c.AppId]).ToList(),
            cancellationToken);
        return choices[index];
    }

    private async Task<SamlAssertion> GetAssertionAsync(OktaAuthenticator authenticator, Uri baseUrl, string appId, CancellationToken cancellationToken)
    {
        string? sessionToken = null;
        for (var stepUps = 0; ; stepUps++)
        {
            context.Log.Info($"Getting SAML Assertion from {OktaOrg.Display(baseUrl)}");
            var page = await authenticator.GetAppPageAsync(appId, sessionToken, cancellationToken);
            if (page.SamlResponse is { Length: > 0 } saml)
            {
                return SamlAssertion.Parse(saml);
            }

            if (page.StepUpStateToken is { } stateToken && stepUps < MaxStepUps)
            {
                context.Log.Warning("Application-level MFA present; re-authenticating Okta");
                sessionToken = (await authenticator.StepUpAsync(stateToken, cancellationToken)).SessionToken;
                continue;
            }

            var reason = page.ErrorMessage is { Length: > 0 } error ? $": {error}" : string.Empty;
            throw new KeymanException(ExitCodes.Saml, $"Okta's page for app {appId} holds no SAML assertion{reason}", "Check that the app is assigned to you in Okta and that 'appid' is right; run with --debug for details.");
        }
    }

    private async Task<AwsRole> ChooseRoleAsync(string? account, string? role, SamlAssertion assertion, CancellationToken cancellationToken)
    {
        var roles = RoleSelection.Filter(assertion.Roles, account, role, accountNames: null);
        if (roles.Count == 1)
        {
            return roles[0];
        }

        var index = await context.Interaction.ChooseAsync(
            "Multiple AWS roles found; please select one",
            ["Account", "Role"],
            roles.Select(r => (IReadOnlyList<string>)[r.AccountId, r.RoleName]).ToList(),
            cancellationToken);
        return roles[index];
    }
}
