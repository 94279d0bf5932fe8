using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Hosting;

/// <summary>
/// All mutable state of the emulated services. Handlers take <see cref="Sync"/> for every read-modify-write;
/// the sandbox serves a handful of test clients, so one lock is simpler than fine-grained ones and still fast.
/// </summary>
public sealed class SandboxState(ScenarioDocument scenario, SandboxClock clock, FaultSwitches faults)
{
    public Lock Sync { get; } = new();

    public ScenarioDocument Scenario { get; } = scenario;

    public ScenarioSettings Settings => Scenario.Settings;

    public SandboxClock Clock { get; } = clock;

    public FaultSwitches Faults { get; } = faults;

    public DateTimeOffset Now => Clock.GetUtcNow();

    public Dictionary<string, UserRuntime> Users { get; } =
        scenario.Users.ToDictionary(u => u.Login, u => new UserRuntime(u), StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, AuthnTransaction> Transactions { get; } = [];

    public Dictionary<string, SessionTokenGrant> SessionTokens { get; } = [];

    public Dictionary<string, OktaSession> Sessions { get; } = [];

    /// <summary>Issued SAML responses keyed by SHA-256 (hex) of their XML, so any edit makes them "forged".</summary>
    public Dictionary<string, IssuedAssertion> Assertions { get; } = [];

    public Dictionary<string, IssuedCredentials> Credentials { get; } = [];

    public List<OutboxMessage> Outbox { get; } = [];

    public List<RequestLogEntry> RequestLog { get; } = [];

    /// <summary>Console sign-in tokens from /federation?Action=getSigninToken, keyed by the token.</summary>
    public Dictionary<string, SigninToken> SigninTokens { get; } = [];

    /// <summary>Divides issued credential lifetimes (see <see cref="ScenarioSettings.TimeScale"/>); set once at start.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>How long credentials asked for with <paramref name="durationSeconds"/> really live, after time scaling.</summary>
    public TimeSpan ScaledLifetime(int durationSeconds) => TimeSpan.FromSeconds(durationSeconds / TimeScale);

    public RateLimitWindow OktaRateLimit { get; } = new();
}

public sealed class UserRuntime(ScenarioUser definition)
{
    public ScenarioUser Definition { get; } = definition;

    public int FailedAttempts { get; set; }

    /// <summary>Locked at run time by too many failures (the scenario's LOCKED_OUT status is separate).</summary>
    public bool LockedByFailures { get; set; }

    public bool IsLockedOut => LockedByFailures || Definition.Status == "LOCKED_OUT";

    /// <summary>Last TOTP time step accepted per factor id: a code of that step or older is a replay.</summary>
    public Dictionary<string, long> LastTotpStep { get; } = [];

    public HashSet<string> UsedOneTimeCodes { get; } = [];

    /// <summary>Manual push decisions waiting for the next poll ("approve" / "reject").</summary>
    public string? ManualPushDecision { get; set; }
}

public enum TransactionKind
{
    PrimaryAuthentication,
    AppStepUp,
}

public sealed class AuthnTransaction
{
    public required string StateToken { get; init; }

    public required UserRuntime User { get; init; }

    public required TransactionKind Kind { get; init; }

    public required DateTimeOffset ExpiresAt { get; set; }

    /// <summary>MFA_REQUIRED, MFA_CHALLENGE, MFA_ENROLL, PASSWORD_EXPIRED, SUCCESS...</summary>
    public string Status { get; set; } = "MFA_REQUIRED";

    /// <summary>For step-up: the session being stepped up and the app link to return to.</summary>
    public string? BoundSessionId { get; init; }

    public string? StepUpAppInstanceId { get; init; }

    public string? FromUri { get; init; }

    /// <summary>The factor currently challenged (MFA_CHALLENGE), with its pending state.</summary>
    public string? ChallengedFactorId { get; set; }

    public string? SentCode { get; set; }

    public int PushPolls { get; set; }

    public string? FactorResult { get; set; }

    public bool Completed { get; set; }
}

public sealed class SessionTokenGrant
{
    public required string Token { get; init; }

    public required UserRuntime User { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public bool Used { get; set; }

    public bool MfaVerified { get; init; }

    /// <summary>Set when the token finishes an app step-up: it belongs to that session.</summary>
    public string? BoundSessionId { get; init; }

    public string? StepUpAppInstanceId { get; init; }
}

public sealed class OktaSession
{
    public required string Id { get; init; }

    public required UserRuntime User { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset LastPasswordVerification { get; init; }

    /// <summary>Moves the idle expiry to now + idle, never past createdAt + max (Okta's two session limits).</summary>
    public void Touch(DateTimeOffset now, ScenarioSettings settings)
    {
        var expires = now.AddSeconds(settings.EffectiveSessionIdleSeconds);
        if (settings.SessionMaxSeconds is { } max && CreatedAt.AddSeconds(max) < expires)
        {
            expires = CreatedAt.AddSeconds(max);
        }

        ExpiresAt = expires;
    }

    public DateTimeOffset? LastFactorVerification { get; set; }

    public HashSet<string> SteppedUpApps { get; } = [];

    public bool Ended { get; set; }
}

public sealed record IssuedAssertion(
    string ResponseId,
    string Login,
    string AppInstanceId,
    string Recipient,
    string Issuer,
    IReadOnlyList<ScenarioRolePair> Roles,
    int? SessionDuration,
    string RoleSessionName,
    DateTimeOffset IssuedAt);

public sealed record IssuedCredentials(
    string AccessKeyId,
    string SecretAccessKey,
    string SessionToken,
    DateTimeOffset Expiration,
    string RoleArn,
    string RoleSessionName,
    bool FromRoleChaining)
{
    /// <summary>When STS issued them (sandbox clock); Expiration - IssuedAt is the time-scaled lifetime.</summary>
    public DateTimeOffset IssuedAt { get; init; }

    public string Account => RoleArn.Split(':')[4];

    public string Partition => RoleArn.Split(':')[1];

    /// <summary>Role name without path ("role/team/Admin" -> "Admin"), as assumed-role ARNs use it.</summary>
    public string RoleName => RoleArn[(RoleArn.LastIndexOf('/') + 1)..];

    public string AssumedRoleArn => $"arn:{Partition}:sts::{Account}:assumed-role/{RoleName}/{RoleSessionName}";
}

public sealed record OutboxMessage(string User, string FactorId, string FactorType, string To, string Code, DateTimeOffset SentAt);

/// <summary>One request as the log shows it: no query strings, bodies, headers or secrets. Seq counts from 1.</summary>
public sealed record RequestLogEntry(DateTimeOffset Time, string Method, string Path, string? Action, int Status, string Service)
{
    public long Seq { get; init; }

    /// <summary>Time the sandbox itself spent on the request (its configured latency included), in milliseconds.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>The kind of credential the Authorization header carried ("sigv4", "bearer"), never the credential; null without one.</summary>
    public string? Credential { get; init; }
}

/// <summary>A console sign-in token: the credentials it was made from and the console session it grants.</summary>
public sealed record SigninToken(string Token, string AccessKeyId, DateTimeOffset IssuedAt, DateTimeOffset ConsoleSessionExpires);

public sealed class RateLimitWindow
{
    public DateTimeOffset WindowStart { get; set; }

    public int Used { get; set; }
}
