using System.Runtime.CompilerServices;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Duo;

/// <summary>One pass through Duo's Universal Prompt for one Okta transaction.</summary>
internal sealed class DuoFlow
{
    /// <summary>The Universal Prompt's OIDC state (Okta Classic's claims-provider factor); empty for a Duo Web v2 frame.</summary>
    public string OktaState { get; init; } = string.Empty;

    public string StateToken { get; init; } = string.Empty;

    /// <summary>Duo Web v2 (the Identity Engine's Duo authenticator): the page that opened the frame; Duo's verdict ends in an AUTH cookie for it.</summary>
    public string? FrameParent { get; init; }

    public bool IsFrame => FrameParent is not null;

    public required UserRuntime User { get; init; }

    public required ScenarioDuo Duo { get; init; }

    public string Sid { get; } = "frameless-" + Guid.NewGuid().ToString("D");

    public string Tx { get; } = RandomTokens.Alphanumeric(40);

    public string Xsrf { get; } = RandomTokens.Alphanumeric(32);

    public bool PluginFormPosted { get; set; }

    /// <summary>The single-page prompt's key for this pass (data-authkey) and whether its pre-authn was initialised.</summary>
    public string Authkey { get; } = RandomTokens.Alphanumeric(32);

    public bool SinglePageStarted { get; set; }

    /// <summary>The single-page prompt allowed a factor: finalize_auth may hand out the way back.</summary>
    public bool Allowed { get; set; }

    public string? Code { get; set; }

    public Dictionary<string, DuoTransaction> Transactions { get; } = [];
}

/// <summary>A push, call or passcode started from the prompt.</summary>
internal sealed class DuoTransaction
{
    public required string Txid { get; init; }

    public required string Factor { get; init; }

    public bool PasscodeOk { get; init; }

    public int Polls { get; set; }

    public string? Result { get; set; }
}

/// <summary>Duo's side of the sandbox; kept beside the sandbox state (and guarded by its lock).</summary>
internal sealed class DuoState
{
    private static readonly ConditionalWeakTable<SandboxState, DuoState> States = new();

    public Dictionary<string, DuoFlow> ByOktaState { get; } = [];

    public Dictionary<string, DuoFlow> BySid { get; } = [];

    public HashSet<string> UsedPasscodes { get; } = [];

    /// <summary>Duo's client secret for the Okta integration (signs the authorize request JWT).</summary>
    public byte[] ClientSecret { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(40);

    /// <summary>Duo Web v2 keys of the Identity Engine's Duo authenticator: integration key, secret key, Okta's application key.</summary>
    public string IntegrationKey { get; } = "DI" + RandomTokens.Alphanumeric(18).ToUpperInvariant();

    public byte[] SecretKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(40);

    public byte[] ApplicationKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(40);

    public static DuoState Of(SandboxState state) => States.GetValue(state, _ => new DuoState());
}
