using System.Globalization;
using System.Text.Json;
using Keyman.Core.Okta.Duo;

namespace Keyman.Core.Okta.Idx;

/// <summary>
/// One way to answer an IDX authenticator menu (an option of <c>select-authenticator-authenticate</c>, one per method),
/// seen as the Classic factor it corresponds to, so that <c>--factor</c>, the menu rows and the prompts keep Classic's
/// names: Okta Verify push is "OKTA push", Google Authenticator "GOOGLE token:software:totp", phone SMS "sms"...
/// </summary>
internal sealed class IdxChoice
{
    private IdxChoice(string label, IReadOnlyList<IdxField> optionFields, string? methodType, IdxAuthenticator? authenticator, DuoMethod? duo = null)
    {
        Label = label;
        OptionFields = optionFields;
        MethodType = methodType;
        Authenticator = authenticator;
        Factor = new MfaFactor(ToClassic(authenticator?.Key, methodType, authenticator?.Profile), duo);
    }

    /// <summary>The Duo Security authenticator's key (authenticator-verification-duo.json).</summary>
    public const string DuoKey = "duo";

    public string Label { get; }

    /// <summary>The option's sub-form (id, methodType, enrollmentId), sent as the "authenticator" value.</summary>
    public IReadOnlyList<IdxField> OptionFields { get; }

    public string? MethodType { get; }

    public IdxAuthenticator? Authenticator { get; }

    public MfaFactor Factor { get; }

    public bool IsPassword => Authenticator?.Key == "okta_password" || MethodType == "password";

    /// <summary>FastPass, security keys, identity providers: only a browser can answer them.</summary>
    public bool NeedsBrowser => Factor.FactorType is "signed_nonce" or "webauthn" or "u2f" or "idp" or "web";

    /// <summary>Every choice of a menu form: an option with a methodType list gives one choice per method.</summary>
    public static List<IdxChoice> From(IdxResponse response, IdxForm form)
    {
        var choices = new List<IdxChoice>();
        foreach (var option in form.Field("authenticator")?.Options ?? [])
        {
            if (option.Value is not { ValueKind: JsonValueKind.Object } value
                || value.Deserialize(IdxJsonContext.Default.IdxOptionForm)?.Form?.Value is not { } fields)
            {
                continue;
            }

            var authenticator = Related(response, option.RelatesTo);
            var methodField = fields.FirstOrDefault(f => f.Name == "methodType");
            var label = option.Label ?? authenticator?.DisplayName ?? "authenticator";
            if (authenticator?.Key == DuoKey)
            {
                // Duo is one authenticator to Okta; the terminal offers Duo's own methods, as on Classic.
                var duoMethod = methodField?.Value is { ValueKind: JsonValueKind.String } m ? m.GetString() : null;
                choices.AddRange(DuoMethods.All.Select(d => new IdxChoice(label, fields, duoMethod, authenticator, d)));
            }
            else if (methodField?.Value is { ValueKind: JsonValueKind.String } fixedMethod)
            {
                choices.Add(new IdxChoice(label, fields, fixedMethod.GetString(), authenticator));
            }
            else if (methodField?.Options is { Count: > 0 } methods)
            {
                choices.AddRange(methods.Select(m => new IdxChoice(label, fields, m.Value?.ValueKind == JsonValueKind.String ? m.Value.Value.GetString() : null, authenticator)));
            }
            else
            {
                var methodsOfAuthenticator = authenticator?.Methods?.Select(m => m.Type ?? m.MethodType).OfType<string>().ToList() ?? [];
                choices.Add(new IdxChoice(label, fields, methodsOfAuthenticator.Count == 1 ? methodsOfAuthenticator[0] : null, authenticator));
            }
        }

        return choices;
    }

    /// <summary>The factor being challenged when Okta went straight to the answer form (one authenticator, no menu).</summary>
    public static MfaFactor ForCurrent(IdxAuthenticator current) =>
        FactorFor(current.Key, current.Methods?.Select(m => m.Type ?? m.MethodType).FirstOrDefault(t => t is not null), current.Profile);

    /// <summary>The factor an authenticator's method stands for, in Classic's naming.</summary>
    public static MfaFactor FactorFor(string? key, string? method, IdxAuthenticatorProfile? profile) => new(ToClassic(key, method, profile));

    /// <summary>A method picked for the authenticator being challenged (authenticator-verification-data).</summary>
    public static IdxChoice ForMethod(IdxAuthenticator? current, string method) =>
        new(current?.DisplayName ?? "authenticator", [], method, current);

    /// <summary>The value of the "authenticator" field: the option's form with the chosen method.</summary>
    public Dictionary<string, object?> FormValues()
    {
        var values = new Dictionary<string, object?>();
        if (MethodType is not null && OptionFields.Any(f => f.Name == "methodType"))
        {
            values["methodType"] = MethodType;
        }

        return values;
    }

    private static IdxAuthenticator? Related(IdxResponse response, string? relatesTo)
    {
        // "$.authenticatorEnrollments.value[3]" or "$.authenticators.value[0]"
        if (relatesTo is null)
        {
            return null;
        }

        var open = relatesTo.LastIndexOf('[');
        var close = relatesTo.LastIndexOf(']');
        if (open < 0 || close <= open
            || !int.TryParse(relatesTo.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return null;
        }

        var list = relatesTo.StartsWith("$.authenticatorEnrollments", StringComparison.Ordinal) ? response.AuthenticatorEnrollments?.Value
            : relatesTo.StartsWith("$.authenticators", StringComparison.Ordinal) ? response.Authenticators?.Value
            : null;
        return list is not null && index < list.Count ? list[index] : null;
    }

    /// <summary>IDX authenticator key + method as the Classic factorType + provider that <see cref="MfaFactor"/> knows.</summary>
    private static OktaFactor ToClassic(string? key, string? method, IdxAuthenticatorProfile? profile)
    {
        var (type, provider) = (key, method) switch
        {
            ("okta_password", _) or (_, "password") => ("password", "OKTA"),
            ("okta_verify", "push") => ("push", "OKTA"),
            ("okta_verify", "totp" or "otp") => ("token:software:totp", "OKTA"),
            ("okta_verify", _) => ("signed_nonce", "OKTA"),
            ("google_otp", _) => ("token:software:totp", "GOOGLE"),
            ("phone_number", "voice") => ("call", "OKTA"),
            ("phone_number", _) => ("sms", "OKTA"),
            ("okta_email", _) => ("email", "OKTA"),
            ("security_question", _) => ("question", "OKTA"),
            ("webauthn", _) => ("webauthn", "FIDO"),
            ("yubikey_token", _) => ("token:hardware", "YUBICO"),
            ("rsa_token", _) => ("token", "RSA"),
            ("symantec_vip", _) => ("token", "SYMANTEC"),
            ("onprem_mfa" or "custom_otp", _) => ("token", "CUSTOM"),
            (DuoKey, _) => ("claims_provider", "DUO"),
            ("external_idp", _) or (_, "idp") => ("idp", (key ?? "IDP").ToUpperInvariant()),
            ("custom_app", _) => ("push", "CUSTOM"),
            _ => (method ?? key ?? "unknown", (key ?? string.Empty).ToUpperInvariant()),
        };
        return new OktaFactor
        {
            FactorType = type,
            Provider = provider,
            VendorName = key == DuoKey ? "Duo Security" : null,
            Profile = new OktaFactorProfile
            {
                PhoneNumber = profile?.PhoneNumber,
                Email = profile?.Email,
                Name = profile?.DeviceName,
                QuestionText = profile?.Question,
            },
        };
    }
}
