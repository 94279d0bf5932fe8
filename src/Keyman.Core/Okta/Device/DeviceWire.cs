using System.Text.Json.Serialization;

namespace Keyman.Core.Okta.Device;

// Wire shapes of the org authorization server (RFC 8628 device authorization, RFC 8693 token exchange) as Okta answers
// them (developer.okta.com OIDC reference; okta/okta-aws-cli internal/okta). Only what Keyman reads is declared.

/// <summary>POST /oauth2/v1/device/authorize: the codes and where the user approves them.</summary>
internal sealed class DeviceAuthorizeResponse
{
    [JsonPropertyName("device_code")]
    public string? DeviceCode { get; init; }

    [JsonPropertyName("user_code")]
    public string? UserCode { get; init; }

    [JsonPropertyName("verification_uri")]
    public string? VerificationUri { get; init; }

    [JsonPropertyName("verification_uri_complete")]
    public string? VerificationUriComplete { get; init; }

    [JsonPropertyName("expires_in")]
    public int? ExpiresIn { get; init; }

    [JsonPropertyName("interval")]
    public int? Interval { get; init; }
}

/// <summary>POST /oauth2/v1/token: the device grant's tokens, or the token exchange's web SSO token (in access_token).</summary>
internal sealed class OAuthTokenResponse
{
    [JsonPropertyName("token_type")]
    public string? TokenType { get; init; }

    [JsonPropertyName("expires_in")]
    public int? ExpiresIn { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("id_token")]
    public string? IdToken { get; init; }

    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    [JsonPropertyName("issued_token_type")]
    public string? IssuedTokenType { get; init; }
}

/// <summary>An OAuth error: <c>{"error":"slow_down","error_description":"…"}</c>.</summary>
internal sealed class OAuthErrorResponse
{
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; init; }
}

/// <summary>What Keyman keeps in the secret store between runs: the device grant's tokens and when they end.</summary>
internal sealed class KeptDeviceTokens
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("id_token")]
    public string? IdToken { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset? ExpiresAt { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DeviceAuthorizeResponse))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
[JsonSerializable(typeof(KeptDeviceTokens))]
internal sealed partial class DeviceJsonContext : JsonSerializerContext;
