using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Idx;

/// <summary>Where an Identity Engine sign-in stands; each step answers with its own remediation forms.</summary>
internal enum IdxStep
{
    Identify,
    Password,
    SelectAuthenticator,
    Challenge,
    Poll,
    PushRejected,
    ExpiredPassword,
    Enroll,

    /// <summary>The app's policy needs what no sign-in here can give (device assurance): terminal.</summary>
    Denied,
    Success,
}

/// <summary>One IDX sign-in, started by the sign-in page (an app link without the session the app's policy needs).</summary>
internal sealed class IdxTransaction
{
    /// <summary>The stateHandle (= the page's stateToken once its JavaScript escapes are undone).</summary>
    public required string StateHandle { get; init; }

    /// <summary>The short token of the success redirect (/login/token/redirect?stateToken=...).</summary>
    public string RedirectToken { get; } = RandomTokens.Alphanumeric(28);

    public required ScenarioApp App { get; init; }

    public required string FromUri { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Step-up: the session the sign-in page was opened with; its user is already known and signed in.</summary>
    public string? BoundSessionId { get; init; }

    public UserRuntime? User { get; set; }

    public IdxStep Step { get; set; } = IdxStep.Identify;

    public bool PasswordVerified { get; set; }

    public bool FactorVerified { get; set; }

    public OieAuthenticator? Current { get; set; }

    public string? CurrentMethod { get; set; }

    public string? SentCode { get; set; }

    public int PushPolls { get; set; }

    /// <summary>"rejected" or "timeout" once the push ended without approval.</summary>
    public string? PushOutcome { get; set; }

    public bool Redeemed { get; set; }
}

/// <summary>The IDX transactions of the org, keyed by stateHandle (and by redirect token once finished). Guarded by SandboxState.Sync.</summary>
internal sealed class IdxStore
{
    public Dictionary<string, IdxTransaction> ByStateHandle { get; } = [];

    public Dictionary<string, IdxTransaction> ByRedirectToken { get; } = [];

    /// <summary>OIE stateHandles look like "02" + 40 URL-safe characters (widget mocks: success.json, okta-verify-push.json).</summary>
    public static string NewStateHandle() => "02" + RandomTokens.Alphanumeric(12) + "-" + RandomTokens.Alphanumeric(14) + "_" + RandomTokens.Alphanumeric(12);

    public IdxTransaction Start(SandboxState state, ScenarioApp app, string fromUri, OktaSession? session)
    {
        var tx = new IdxTransaction
        {
            StateHandle = NewStateHandle(),
            App = app,
            FromUri = fromUri,
            ExpiresAt = state.Now.AddSeconds(state.Settings.TransactionLifetimeSeconds),
            BoundSessionId = session?.Id,
            User = session?.User,
            PasswordVerified = session is not null,
        };
        ByStateHandle[tx.StateHandle] = tx;
        return tx;
    }

    public IdxTransaction? Find(SandboxState state, string? stateHandle)
    {
        if (stateHandle is null || !ByStateHandle.TryGetValue(stateHandle, out var tx))
        {
            return null;
        }

        if (tx.ExpiresAt <= state.Now || tx.Step == IdxStep.Success && tx.Redeemed)
        {
            ByStateHandle.Remove(stateHandle);
            return null;
        }

        return tx;
    }
}
