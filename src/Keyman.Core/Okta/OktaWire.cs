using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keyman.Core.Okta;

// Wire shapes of the Okta Classic APIs (docs: /api/v1/authn, /api/v1/sessions, /api/v1/users/me/appLinks).
// Only the fields Keyman reads are declared; everything else is ignored.

internal sealed class AuthnRequest
{
    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? StateToken { get; init; }

    public AuthnRequestOptions? Options { get; init; }
}

internal sealed class AuthnRequestOptions
{
    public bool MultiOptionalFactorEnroll { get; init; }

    public bool WarnBeforePasswordExpired { get; init; }
}

/// <summary>Body of factor verify, poll and resend calls.</summary>
internal sealed class VerifyRequest
{
    public required string StateToken { get; init; }

    public string? PassCode { get; init; }

    public string? Answer { get; init; }
}

internal sealed class CreateSessionRequest
{
    public required string SessionToken { get; init; }
}

internal sealed class AuthnTransaction
{
    public string? Status { get; init; }

    public string? StateToken { get; init; }

    /// <summary>SESSION_STEP_UP for the success of an app-level step-up (then with _links.next and no sessionToken).</summary>
    public string? Type { get; init; }

    public string? SessionToken { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? FactorResult { get; init; }

    [JsonPropertyName("_embedded")]
    public AuthnEmbedded? Embedded { get; init; }

    [JsonPropertyName("_links")]
    public AuthnLinks? Links { get; init; }
}

internal sealed class AuthnEmbedded
{
    public OktaUser? User { get; init; }

    public List<OktaFactor>? Factors { get; init; }

    /// <summary>An object for MFA_CHALLENGE; some documentation shows an array for MFA_REQUIRED, so both are read.</summary>
    public JsonElement? Factor { get; init; }

    public OktaPolicy? Policy { get; init; }
}

internal sealed class OktaPolicy
{
    public OktaPasswordExpiration? Expiration { get; init; }
}

internal sealed class OktaPasswordExpiration
{
    public int? PasswordExpireDays { get; init; }
}

internal sealed class OktaUser
{
    public string? Id { get; init; }

    public OktaUserProfile? Profile { get; init; }
}

internal sealed class OktaUserProfile
{
    public string? Login { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }
}

internal sealed class AuthnLinks
{
    public OktaLink? Next { get; init; }

    public OktaLink? Skip { get; init; }

    public OktaLink? Cancel { get; init; }

    /// <summary>An array of links for sms/call/email/push; tolerated as a single object too.</summary>
    public JsonElement? Resend { get; init; }
}

internal sealed class OktaLink
{
    public string? Name { get; init; }

    public string? Href { get; init; }
}

internal sealed class OktaFactor
{
    public string? Id { get; init; }

    public string? FactorType { get; init; }

    public string? Provider { get; init; }

    public string? VendorName { get; init; }

    public OktaFactorProfile? Profile { get; init; }

    [JsonPropertyName("_links")]
    public OktaFactorLinks? Links { get; init; }

    [JsonPropertyName("_embedded")]
    public OktaFactorEmbedded? Embedded { get; init; }
}

internal sealed class OktaFactorProfile
{
    public string? CredentialId { get; init; }

    public string? PhoneNumber { get; init; }

    public string? Email { get; init; }

    public string? Name { get; init; }

    public string? DeviceType { get; init; }

    public string? Platform { get; init; }

    public string? Question { get; init; }

    public string? QuestionText { get; init; }
}

internal sealed class OktaFactorLinks
{
    public OktaLink? Verify { get; init; }
}

internal sealed class OktaFactorEmbedded
{
    public OktaChallenge? Challenge { get; init; }
}

internal sealed class OktaChallenge
{
    public int? CorrectAnswer { get; init; }
}

internal sealed class OktaErrorBody
{
    public string? ErrorCode { get; init; }

    public string? ErrorSummary { get; init; }

    public string? ErrorId { get; init; }

    public List<OktaErrorCause>? ErrorCauses { get; init; }
}

internal sealed class OktaErrorCause
{
    public string? ErrorSummary { get; init; }
}

internal sealed class SessionBody
{
    public string? Id { get; init; }

    public string? Login { get; init; }

    public string? UserId { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? Status { get; init; }
}

internal sealed class AppLinkBody
{
    public string? Id { get; init; }

    public string? Label { get; init; }

    public string? LinkUrl { get; init; }

    public string? AppName { get; init; }

    public string? AppInstanceId { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(AuthnRequest))]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(CreateSessionRequest))]
[JsonSerializable(typeof(AuthnTransaction))]
[JsonSerializable(typeof(OktaFactor))]
[JsonSerializable(typeof(List<OktaFactor>))]
[JsonSerializable(typeof(OktaLink))]
[JsonSerializable(typeof(List<OktaLink>))]
[JsonSerializable(typeof(OktaErrorBody))]
[JsonSerializable(typeof(SessionBody))]
[JsonSerializable(typeof(List<AppLinkBody>))]
internal sealed partial class OktaJsonContext : JsonSerializerContext;
