using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keyman.Core.Okta.Idx;

// Wire shapes of the Okta Identity Engine (IDX) API, as in Okta's captured responses
// (okta/okta-signin-widget playground/mocks/data/idp/idx/*.json). Ion collections are {"type":"array","value":[…]},
// objects {"type":"object","value":{…}}. Only what Keyman reads is declared; forms are read generically.

/// <summary>One IDX answer: the state handle, the forms the user may submit next, and what the server says.</summary>
internal sealed class IdxResponse
{
    public string? StateHandle { get; init; }

    public string? Version { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? Intent { get; init; }

    public IdxFormList? Remediation { get; init; }

    public IdxMessageList? Messages { get; init; }

    public IdxAuthenticatorBox? CurrentAuthenticator { get; init; }

    public IdxAuthenticatorBox? CurrentAuthenticatorEnrollment { get; init; }

    public IdxAuthenticatorList? Authenticators { get; init; }

    public IdxAuthenticatorList? AuthenticatorEnrollments { get; init; }

    /// <summary>The end: <c>{"name":"success-redirect","href":…}</c>.</summary>
    public IdxForm? Success { get; init; }

    public IdxForm? Cancel { get; init; }

    public IdxUserBox? User { get; init; }

    [JsonIgnore]
    public IReadOnlyList<IdxForm> Forms => Remediation?.Value ?? [];

    [JsonIgnore]
    public IReadOnlyList<IdxMessage> AllMessages => Messages?.Value ?? [];

    /// <summary>The authenticator being challenged: currentAuthenticatorEnrollment, else currentAuthenticator.</summary>
    [JsonIgnore]
    public IdxAuthenticator? Current => CurrentAuthenticatorEnrollment?.Value ?? CurrentAuthenticator?.Value;

    public IdxForm? Form(string name) => Forms.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}

internal sealed class IdxFormList
{
    public List<IdxForm>? Value { get; init; }
}

internal sealed class IdxMessageList
{
    public List<IdxMessage>? Value { get; init; }
}

internal sealed class IdxAuthenticatorList
{
    public List<IdxAuthenticator>? Value { get; init; }
}

internal sealed class IdxAuthenticatorBox
{
    public IdxAuthenticator? Value { get; init; }
}

internal sealed class IdxUserBox
{
    public IdxUser? Value { get; init; }
}

internal sealed class IdxUser
{
    public string? Id { get; init; }

    public string? Identifier { get; init; }
}

/// <summary>A remediation (or success, cancel, resend, poll): a form to submit to <see cref="Href"/>.</summary>
internal sealed class IdxForm
{
    public string? Name { get; init; }

    public string? Href { get; init; }

    public string? Method { get; init; }

    public string? Accepts { get; init; }

    /// <summary>Poll interval in milliseconds (challenge-poll).</summary>
    public int? Refresh { get; init; }

    public List<IdxField>? Value { get; init; }

    [JsonIgnore]
    public IReadOnlyList<IdxField> Fields => Value ?? [];

    public IdxField? Field(string name) => Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
}

/// <summary>A form field: a default <see cref="Value"/>, a nested <see cref="Form"/>, or <see cref="Options"/> to choose from.</summary>
internal sealed class IdxField
{
    public string? Name { get; init; }

    public string? Label { get; init; }

    public string? Type { get; init; }

    public bool? Required { get; init; }

    public bool? Secret { get; init; }

    public bool? Visible { get; init; }

    public bool? Mutable { get; init; }

    public JsonElement? Value { get; init; }

    public IdxNestedForm? Form { get; init; }

    public List<IdxOption>? Options { get; init; }

    public IdxMessageList? Messages { get; init; }
}

internal sealed class IdxNestedForm
{
    public List<IdxField>? Value { get; init; }
}

/// <summary>An option of a field: a plain value ("sms"), or a sub-form (<c>{"form":{"value":[…]}}</c>) for authenticators.</summary>
internal sealed class IdxOption
{
    public string? Label { get; init; }

    public JsonElement? Value { get; init; }

    /// <summary>A JSON path into the response, e.g. <c>$.authenticatorEnrollments.value[3]</c>.</summary>
    public string? RelatesTo { get; init; }
}

internal sealed class IdxOptionForm
{
    public IdxNestedForm? Form { get; init; }
}

internal sealed class IdxAuthenticator
{
    public string? Type { get; init; }

    public string? Key { get; init; }

    public string? Id { get; init; }

    public string? DisplayName { get; init; }

    public List<IdxMethod>? Methods { get; init; }

    public IdxAuthenticatorProfile? Profile { get; init; }

    public IdxContextualData? ContextualData { get; init; }

    public IdxForm? Resend { get; init; }

    public IdxForm? Poll { get; init; }
}

internal sealed class IdxMethod
{
    public string? Type { get; init; }

    public string? MethodType { get; init; }
}

internal sealed class IdxAuthenticatorProfile
{
    public string? PhoneNumber { get; init; }

    public string? Email { get; init; }

    public string? DeviceName { get; init; }

    public string? Question { get; init; }

    public string? QuestionKey { get; init; }
}

internal sealed class IdxContextualData
{
    /// <summary>Okta Verify's number challenge; a string in Okta's responses, read as either.</summary>
    public JsonElement? CorrectAnswer { get; init; }

    public IdxAuthenticatorProfile? EnrolledQuestion { get; init; }

    /// <summary>Duo: how the sign-in page opens Duo ("IFRAME" = Duo Web's frame), Duo's API host and the signed request (TX…:APP…).</summary>
    public string? IntegrationType { get; init; }

    public string? Host { get; init; }

    public string? SignedToken { get; init; }
}

internal sealed class IdxMessage
{
    public string? Message { get; init; }

    public IdxI18n? I18n { get; init; }

    public string? Class { get; init; }

    [JsonIgnore]
    public string? Key => I18n?.Key;

    [JsonIgnore]
    public bool IsError => Class is null || string.Equals(Class, "ERROR", StringComparison.OrdinalIgnoreCase);
}

internal sealed class IdxI18n
{
    public string? Key { get; init; }
}

internal sealed class IntrospectRequest
{
    public required string StateToken { get; init; }
}

/// <summary>GET /.well-known/okta-organization.</summary>
internal sealed class OktaOrganizationBody
{
    public string? Id { get; init; }

    public string? Pipeline { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(IdxResponse))]
[JsonSerializable(typeof(IdxOptionForm))]
[JsonSerializable(typeof(IntrospectRequest))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(OktaOrganizationBody))]
internal sealed partial class IdxJsonContext : JsonSerializerContext;
