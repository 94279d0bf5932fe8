using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keyman.Sandbox.Scenario;

/// <summary>
/// Everything the emulated Okta org and AWS accounts contain. Loaded from JSON (see README.md);
/// the built-in default is the embedded <c>scenarios/default.json</c>.
/// </summary>
public sealed class ScenarioDocument
{
    public ScenarioSettings Settings { get; set; } = new();

    public List<ScenarioUser> Users { get; set; } = [];

    public List<ScenarioApp> Apps { get; set; } = [];

    public List<ScenarioRole> Roles { get; set; } = [];

    public ScenarioBedrock Bedrock { get; set; } = new();

    /// <summary>Account ID -> IAM account alias, shown by the SAML sign-in page (POST /saml). Accounts not listed show their ID only.</summary>
    public Dictionary<string, string> AccountAliases { get; set; } = [];

    /// <summary>OIDC apps of the org (device authorization + token exchange, okta-aws-cli's way). See Idx/README section.</summary>
    public List<ScenarioOidcClient> OidcClients { get; set; } = [];

    public ScenarioUser? FindUser(string login) =>
        Users.FirstOrDefault(u => string.Equals(u.Login, login, StringComparison.OrdinalIgnoreCase));

    public ScenarioRole? FindRole(string arn) => Roles.FirstOrDefault(r => r.Arn == arn);

    public static ScenarioDocument Parse(string json)
    {
        var scenario = JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.ScenarioDocument)
            ?? throw new InvalidDataException("The scenario file is empty.");
        foreach (var (account, alias) in scenario.AccountAliases)
        {
            // IAM's rule: 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no "--".
            if (alias.Length is < 3 or > 63 || !alias.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
                || alias.StartsWith('-') || alias.EndsWith('-') || alias.Contains("--", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"accountAliases: \"{alias}\" (account {account}) is not a valid IAM account alias: use 3-63 lowercase letters, digits and single hyphens.");
            }
        }

        return scenario;
    }

    /// <summary>A scenario file, or a built-in one by name ("oie") when no such file exists.</summary>
    public static ScenarioDocument Load(string path) =>
        !File.Exists(path) && path is "default" or "oie" ? LoadBuiltIn(path) : Parse(File.ReadAllText(path));

    /// <summary>The built-in scenario; identical to scenarios/default.json because it is that file, embedded.</summary>
    public static ScenarioDocument LoadDefault() => LoadBuiltIn("default");

    /// <summary>An embedded scenarios/NAME.json: "default" (a Classic org) or "oie" (an Identity Engine org).</summary>
    public static ScenarioDocument LoadBuiltIn(string name)
    {
        using var stream = typeof(ScenarioDocument).Assembly.GetManifestResourceStream($"Keyman.Sandbox.scenarios.{name}.json")
            ?? throw new InvalidOperationException($"The scenario '{name}' is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}

public sealed class ScenarioSettings
{
    /// <summary>Issuer of SAML responses (Okta uses http://www.okta.com/{appKey}).</summary>
    public string SamlIssuer { get; set; } = "http://www.okta.com/exk1sandboxIssuer01";

    public int TransactionLifetimeSeconds { get; set; } = 300;

    public int SessionTokenLifetimeSeconds { get; set; } = 300;

    /// <summary>Okta session idle lifetime (the sid); kept for older scenarios, see <see cref="SessionIdleSeconds"/>.</summary>
    public int SessionLifetimeSeconds { get; set; } = 7200;

    /// <summary>
    /// "Maximum Okta global session idle time": activity (opening an app, POST .../lifecycle/refresh) moves expiresAt
    /// to now + this. Null = <see cref="SessionLifetimeSeconds"/>.
    /// </summary>
    public int? SessionIdleSeconds { get; set; }

    /// <summary>"Maximum Okta global session lifetime": no refresh extends a session past createdAt + this. Null = no limit.</summary>
    public int? SessionMaxSeconds { get; set; }

    /// <summary>
    /// Real seconds per emulated second for the lifetimes of issued AWS credentials (and nothing else): with 60, a 900 s
    /// session from STS expires 15 real seconds later and its Expiration says so. 1 = real time. The --time-scale flag wins.
    /// </summary>
    public double TimeScale { get; set; } = 1;

    public int EffectiveSessionIdleSeconds => SessionIdleSeconds ?? SessionLifetimeSeconds;

    /// <summary>STS refuses assertions older than this (real AWS: 5 minutes).</summary>
    public int AssertionLifetimeSeconds { get; set; } = 300;

    /// <summary>Wrong passwords or MFA answers in a row before the user is locked (E0000069).</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>Okta's "show lockout failures" policy: LOCKED_OUT status instead of a plain 401 E0000004.</summary>
    public bool ShowLockoutFailures { get; set; } = true;

    /// <summary>Okta API requests allowed per rate-limit window (60 s); null = unlimited (headers still sent, limit 600).</summary>
    public int? OktaRequestBudget { get; set; }

    /// <summary>"classic" (Okta Classic Engine, /.well-known pipeline "v1") or "oie" (Identity Engine, pipeline "idx").</summary>
    public string Engine { get; set; } = "classic";

    /// <summary>The org id /.well-known/okta-organization reports.</summary>
    public string OrgId { get; set; } = "00o1sandboxOrg000001";

    /// <summary>OIE: the identify form asks for the username only, the password comes as its own challenge.</summary>
    public bool IdentifierFirst { get; set; }

    [JsonIgnore]
    public bool IsIdentityEngine => string.Equals(Engine, "oie", StringComparison.OrdinalIgnoreCase);
}

public sealed class ScenarioUser
{
    public string Id { get; set; } = "";

    public string Login { get; set; } = "";

    public string Password { get; set; } = "";

    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public string Locale { get; set; } = "en_US";

    public string TimeZone { get; set; } = "America/Los_Angeles";

    /// <summary>ACTIVE, LOCKED_OUT, PASSWORD_EXPIRED or MFA_ENROLL: what primary authentication leads to.</summary>
    public string Status { get; set; } = "ACTIVE";

    /// <summary>Whether the org sign-on policy asks for MFA at primary authentication (when factors are enrolled).</summary>
    public bool MfaAtSignIn { get; set; } = true;

    public List<ScenarioFactor> Factors { get; set; } = [];
}

public sealed class ScenarioFactor
{
    public string Id { get; set; } = "";

    /// <summary>push, sms, call, email, question, token:software:totp, token, token:hardware, webauthn, ...</summary>
    public string FactorType { get; set; } = "";

    public string Provider { get; set; } = "OKTA";

    public string? VendorName { get; set; }

    public Dictionary<string, string> Profile { get; set; } = [];

    /// <summary>Base32 TOTP secret (token:software:totp).</summary>
    public string? Secret { get; set; }

    /// <summary>Security-question answer (compared case-insensitively).</summary>
    public string? Answer { get; set; }

    /// <summary>One-time codes accepted by token / token:hardware factors (each once).</summary>
    public List<string> Codes { get; set; } = [];

    public ScenarioPush? Push { get; set; }

    /// <summary>The Duo account behind a Duo Universal Prompt factor (claims_provider).</summary>
    public ScenarioDuo? Duo { get; set; }
}

public sealed class ScenarioPush
{
    /// <summary>approve, reject, timeout (TIMEOUT after AfterPolls polls), never (WAITING forever), manual (POST /_sandbox/push).</summary>
    public string Result { get; set; } = "approve";

    /// <summary>The poll (POST after the one that sent the push) on which Result is reported.</summary>
    public int AfterPolls { get; set; } = 2;

    public bool NumberChallenge { get; set; }

    public int CorrectAnswer { get; set; } = 42;
}

public sealed class ScenarioApp
{
    /// <summary>"{appInstanceId}/{linkId}", the part after /home/amazon_aws/ in the app link.</summary>
    public string AppId { get; set; } = "";

    public string Label { get; set; } = "";

    /// <summary>amazon_aws (the SAML app) or e.g. amazon_aws_sso (which clients must ignore).</summary>
    public string AppName { get; set; } = "amazon_aws";

    /// <summary>ACS URL, the form action of the SAML page and the assertion's Recipient/Destination.</summary>
    public string AcsUrl { get; set; } = "https://signin.aws.amazon.com/saml";

    /// <summary>"provider,role" (Okta's order) or "role,provider" (AWS docs' order).</summary>
    public string RoleOrder { get; set; } = "provider,role";

    /// <summary>Role attribute values, in order. Empty = no Role attribute at all.</summary>
    public List<ScenarioRolePair> Roles { get; set; } = [];

    public int? SessionDuration { get; set; } = 3600;

    /// <summary>RoleSessionName attribute; "{login}" is replaced by the user's login.</summary>
    public string RoleSessionName { get; set; } = "{login}";

    /// <summary>App sign-on policy asks for MFA again when the app is opened (app-level step-up).</summary>
    public bool StepUp { get; set; }

    /// <summary>
    /// OIE app policy that only a browser can meet: "fastpass" (Okta Verify signed nonce), "security_key" (WebAuthn)
    /// or "device_assurance". Null = none.
    /// </summary>
    public string? BrowserOnly { get; set; }

    /// <summary>Logins assigned to the app; "*" = everyone.</summary>
    public List<string> Users { get; set; } = ["*"];

    public bool Hidden { get; set; }

    public int SortOrder { get; set; }

    [JsonIgnore]
    public string AppInstanceId => AppId.Split('/')[0];

    [JsonIgnore]
    public string LinkId => AppId.Contains('/') ? AppId.Split('/')[1] : "272";

    public bool IsAssignedTo(string login) =>
        Users.Any(u => u == "*" || string.Equals(u, login, StringComparison.OrdinalIgnoreCase));
}

public sealed class ScenarioOidcClient
{
    public string ClientId { get; set; } = "";

    public string Label { get; set; } = "";

    /// <summary>e.g. authorization_code, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange.</summary>
    public List<string> GrantTypes { get; set; } = [];

    /// <summary>App instance ids that list this client as an "Allowed Web SSO Client".</summary>
    public List<string> WebSsoApps { get; set; } = [];
}

public sealed class ScenarioRolePair
{
    public string RoleArn { get; set; } = "";

    public string PrincipalArn { get; set; } = "";
}

public sealed class ScenarioRole
{
    public string Arn { get; set; } = "";

    /// <summary>IAM MaxSessionDuration of the role (3600..43200).</summary>
    public int MaxSessionDuration { get; set; } = 3600;

    /// <summary>Role ARNs this role may sts:AssumeRole into (role chaining).</summary>
    public List<string> CanAssume { get; set; } = [];

    /// <summary>False when the role's trust policy does not let the SAML provider in: STS then refuses AssumeRoleWithSAML.</summary>
    public bool TrustsSaml { get; set; } = true;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ScenarioDocument))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
