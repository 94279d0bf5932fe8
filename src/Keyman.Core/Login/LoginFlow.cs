using System.Globalization;
using Keyman.Core.Aws;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Http;
using Keyman.Core.Config;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Device;
using Keyman.Core.Okta.Idx;

namespace Keyman.Core.Login;

/// <summary>What a login produced: the credentials, the role they are for, and where they were written.</summary>
public sealed record LoginResult(AwsCredentials Credentials, AwsRole Role, string Region, string? WrittenTo)
{
    /// <summary>The SAML form's action (AWS's ACS URL), which tells the partition for the console URL.</summary>
    public Uri? SamlFormAction { get; init; }

    /// <summary>The Okta org's base URL: the Issuer of a console sign-in.</summary>
    public Uri? OktaBaseUrl { get; init; }

    /// <summary>When STS issued the credentials (our clock), to tell their whole lifetime.</summary>
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>The role of <see cref="Credentials"/>: the SAML role, or the one assumed after it (assume_role_arn).</summary>
    public string FinalRoleArn => Credentials.AssumedRoleArn is { } arn && arn.Contains(":role/", StringComparison.Ordinal) ? arn : Role.RoleArn;

    /// <summary>True when the credentials come from a chained sts:AssumeRole (AWS caps those sessions at one hour).</summary>
    public bool Chained { get; init; }
}

/// <summary>
/// The whole aws_okta_keyman journey in order: Okta password + MFA (or a still-active Okta session), the AWS app
/// (menu when several), its SAML page (with application-level step-up MFA), the role (filters or menu), STS, an
/// optional second role (assume_role_arn), and the credentials file. One instance keeps the Okta session, the app and
/// the chosen role, so <see cref="RefreshAsync"/> (reup) gets new credentials without asking again.
/// </summary>
public sealed class LoginFlow(KeymanContext context) : IDisposable
{
    /// <summary>How often the app page may send us back for step-up MFA before we stop looping.</summary>
    private const int MaxStepUps = 3;

    private KeymanConfig? _config;
    private Uri? _baseUrl;
    private string? _username;
    private OktaClient? _okta;
    private OktaAuthenticator? _authenticator;
    private OktaSessions? _sessions;
    private OktaBrowserSession? _browser;
    private IdxSignInFlow? _idx;
    private DeviceSignInFlow? _device;

    /// <summary>True once the AWS app is opened through the device authorization flow's tokens rather than an Okta session.</summary>
    private bool _deviceMode;

    /// <summary>The app page a sign-in flow ended in (the device flow), used for the first assertion.</summary>
    private AppPage? _signedInPage;
    private AccountEntry? _app;
    private IReadOnlyList<AccountEntry>? _allApps;
    private string? _roleArn;

    /// <summary>The AWS app the last <see cref="RunAsync"/> used (picked from the menu or named by the config).</summary>
    public AccountEntry? App => _app;

    /// <summary>False for commands that hand the credentials over another way (exec, env, credential-process).</summary>
    public bool WriteCredentialsFile { get; init; } = true;

    /// <summary>False where the flags of plain keyman are not the caller's (setup, which saves the app and role itself).</summary>
    public bool NextTimeHints { get; init; } = true;

    /// <summary>True when nobody watches the output (claude-export): without a terminal, a new Okta sign-in fails at once.</summary>
    public bool SignInNeedsTerminal { get; init; }

    public void Dispose()
    {
        _okta?.Dispose();
        _browser?.Dispose();
    }

    public async Task<LoginResult> RunAsync(KeymanConfig config, CancellationToken cancellationToken)
    {
        var app = await SignInAsync(config, ct => ChooseAppAsync(config, _authenticator!, ct), cancellationToken);
        app = _app = app ?? await ChooseAppAsync(config, _authenticator!, cancellationToken);
        LogApp(app);

        var (assertion, formAction) = await GetAssertionAsync(_authenticator!, _baseUrl!, app.AppId, cancellationToken);

        // --account may name an entry of the config's accounts list (an Okta app) rather than an AWS account ID.
        var accountFilter = config.Account is not null && string.Equals(app.Name, config.Account, StringComparison.OrdinalIgnoreCase) && app.Name != app.AppId
            ? null
            : config.Account;
        var role = await ChooseRoleAsync(accountFilter, config.Role, assertion, formAction, cancellationToken);
        _roleArn = role.RoleArn;
        return await DeliverAsync(role, assertion, formAction, cancellationToken);
    }

    /// <summary>
    /// <c>--all-profiles</c>: one sign-in, then for each app (appid, else every app of 'accounts', else every AWS app Okta
    /// shows) one assertion and a profile for each of its roles (narrowed by --account / --role when given), named by
    /// <paramref name="template"/>, all written in one go. Refused roles are logged, each with its reason.
    /// </summary>
    /// <exception cref="KeymanException">When a profile was not written (after the others were): ExitCodes.SomeProfilesRefused,
    /// or the refusal's own code when none was.</exception>
    public async Task<AllProfilesResult> RunAllProfilesAsync(KeymanConfig config, ProfileNameTemplate template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(template);
        var log = context.Log;
        var ignored = new[] { (config.Reup == true, "reup"), (config.Command is not null, "command"), (config.Console == true, "console"), (config.Screen == true, "screen"), (config.AssumeRoleArn is not null, "assume_role_arn") }
            .Where(x => x.Item1).Select(x => x.Item2).ToList();
        if (ignored.Count > 0)
        {
            log.Warning($"--all-profiles writes each SAML role's own credentials to the credentials file; {string.Join(", ", ignored)} {(ignored.Count == 1 ? "is" : "are")} not applied.");
        }

        await SignInAsync(config, async ct => (await AllAppsAsync(config, ct))[0], cancellationToken);
        var apps = await AllAppsAsync(config, cancellationToken);
        var accountFilter = config.Account;
        if (accountFilter is not null && apps.FirstOrDefault(a => a.Name != a.AppId && string.Equals(a.Name, accountFilter, StringComparison.OrdinalIgnoreCase)) is { } named)
        {
            // --account names an entry of the config's accounts list (an Okta app): that app's roles, all of them.
            (apps, accountFilter) = ([named], null);
        }

        var plan = new AllProfilesPlan(template);
        KeymanException? noMatch = null;
        foreach (var app in apps)
        {
            LogApp(app);
            try
            {
                var (assertion, formAction) = await GetAssertionAsync(_authenticator!, _baseUrl!, app.AppId, cancellationToken);
                var names = await AccountNamesAsync(assertion, formAction, evenForOneAccount: true, cancellationToken);
                plan.Add(assertion, RoleSelection.Filter(assertion.Roles, accountFilter, config.Role, names), names);
            }
            catch (KeymanException e) when (e.ExitCode == ExitCodes.NoMatchingRole && apps.Count > 1)
            {
                log.Debug($"App {app.AppId}: {e.Message}");
                noMatch = e;
            }
            catch (KeymanException e) when (e.ExitCode == ExitCodes.Saml && apps.Count > 1)
            {
                plan.AddUnusableApp(app.AppId, e, named: config.AppId is not null || config.Accounts is { Count: > 0 });
            }
        }

        if (plan.RoleCount == 0 && plan.Refused.Count == 0 && (noMatch ?? plan.Skipped.Select(s => s.Reason).FirstOrDefault()) is { } nothing)
        {
            throw nothing;
        }

        var region = config.EffectiveRegion;
        log.Info($"Starting AWS sessions for {region}: {plan.RoleCount} role{(plan.RoleCount == 1 ? "" : "s")}");
        var sts = new StsClient(context.Environment, log, context.Time, context.Http);
        var result = await new AllProfiles(sts, log).RunAsync(plan, config.EffectiveDuration, region, CredentialsFile.ResolvePath(context.Environment), cancellationToken);
        var zone = context.Time.LocalTimeZone;
        foreach (var written in result.Written)
        {
            var expires = TimeZoneInfo.ConvertTime(written.Credentials.Expiration, zone).ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture);
            log.Info($"Profile \"{written.Profile}\": {written.Role.RoleArn}, expires {expires}");
        }

        if (result.Failure() is { } failure)
        {
            throw failure;
        }

        return result;
    }

    /// <summary>
    /// The sign-in both logins share: Okta password + MFA, a still-active session or the device flow's tokens. Returns
    /// the app when the sign-in had to start from one (device flow, Identity Engine), picked by <paramref name="pickApp"/>.
    /// </summary>
    private async Task<AccountEntry?> SignInAsync(KeymanConfig config, Func<CancellationToken, Task<AccountEntry>> pickApp, CancellationToken cancellationToken)
    {
        var log = context.Log;
        var env = context.Environment;
        if (config.Org is null)
        {
            throw new KeymanException(ExitCodes.Config, "No Okta org is set", "Pass -o/--org (e.g. -o acme or -o https://acme.okta.com), or run 'keyman config' to write a config file.");
        }

        _config = config;
        var baseUrl = _baseUrl = OktaOrg.Resolve(config.Org, config.OktaPreview ?? false);
        var username = _username = ResolveUsername(config.Username, env);
        log.Info($"Keyman \U0001F510 v{context.Version}");

        if (config.Screen != true && WriteCredentialsFile)
        {
            CredentialsFile.CheckBeforeLogin(CredentialsFile.ResolvePath(env)); // a broken file is told before Okta is asked anything
        }

        _okta = new OktaClient(baseUrl, context.Http, log, context.Time);
        var mfa = new MfaOptions { PreferredFactor = config.Factor ?? Okta.Duo.DuoMethods.PreferredFactor(config.DuoFactor) };
        _authenticator = new OktaAuthenticator(_okta, context.Interaction, log, context.Time, mfa);
        if (OidcClientId(config, env) is { } clientId)
        {
            _device = new DeviceSignInFlow(context, new DeviceAuthorizationClient(_okta, log, context.Time), baseUrl, clientId);
        }
        else if (config.Device == true)
        {
            throw new KeymanException(ExitCodes.Config, "--device needs the Okta OIDC app for the device authorization flow, and none is set",
                "Set oidc_client_id in the config (or pass --oidc-client-id, or set OKTA_AWSCLI_OIDC_CLIENT_ID) to the Client ID your Okta admin gives you.");
        }

        var engine = await DetectEngineAsync(baseUrl, cancellationToken);
        var flows = new List<ISignInFlow>();
        if (engine == OktaEngine.IdentityEngine)
        {
            _browser = new OktaBrowserSession(baseUrl, context.Http, log, context.Time);
            _idx = new IdxSignInFlow(context, _okta, _browser, mfa);
            flows.Add(_idx);
            if (_device is not null)
            {
                flows.Add(_device); // what IDX cannot finish from the terminal (exit 19), the browser can
            }
        }

        flows.Add(new ClassicSignInFlow(_authenticator));
        var chain = new SignInChain(flows, log);
        _sessions = new OktaSessions(context, _okta, chain, baseUrl, username, config) { SignInNeedsTerminal = SignInNeedsTerminal };

        // The Identity Engine's sign-in starts from the app's link: pick the app first when the config names it.
        AccountEntry? app = null;
        if (_device is not null && (config.Device == true || await _device.HasKeptTokensAsync(cancellationToken)))
        {
            // --device, or the tokens of an earlier device sign-in: the app opens through them, no password asked.
            if (config.AppId is null && config.Accounts is not { Count: > 0 })
            {
                throw new KeymanException(ExitCodes.Config, "The device authorization flow needs the AWS app, and no appid is set",
                    "Set appid in the config (or pass --appid), e.g. 0oa1b2c3d4EXAMPLE/272, or list the apps under 'accounts'.");
            }

            app = _app = await pickApp(cancellationToken);
            _deviceMode = true;
            log.Debug($"Sign-in flow for {OktaOrg.Display(baseUrl)}: {_device.Name}, for app {app.AppId}");
        }
        else if (_idx is not null && (config.AppId is not null || config.Accounts is { Count: > 0 }))
        {
            app = _app = await pickApp(cancellationToken);
            _sessions.AppLink = app.AppId;
            log.Debug($"Sign-in flow for {OktaOrg.Display(baseUrl)}: {_idx.Name}, starting from app {app.AppId}");
        }
        else
        {
            log.Debug($"Sign-in flow for {OktaOrg.Display(baseUrl)}: {flows[^1].Name}");
        }

        if (!_deviceMode)
        {
            _signedInPage = await _sessions.EnsureAsync(allowReuse: true, cancellationToken);
            _deviceMode = _signedInPage is not null;
        }

        return app;
    }

    /// <summary>
    /// New credentials for the same app and role (reup): through the Okta session (extended first), a new login with
    /// the cached password (or a prompt) when Okta ended it, and step-up MFA only when the app asks for it.
    /// </summary>
    public async Task<LoginResult> RefreshAsync(CancellationToken cancellationToken)
    {
        if (_authenticator is null || _sessions is null || _app is null || _roleArn is null || _baseUrl is null)
        {
            throw new InvalidOperationException("RefreshAsync needs a RunAsync first.");
        }

        if (!_deviceMode)
        {
            _signedInPage = await _sessions.EnsureAsync(allowReuse: true, cancellationToken);
            _deviceMode = _signedInPage is not null;
        }

        var (assertion, formAction) = await GetAssertionAsync(_authenticator, _baseUrl, _app.AppId, cancellationToken);
        var role = assertion.Roles.FirstOrDefault(r => string.Equals(r.RoleArn, _roleArn, StringComparison.Ordinal))
            ?? throw new KeymanException(ExitCodes.NoMatchingRole, $"Okta no longer offers role {_roleArn} in app {_app.AppId}",
                "Run keyman again and pick one of the roles Okta offers now.");
        return await DeliverAsync(role, assertion, formAction, cancellationToken);
    }

    private async Task<LoginResult> DeliverAsync(AwsRole role, SamlAssertion assertion, Uri? formAction, CancellationToken cancellationToken)
    {
        var config = _config!;
        var log = context.Log;
        var env = context.Environment;
        var region = config.EffectiveRegion;
        log.Info($"Starting AWS session for {region}");
        var sts = new StsClient(env, log, context.Time, context.Http);
        var credentials = await sts.AssumeRoleWithSamlAsync(role, assertion, config.EffectiveDuration, region, cancellationToken);
        var issuedAt = context.Time.GetUtcNow();

        var chainTo = _app?.AssumeRoleArn ?? config.AssumeRoleArn;
        if (chainTo is not null)
        {
            var sessionName = assertion.RoleSessionName ?? $"keyman-{issuedAt.ToUnixTimeSeconds()}";
            log.Info($"Assuming role: {chainTo}");
            credentials = await sts.ChainAsync(
                credentials, chainTo, config.EffectiveProfile, region, SafeSessionName(sessionName), config.EffectiveDuration, cancellationToken);
            issuedAt = context.Time.GetUtcNow();
        }

        string? writtenTo = null;
        if (config.Screen != true && WriteCredentialsFile)
        {
            var path = CredentialsFile.ResolvePath(env);
            var profile = config.EffectiveProfile;
            CredentialsFile.WriteProfile(path, profile, CredentialsFile.ProfileValues(credentials, region));
            writtenTo = path;
            log.Info($"Wrote profile \"{profile}\" to {path} \U0001F4BE");
        }

        // In the user's own time zone, with its offset, as the log prefix is (the original printed UTC here).
        var zone = context.Time.LocalTimeZone;
        log.Info($"Current time is {TimeZoneInfo.ConvertTime(context.Time.GetUtcNow(), zone).ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture)}");
        log.Info($"Session expires at {TimeZoneInfo.ConvertTime(credentials.Expiration, zone).ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture)} \u23F3");
        return new LoginResult(credentials, role, region, writtenTo)
        {
            SamlFormAction = formAction,
            OktaBaseUrl = _baseUrl,
            IssuedAt = issuedAt,
            Chained = chainTo is not null,
        };
    }

    /// <summary>
    /// Which engine the org runs (remembered per org for a day in the user's cache folder). A failed detection is
    /// Classic: an org without /.well-known/okta-organization is a Classic one.
    /// </summary>
    private async Task<OktaEngine> DetectEngineAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var log = context.Log;
        var cache = new OktaEngineCacheFile(OktaEngineCacheFile.DefaultPath(context.Environment));
        using var http = context.Http.CreateClient(OktaClient.RetryPolicy(new OktaClientOptions()), log, context.Time);
        OktaEngine engine;
        try
        {
            engine = await new OktaEngineDetector(http, log, context.Time, cache).DetectAsync(baseUrl, cancellationToken);
        }
        catch (KeymanException e)
        {
            log.Debug($"Could not tell the Okta engine ({e.Message}); using Okta Classic");
            engine = OktaEngine.Classic;
        }

        log.Debug($"Okta engine: {OktaEngineDetector.Describe(engine)}");
        return engine;
    }

    /// <summary>RoleSessionName allows [\w+=,.@-], 2 to 64 characters.</summary>
    private static string SafeSessionName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-' ? c : '-').ToArray();
        var safe = new string(chars);
        return safe.Length switch
        {
            < 2 => "keyman",
            > 64 => safe[..64],
            _ => safe,
        };
    }

    /// <summary>The configured username, "automatic-username" replaced by the OS user, or the OS user itself.</summary>
    public static string ResolveUsername(string? configured, IEnvironment env)
    {
        var username = configured ?? env.UserName;
        return username.Replace("automatic-username", env.UserName, StringComparison.Ordinal);
    }

    private async Task<AccountEntry> ChooseAppAsync(KeymanConfig config, OktaAuthenticator authenticator, CancellationToken cancellationToken)
    {
        var choices = await AvailableAppsAsync(config, authenticator, "No app ID provided; select from available AWS accounts", cancellationToken);
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
        if (NextTimeHints)
        {
            context.Log.Info($"Next time: {Flag("--account", choices[index].Name)}");
        }

        return choices[index];
    }

    /// <summary>Every app --all-profiles goes through (looked up once).</summary>
    private async Task<IReadOnlyList<AccountEntry>> AllAppsAsync(KeymanConfig config, CancellationToken cancellationToken) =>
        _allApps ??= await AvailableAppsAsync(config, _authenticator!, "No app ID provided; using every AWS app Okta shows you", cancellationToken);

    /// <summary>appid; else the config's accounts; else the AWS apps Okta shows the user (after logging <paramref name="discovering"/>).</summary>
    private async Task<IReadOnlyList<AccountEntry>> AvailableAppsAsync(KeymanConfig config, OktaAuthenticator authenticator, string discovering, CancellationToken cancellationToken)
    {
        if (config.AppId is not null)
        {
            return [new AccountEntry(config.AppId, config.AppId)];
        }

        if (config.Accounts is { Count: > 0 } accounts)
        {
            return accounts;
        }

        context.Log.Info(discovering);
        var links = await authenticator.GetAwsAppsAsync(cancellationToken);
        var apps = links.Select(l => new AccountEntry(l.Label, l.AppId)).ToList();
        return apps.Count > 0
            ? apps
            : throw new KeymanException(ExitCodes.NoAwsApps, "Okta shows you no AWS app (amazon_aws)", "Ask your Okta admin to assign you the 'AWS Account Federation' app, or set 'appid' in the config.");
    }

    private async Task<(SamlAssertion Assertion, Uri? FormAction)> GetAssertionAsync(OktaAuthenticator authenticator, Uri baseUrl, string appId, CancellationToken cancellationToken)
    {
        string? sessionToken = null;
        var link = appId;
        for (var stepUps = 0; ; stepUps++)
        {
            context.Log.Info($"Getting SAML Assertion from {OktaOrg.Display(baseUrl)}");
            var page = await GetAppPageAsync(authenticator, appId, link, sessionToken, cancellationToken);
            if (page.SamlResponse is { Length: > 0 } saml)
            {
                return (SamlAssertion.Parse(saml), page.FormAction);
            }

            if (page.StepUpStateToken is { } stateToken && stepUps < MaxStepUps)
            {
                context.Log.Warning("Application-level MFA present; re-authenticating Okta");
                // Like Okta's sign-in widget: continue at _links.next (the step-up redirect back to the app) when Okta
                // names it, else open the app again with the new sessionToken.
                var stepUp = await authenticator.StepUpAsync(stateToken, cancellationToken);
                (link, sessionToken) = stepUp.NextUrl is { } next ? (next.AbsoluteUri, null) : (appId, stepUp.SessionToken);
                continue;
            }

            var reason = page.ErrorMessage is { Length: > 0 } error ? $": {error}" : string.Empty;
            throw new KeymanException(ExitCodes.Saml, $"Okta's page for app {appId} holds no SAML assertion{reason}", "Check that the app is assigned to you in Okta and that 'appid' is right; run with --debug for details.");
        }
    }

    /// <summary>
    /// The app's page: through the device flow's tokens once it is in use, else through the Okta session (IDX on the
    /// Identity Engine, with step-up); an IDX step-up only a browser can take continues with the device flow when set up.
    /// </summary>
    private async Task<AppPage> GetAppPageAsync(OktaAuthenticator authenticator, string appId, string link, string? sessionToken, CancellationToken cancellationToken)
    {
        if (_deviceMode)
        {
            var signedIn = _signedInPage;
            _signedInPage = null;
            return signedIn ?? await _device!.GetAppPageAsync(appId, cancellationToken);
        }

        if (_idx is null)
        {
            return await authenticator.GetAppPageAsync(link, sessionToken, cancellationToken);
        }

        try
        {
            return await _idx.GetAppPageAsync(link, MaxStepUps, cancellationToken);
        }
        catch (KeymanException e) when (e.ExitCode == ExitCodes.BrowserRequired && _device is not null)
        {
            context.Log.Warning($"{e.Message.TrimEnd('.')}; continuing with the {_device.Name}");
            _deviceMode = true;
            return await _device.GetAppPageAsync(appId, cancellationToken);
        }
    }

    /// <summary>oidc_client_id (file or --oidc-client-id), else okta-aws-cli's OKTA_AWSCLI_OIDC_CLIENT_ID.</summary>
    internal static string? OidcClientId(KeymanConfig config, IEnvironment env) =>
        config.OidcClientId is { Length: > 0 } configured ? configured.Trim()
        : env.Get("OKTA_AWSCLI_OIDC_CLIENT_ID") is { Length: > 0 } fromEnv && fromEnv.Trim().Length > 0 ? fromEnv.Trim() : null;

    private async Task<AwsRole> ChooseRoleAsync(string? account, string? role, SamlAssertion assertion, Uri? formAction, CancellationToken cancellationToken)
    {
        // Filters that already pick one role by ID need no account names, so no request to AWS's sign-in page.
        IReadOnlyList<AwsRole>? roles = null;
        try
        {
            roles = RoleSelection.Filter(assertion.Roles, account, role, accountNames: null);
        }
        catch (KeymanException e) when (e.ExitCode == ExitCodes.NoMatchingRole && !string.IsNullOrEmpty(account))
        {
            // --account may be a friendly name; look the names up and filter again (which throws with a hint naming them).
        }

        if (roles is { Count: 1 })
        {
            return roles[0];
        }

        var names = await AccountNamesAsync(assertion, formAction, evenForOneAccount: false, cancellationToken);

        roles = RoleSelection.Filter(assertion.Roles, account, role, names);
        if (roles.Count == 1)
        {
            return roles[0];
        }

        var index = await context.Interaction.ChooseAsync(
            "Multiple AWS roles found; please select one",
            ["Account", "Role"],
            roles.Select(r => (IReadOnlyList<string>)[names.TryGetValue(r.AccountId, out var name) ? $"{name} ({r.AccountId})" : r.AccountId, r.RoleName]).ToList(),
            cancellationToken);
        var chosen = roles[index];
        var skip = Flag("--role", chosen.RoleName);
        if (roles.Count(r => r.RoleName == chosen.RoleName) > 1)
        {
            skip = $"{Flag("--account", chosen.AccountId)} {skip}";
        }

        if (NextTimeHints)
        {
            context.Log.Info($"Next time: {skip}");
        }
        return chosen;
    }

    private async Task<IReadOnlyDictionary<string, string>> AccountNamesAsync(SamlAssertion assertion, Uri? formAction, bool evenForOneAccount, CancellationToken cancellationToken)
    {
        using var handler = context.Http.CreateHandler(AccountAliases.RetryPolicy, context.Log, context.Time, HttpTarget.Aws);
        return await new AccountAliases(handler, context.Environment, context.Log).LookUpAsync(assertion, formAction, cancellationToken, evenForOneAccount);
    }

    private void LogApp(AccountEntry app) =>
        context.Log.Info(app.Name == app.AppId ? $"Using account: {app.AppId}" : $"Using account: {app.Name} / {app.AppId}");

    /// <summary>A flag with its value as typed in a shell: "--role team/Admin", "--account 'Sandbox Dev'".</summary>
    private static string Flag(string name, string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '@' or '+' or '=' or ',')
            ? $"{name} {value}"
            : $"{name} '{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
