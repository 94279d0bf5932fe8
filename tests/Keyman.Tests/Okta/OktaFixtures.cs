using System.Net;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta;

/// <summary>Okta Classic JSON bodies shaped like the real API (see reference/protocols.md §1-2), and a wired-up client.</summary>
internal static class OktaFixtures
{
    internal static string F(string template, params object?[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            template = template.Replace($"@@{i}@@", args[i]?.ToString(), StringComparison.Ordinal);
        }

        return template;
    }

    public const string Base = "https://acme.okta.com";
    public const string Username = "jane.doe@acme.com";
    public const string Password = "Pa55-w0rd!secret";
    public const string StateToken = "00stateTOKENsecret-abc";
    public const string SessionToken = "20111sessionTOKENsecretXYZ";
    public const string SessionId = "102sidSECRETvalue9876";

    public static string VerifyPath(string factorId) => $"/api/v1/authn/factors/{factorId}/verify";

    public static string Factor(string id, string factorType, string provider, string profile = "{}") =>
        F("""{"id":"@@0@@","factorType":"@@1@@","provider":"@@2@@","vendorName":"@@3@@","profile":@@4@@,"_links":{"verify":{"href":"@@5@@@@6@@","hints":{"allow":["POST"]}}}}""", id, factorType, provider, provider, profile, Base, VerifyPath(id));

    public static readonly string GoogleTotp = Factor("uftgoogle123", "token:software:totp", "GOOGLE", F("""{"credentialId":"@@0@@"}""", Username));
    public static readonly string OktaTotp = Factor("ostfm3hPNYSOIOIVTQWY", "token:software:totp", "OKTA", F("""{"credentialId":"@@0@@"}""", Username));
    public static readonly string Push = Factor("opfpush123", "push", "OKTA", F("""{"credentialId":"@@0@@","deviceType":"SmartPhone_Android","name":"Pixel 7","platform":"ANDROID","version":"14"}""", Username));
    public static readonly string Sms = Factor("smsfactor123", "sms", "OKTA", """{"phoneNumber":"+1 XXX-XXX-1337"}""");
    public static readonly string Call = Factor("clfcall123", "call", "OKTA", """{"phoneNumber":"+1 XXX-XXX-4242"}""");
    public static readonly string Email = Factor("emfemail123", "email", "OKTA", """{"email":"j...e@acme.com"}""");
    public static readonly string Question = Factor("ufsquestion1", "question", "OKTA", """{"question":"favorite_sports_player","questionText":"What is your favorite sports player?"}""");
    public static readonly string Yubikey = Factor("ykfyubi123", "token:hardware", "YUBICO", """{"credentialId":"cccccceukngdfg"}""");
    public static readonly string Rsa = Factor("rsafrsa123", "token", "RSA", F("""{"credentialId":"@@0@@"}""", Username));
    public static readonly string Symantec = Factor("ufvsym123", "token", "SYMANTEC", """{"credentialId":"VSMT14393584"}""");
    public static readonly string Hotp = Factor("chfhotp123", "token:hotp", "CUSTOM", F("""{"credentialId":"@@0@@"}""", Username));
    public static readonly string DuoWeb = Factor("dsfduo123", "web", "DUO", F("""{"credentialId":"@@0@@"}""", Username));
    public static readonly string WebAuthn = Factor("fwfwebauthn1", "webauthn", "FIDO", """{"credentialId":"abc","authenticatorName":"MacBook Touch ID"}""");

    public const string User = """{"id":"00ub0oNGTSWTBKOLGLNR","passwordChanged":"2025-01-01T00:00:00.000Z","profile":{"login":"jane.doe@acme.com","firstName":"Jane","lastName":"Doe","locale":"en_US","timeZone":"America/Los_Angeles"}}""";

    public static string MfaRequired(params string[] factors) =>
        F("""{"stateToken":"@@0@@","expiresAt":"2026-01-15T10:05:00.000Z","status":"MFA_REQUIRED","_embedded":{"user":@@1@@,"factors":[@@2@@]},"_links":{"cancel":{"href":"@@3@@/api/v1/authn/cancel","hints":{"allow":["POST"]}}}}""", StateToken, User, string.Join(",", factors), Base);

    public static string Success(string sessionToken = SessionToken) =>
        F("""{"expiresAt":"2026-01-15T10:05:00.000Z","status":"SUCCESS","sessionToken":"@@0@@","_embedded":{"user":@@1@@}}""", sessionToken, User);

    public static string Status(string status, string links = "{}") =>
        F("""{"stateToken":"@@0@@","expiresAt":"2026-01-15T10:05:00.000Z","status":"@@1@@","_embedded":{"user":@@2@@},"_links":@@3@@}""", StateToken, status, User, links);

    public static string Error(string code, string summary, string causes = "") =>
        F("""{"errorCode":"@@0@@","errorSummary":"@@1@@","errorLink":"@@2@@","errorId":"oaeuHRrvMnuRga5UzpKIOhKpQ","errorCauses":[@@3@@]}""", code, summary, code, causes);

    public static string Session(string id = SessionId) =>
        F("""{"id":"@@0@@","login":"@@1@@","userId":"00ub0oNGTSWTBKOLGLNR","expiresAt":"2026-01-15T12:00:00.000Z","status":"ACTIVE","lastPasswordVerification":"2026-01-15T10:00:00.000Z","amr":["pwd","mfa"],"idp":{"id":"00o1","type":"OKTA"},"mfaActive":true,"_links":{"refresh":{"href":"@@2@@/api/v1/sessions/me/lifecycle/refresh"}}}""", id, Username, Base);

    /// <summary>MFA_CHALLENGE after a verify/poll call; <paramref name="factor"/> is the singular _embedded.factor object.</summary>
    public static string Challenge(string factorId, string factor, string? factorResult, string nextName = "verify", bool resend = false, int? correctAnswer = null, string stateToken = StateToken)
    {
        if (correctAnswer is not null)
        {
            factor = factor[..^1] + F(""","_embedded":{"challenge":{"correctAnswer":@@0@@}}}""", correctAnswer);
        }

        var result = factorResult is null ? string.Empty : $"\"factorResult\":\"{factorResult}\",";
        var resendLink = resend ? F(""","resend":[{"name":"sms","href":"@@0@@@@1@@/resend","hints":{"allow":["POST"]}}]""", Base, VerifyPath(factorId)) : string.Empty;
        return F("""{"stateToken":"@@0@@","expiresAt":"2026-01-15T10:05:00.000Z","status":"MFA_CHALLENGE",@@1@@"_embedded":{"user":@@2@@,"factor":@@3@@},"_links":{"next":{"name":"@@4@@","href":"@@5@@@@6@@","hints":{"allow":["POST"]}},"cancel":{"href":"@@7@@/api/v1/authn/cancel"}@@8@@}}""", stateToken, result, User, factor, nextName, Base, VerifyPath(factorId), Base, resendLink);
    }

    public static string SamlPage(string base64WithEntities, string action = "https://signin.aws.amazon.com/saml") =>
        F("""
        <!DOCTYPE html>
        <html lang="en"><head><title>Signing in...</title></head>
        <body id="app" class="enduser-app">
        <form id="appForm" action="@@0@@" method="POST">
          <input name="SAMLResponse" type="hidden" value="@@1@@"/>
          <input name="RelayState" type="hidden" value=""/>
        </form>
        <script>document.getElementById('appForm').submit();</script>
        </body></html>
        """, action, base64WithEntities);
}

/// <summary>Handler, log, prompts, clock and the objects under test, wired together.</summary>
internal sealed class OktaHarness : IDisposable
{
    public OktaHarness(MfaOptions? mfa = null, OktaClientOptions? options = null, TimeProvider? time = null, params string[] answers)
    {
        Interaction = new ScriptedInteraction(answers);
        Time = time ?? new InstantTimeProvider();
        Client = new OktaClient(new Uri(OktaFixtures.Base), new HttpPipeline(transport: Handler), Log, Time, options ?? new OktaClientOptions { ProductVersion = "1.2.3", Jitter = () => 1 });
        Authenticator = new OktaAuthenticator(Client, Interaction, Log, Time, mfa ?? new MfaOptions());
    }

    public TestHttpMessageHandler Handler { get; } = new();

    public RecordingLog Log { get; } = new();

    public ScriptedInteraction Interaction { get; }

    public TimeProvider Time { get; }

    public List<TimeSpan> Delays => ((InstantTimeProvider)Time).Delays;

    public OktaClient Client { get; }

    public OktaAuthenticator Authenticator { get; }

    /// <summary>Primary auth answers MFA_REQUIRED with these factors.</summary>
    public OktaHarness MfaRequired(params string[] factors)
    {
        Handler.OnJson(HttpMethod.Post, "/api/v1/authn", OktaFixtures.MfaRequired(factors));
        return this;
    }

    public OktaHarness SessionCreated()
    {
        Handler.OnJson(HttpMethod.Post, "/api/v1/sessions", OktaFixtures.Session());
        return this;
    }

    public Task<Keyman.Core.Okta.OktaSession> LoginAsync() =>
        Authenticator.LoginAsync(OktaFixtures.Username, OktaFixtures.Password, CancellationToken.None);

    public void Dispose()
    {
        Client.Dispose();
        Handler.Dispose();
    }
}

internal static class HttpStatus
{
    public static HttpStatusCode Code(int code) => (HttpStatusCode)code;
}
