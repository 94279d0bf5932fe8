using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using OtpNet;

namespace Keyman.Sandbox.Idx;

/// <summary>
/// A user's authenticator enrollment as the Identity Engine shows it. An org upgraded from Classic keeps its factor
/// enrollments, so the scenario's factors are grouped into authenticators: Okta Verify (push, OKTA totp), Google
/// Authenticator, Phone (sms, voice), Email, Security Question, Security Key, Duo Security (widget mock
/// authenticator-verification-select-authenticator.json lists the same keys and types).
/// </summary>
internal sealed record OieAuthenticator(string Key, string Type, string DisplayName, string Id, string EnrollmentId, IReadOnlyList<string> Methods, IReadOnlyList<ScenarioFactor> Factors)
{
    public const string PasswordId = "aut1pwOktaPassword01";

    /// <summary>Org-wide authenticator ids (aut...), one per key.</summary>
    private static readonly Dictionary<string, string> Ids = new()
    {
        ["okta_verify"] = "aut1ovOktaVerify0001",
        ["google_otp"] = "aut1gaGoogleOtp00001",
        ["phone_number"] = "aut1phPhone000000001",
        ["okta_email"] = "aut1emOktaEmail00001",
        ["security_question"] = "aut1sqSecQuestion001",
        ["webauthn"] = "aut1wnWebauthn000001",
        ["duo"] = "aut1duDuoSecurity001",
    };

    public static OieAuthenticator Password(UserRuntime user) =>
        new("okta_password", "password", "Password", PasswordId, "lae1" + user.Definition.Id[3..], ["password"], []);

    /// <summary>The user's enrollments other than the password, in the order the widget lists them.</summary>
    public static List<OieAuthenticator> For(UserRuntime user)
    {
        var factors = user.Definition.Factors;
        var list = new List<OieAuthenticator>();
        void Add(string key, string type, string name, IEnumerable<(string Method, ScenarioFactor Factor)> methods)
        {
            var m = methods.ToList();
            if (m.Count > 0)
            {
                list.Add(new OieAuthenticator(key, type, name, Ids[key], m[0].Factor.Id, [.. m.Select(x => x.Method).Distinct()], [.. m.Select(x => x.Factor)]));
            }
        }

        Add("okta_verify", "app", "Okta Verify", factors.SelectMany(f => f switch
        {
            { FactorType: "push" } => new[] { ("push", f), ("signed_nonce", f) },
            { FactorType: "token:software:totp", Provider: "OKTA" } => [("totp", f)],
            _ => [],
        }).OrderBy(x => x.Item1 switch { "signed_nonce" => 0, "push" => 1, _ => 2 }));
        Add("google_otp", "app", "Google Authenticator", factors.Where(f => f is { FactorType: "token:software:totp", Provider: "GOOGLE" }).Select(f => ("otp", f)));
        Add("phone_number", "phone", "Phone", factors.Where(f => f.FactorType is "sms" or "call").Select(f => (f.FactorType == "sms" ? "sms" : "voice", f)));
        Add("okta_email", "email", "Email", factors.Where(f => f.FactorType == "email").Select(f => ("email", f)));
        Add("security_question", "security_question", "Security Question", factors.Where(f => f.FactorType == "question").Select(f => ("security_question", f)));
        Add("webauthn", "security_key", "Security Key or Biometric", factors.Where(f => f.FactorType == "webauthn").Select(f => ("webauthn", f)));

        // authenticator-verification-duo.json: Duo Security, type app, key duo, one method "duo".
        Add("duo", "app", "Duo Security", factors.Where(f => f.Duo is not null).Select(f => ("duo", f)));
        return list;
    }

    /// <summary>The authenticator a terminal can use for the method (signed_nonce = FastPass, a loopback to Okta Verify on the device).</summary>
    public ScenarioFactor FactorFor(string method) => method switch
    {
        "push" or "signed_nonce" => Factors.First(f => f.FactorType == "push"),
        "totp" => Factors.First(f => f.FactorType == "token:software:totp"),
        "sms" => Factors.First(f => f.FactorType == "sms"),
        "voice" => Factors.First(f => f.FactorType == "call"),
        _ => Factors[0],
    };

    public string Destination(string method)
    {
        var factor = FactorFor(method);
        return factor.Profile.GetValueOrDefault("phoneNumber") ?? factor.Profile.GetValueOrDefault("email") ?? "";
    }

    /// <summary>RFC 6238 check with ±1 step and replay protection shared with the Classic API (same user runtime).</summary>
    public static TotpResult CheckTotp(SandboxState state, UserRuntime user, ScenarioFactor factor, string passcode)
    {
        if (factor.Secret is null)
        {
            return TotpResult.Wrong;
        }

        var totp = new Totp(Base32Encoding.ToBytes(factor.Secret));
        if (!totp.VerifyTotp(state.Now.UtcDateTime, passcode.Trim(), out var step, new VerificationWindow(previous: 1, future: 1)))
        {
            return TotpResult.Wrong;
        }

        if (user.LastTotpStep.TryGetValue(factor.Id, out var last) && step <= last)
        {
            return TotpResult.Replayed;
        }

        user.LastTotpStep[factor.Id] = step;
        return TotpResult.Ok;
    }
}

internal enum TotpResult
{
    Ok,
    Wrong,
    Replayed,
}
