using Keyman.Core.Okta.Duo;

namespace Keyman.Core.Okta;

internal enum FactorKind
{
    Unsupported,
    Code,
    Push,
    SentCode,
    Question,
    Duo,
}

/// <summary>
/// An enrolled factor as Keyman sees it: how to verify it and how to name it to the user. Okta Classic's Duo Universal
/// Prompt factor is offered as one entry per Duo method (<paramref name="duo"/>).
/// </summary>
internal sealed class MfaFactor(OktaFactor factor, DuoMethod? duo = null)
{
    /// <summary>Okta Classic's Duo Universal Prompt factor (claims_provider, vendor "Duo Universal Prompt").</summary>
    public static bool IsDuoUniversal(OktaFactor factor) =>
        string.Equals(factor.FactorType, "claims_provider", StringComparison.OrdinalIgnoreCase)
        && (factor.VendorName ?? string.Empty).Contains("duo", StringComparison.OrdinalIgnoreCase);

    /// <summary>The entries of one enrolled factor: three for Duo (push, call, passcode), else one.</summary>
    public static IEnumerable<MfaFactor> Expand(OktaFactor factor) =>
        IsDuoUniversal(factor) ? DuoMethods.All.Select(m => new MfaFactor(factor, m)) : [new MfaFactor(factor)];

    public DuoMethod? DuoMethod { get; } = duo;

    public OktaFactor Raw { get; } = factor;

    public string FactorType { get; } = (factor.FactorType ?? string.Empty).ToLowerInvariant();

    public string Provider { get; } = (factor.Provider ?? string.Empty).ToUpperInvariant();

    public FactorKind Kind => DuoMethod is not null ? FactorKind.Duo : FactorType switch
    {
        "token:software:totp" or "token:hardware" or "token" or "token:hotp" => FactorKind.Code,
        "push" when Provider is "OKTA" or "" => FactorKind.Push,
        "sms" or "call" or "email" => FactorKind.SentCode,
        "question" => FactorKind.Question,
        _ => FactorKind.Unsupported,
    };

    /// <summary>saml2aws-style key, "google token:software:totp".</summary>
    public string Key => DuoMethod is { } method ? $"duo {method.Word()}" : $"{Provider} {FactorType}".ToLowerInvariant();

    public bool Matches(string preferred)
    {
        var wanted = string.Join(' ', preferred.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return wanted == Key || wanted == FactorType;
    }

    public string Description
    {
        get
        {
            if (DuoMethod is { } method)
            {
                return method.MenuName();
            }

            var profile = Raw.Profile;
            return (FactorType, Provider) switch
            {
                ("token:software:totp", "GOOGLE") => "Google Authenticator (TOTP)",
                ("token:software:totp", "OKTA") => "Okta Verify code (TOTP)",
                ("token:software:totp", _) => $"{ProviderName} authenticator (TOTP)",
                ("token:hardware", _) => "YubiKey OTP",
                ("token:hotp", _) => $"{ProviderName} HOTP token",
                ("token", "RSA") => "RSA SecurID",
                ("token", "SYMANTEC") => "Symantec VIP",
                ("token", _) => $"{ProviderName} token",
                ("push", _) => profile?.Name is { Length: > 0 } device ? $"Okta Verify push ({device})" : "Okta Verify push",
                ("sms", _) => $"SMS to {profile?.PhoneNumber ?? "your phone"}",
                ("call", _) => $"Voice call to {profile?.PhoneNumber ?? "your phone"}",
                ("email", _) => $"Email to {profile?.Email ?? "your address"}",
                ("question", _) => "Security question",
                ("web", "DUO") or ("claims_provider", _) => $"Duo ({FactorType})",
                ("webauthn", _) => "WebAuthn / security key",
                ("u2f", _) => "U2F security key",
                ("signed_nonce", _) => "Okta FastPass",
                _ => $"{ProviderName} {FactorType}",
            };
        }
    }

    /// <summary>The word the original used in "Enter your {PROVIDER} code here".</summary>
    public string ProviderName => Provider.Length == 0 ? "MFA" : Provider;

    public string ChannelName => FactorType switch
    {
        "sms" => "SMS",
        "call" => "voice call",
        "email" => "email",
        _ => FactorType,
    };
}
