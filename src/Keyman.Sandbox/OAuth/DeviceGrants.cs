using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.OAuth;

/// <summary>A device authorization (RFC 8628) waiting for the user on /activate.</summary>
internal sealed class DeviceGrant
{
    public required string DeviceCode { get; init; }

    public required string UserCode { get; init; }

    public required ScenarioOidcClient Client { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public int IntervalSeconds { get; set; } = 5;

    public DateTimeOffset? LastPoll { get; set; }

    /// <summary>pending, approved, denied, redeemed.</summary>
    public string Status { get; set; } = "pending";

    public UserRuntime? User { get; set; }

    /// <summary>What the browser sign-in proved: "pwd", "mfa", "fastpass" (Okta Verify on the device: phishing resistant, device bound).</summary>
    public HashSet<string> Amr { get; } = [];
}

/// <summary>Tokens of the org authorization server: access and ID tokens from the device grant, web SSO tokens from the exchange.</summary>
internal sealed record IssuedOAuthToken(string Token, string Kind, ScenarioOidcClient Client, UserRuntime User, IReadOnlyList<string> Scopes, IReadOnlySet<string> Amr, DateTimeOffset ExpiresAt)
{
    public string? AppInstanceId { get; init; }

    public bool Used { get; set; }
}

/// <summary>A sign-in in progress on the activation page, named by a hidden form field.</summary>
internal sealed class Activation
{
    public required string Id { get; init; }

    public required DeviceGrant Grant { get; init; }

    public UserRuntime? User { get; set; }

    public bool SignedIn { get; set; }

    public string? SentCode { get; set; }
}

/// <summary>State of the OAuth side. Guarded by SandboxState.Sync.</summary>
internal sealed class DeviceGrants
{
    public Dictionary<string, DeviceGrant> ByDeviceCode { get; } = [];

    public Dictionary<string, DeviceGrant> ByUserCode { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, IssuedOAuthToken> Tokens { get; } = [];

    public Dictionary<string, Activation> Activations { get; } = [];

    /// <summary>
    /// Polls of a pending grant still to answer <c>slow_down</c> whatever their pace, as Okta does under load
    /// (POST /_sandbox/device/slow-down); a client polling faster than the interval gets it anyway.
    /// </summary>
    public int SlowDownPolls { get; set; }

    /// <summary>Okta user codes: 8 upper-case letters without look-alikes (protocols.md §3: "QXNMSLWF").</summary>
    public static string NewUserCode() => System.Security.Cryptography.RandomNumberGenerator.GetString("BCDFGHJKLMNPQRSTVWXZ", 8);

    /// <summary>Looks like a JWT (three base64url parts) so clients treat it as opaque, as they must.</summary>
    public static string NewJwtLike() => "eyJraWQiOiJzYW5kYm94IiwiYWxnIjoiUlMyNTYifQ." + RandomTokens.Alphanumeric(120) + "." + RandomTokens.Alphanumeric(86);
}
