using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;
using Keyman.Sandbox.Scenario;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;

namespace Keyman.Sandbox.Duo;

/// <summary>
/// Okta Classic's side of the Duo Universal Prompt factor (factorType claims_provider, provider CUSTOM, vendorName
/// "Duo Universal Prompt"): verify answers MFA_CHALLENGE with a GET <c>next</c> link to /sso/idps/{idpId}?stateToken, which
/// redirects to Duo's /oauth/v1/authorize with a signed <c>request</c> JWT; Duo returns to /oauth2/v1/authorize/callback,
/// which finishes the transaction with a <c>sid</c> cookie (no sessionToken), or, for an app's step-up, sends the browser
/// to the step-up redirect back to the app. Shapes: okta-signin-widget
/// MFA_CHALLENGE_ClaimsProvider, gimme-aws-creds okta_classic.py and duo_universal.py.
/// </summary>
internal static class DuoOktaSide
{
    public const string VendorName = "Duo Universal Prompt";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/sso/idps/{idpId}", Redirect);
        app.MapGet("/oauth2/v1/authorize/callback", Callback);
    }

    /// <summary>POST .../verify of the Duo factor: MFA_CHALLENGE pointing the browser at the IdP redirect. Caller holds the lock.</summary>
    public static IResult Challenge(string org, AuthnTransaction tx, ScenarioFactor factor)
    {
        tx.Status = "MFA_CHALLENGE";
        tx.ChallengedFactorId = factor.Id;
        tx.FactorResult = "CHALLENGE";
        return OktaJson.Json(new JsonObject
        {
            ["stateToken"] = tx.StateToken,
            ["expiresAt"] = OktaJson.Time(tx.ExpiresAt),
            ["status"] = "MFA_CHALLENGE",
            ["factorResult"] = "CHALLENGE",
            ["_embedded"] = new JsonObject
            {
                ["user"] = OktaJson.User(tx.User.Definition),
                ["factor"] = new JsonObject
                {
                    ["id"] = factor.Id,
                    ["factorType"] = factor.FactorType,
                    ["provider"] = factor.Provider,
                    ["vendorName"] = factor.VendorName ?? VendorName,
                    ["profile"] = OktaJson.FactorProfile(factor),
                },
            },
            ["_links"] = new JsonObject
            {
                ["next"] = new JsonObject
                {
                    ["name"] = "redirect",
                    ["href"] = $"{org}/sso/idps/{IdpId(factor)}?stateToken={Uri.EscapeDataString(tx.StateToken)}",
                    ["hints"] = new JsonObject { ["allow"] = new JsonArray("GET") },
                },
                ["prev"] = OktaJson.Link($"{org}/api/v1/authn/previous", "prev"),
                ["cancel"] = OktaJson.Cancel(org),
            },
        });
    }

    /// <summary>The Duo IdP's id in Okta: the factor's profile names it, else the factor id stands in.</summary>
    private static string IdpId(ScenarioFactor factor) => factor.Profile.GetValueOrDefault("idpId") ?? factor.Id;

    private static IResult Redirect(HttpContext http, SandboxState state, string idpId)
    {
        var org = OktaJson.OrgUrl(http.Request);
        lock (state.Sync)
        {
            var stateToken = http.Request.Query["stateToken"].ToString();
            if (!state.Transactions.TryGetValue(stateToken, out var tx) || tx.Completed || tx.ExpiresAt <= state.Now || tx.Status != "MFA_CHALLENGE")
            {
                return Results.Content("<html><head><title>Session expired</title></head><body>Your session has expired.</body></html>", "text/html", statusCode: 403);
            }

            var factor = tx.User.Definition.Factors.FirstOrDefault(f => f.Id == tx.ChallengedFactorId);
            if (factor?.Duo is null || IdpId(factor) != idpId)
            {
                return OktaJson.NotFound($"{idpId} (IdentityProvider)");
            }

            var duoState = DuoState.Of(state);
            var flow = new DuoFlow { OktaState = RandomTokens.Alphanumeric(32), StateToken = tx.StateToken, User = tx.User, Duo = factor.Duo };
            duoState.ByOktaState[flow.OktaState] = flow;
            duoState.BySid[flow.Sid] = flow;
            var request = Jwt(duoState.ClientSecret, new JsonObject
            {
                ["response_type"] = "code",
                ["scope"] = "openid",
                ["exp"] = state.Now.AddMinutes(5).ToUnixTimeSeconds(),
                ["client_id"] = ClientId,
                ["redirect_uri"] = $"{org}/oauth2/v1/authorize/callback",
                ["state"] = flow.OktaState,
                ["duo_uname"] = tx.User.Definition.Login,
                ["iss"] = ClientId,
                ["aud"] = org,
            });
            // The Duo host comes from Okta's Duo integration; in the sandbox Duo is served by the same server.
            return Results.Redirect($"{org}/oauth/v1/authorize?response_type=code&client_id={ClientId}&scope=openid" +
                $"&redirect_uri={Uri.EscapeDataString($"{org}/oauth2/v1/authorize/callback")}&request={request}");
        }
    }

    public const string ClientId = "DIXXXXXXXXXXXXXXXXXX";

    /// <summary>An HS512 JWT, as duo_universal's client builds the authorize request.</summary>
    internal static string Jwt(byte[] secret, JsonObject payload)
    {
        var head = Base64Url("""{"alg":"HS512","typ":"JWT"}"""u8.ToArray());
        var body = Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = Base64Url(HMACSHA512.HashData(secret, Encoding.ASCII.GetBytes(head + "." + body)));
        return $"{head}.{body}.{signature}";
    }

    /// <summary>The payload of a JWT signed with the secret, or null.</summary>
    internal static JsonObject? ReadJwt(byte[] secret, string? jwt)
    {
        var parts = (jwt ?? string.Empty).Split('.');
        if (parts.Length != 3 || Base64Url(HMACSHA512.HashData(secret, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]))) != parts[2])
        {
            return null;
        }

        var padded = parts[1].Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        return JsonNode.Parse(Convert.FromBase64String(padded)) as JsonObject;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Duo's return to Okta: the code finishes the transaction and Okta sets the session cookie.</summary>
    private static IResult Callback(HttpContext http, SandboxState state)
    {
        var org = OktaJson.OrgUrl(http.Request);
        lock (state.Sync)
        {
            var duoState = DuoState.Of(state);
            var oktaState = http.Request.Query["state"].ToString();
            var code = http.Request.Query["code"].ToString();
            if (!duoState.ByOktaState.TryGetValue(oktaState, out var flow) || flow.Code is null || flow.Code != code)
            {
                return Results.Content("<html><head><title>Error</title></head><body>Invalid state or code.</body></html>", "text/html", statusCode: 400);
            }

            duoState.ByOktaState.Remove(oktaState);
            duoState.BySid.Remove(flow.Sid);
            if (!state.Transactions.TryGetValue(flow.StateToken, out var tx) || tx.Completed || tx.ExpiresAt <= state.Now)
            {
                return Results.Content("<html><head><title>Session expired</title></head><body>Your session has expired.</body></html>", "text/html", statusCode: 403);
            }

            flow.User.FailedAttempts = 0;
            if (tx.Kind == TransactionKind.AppStepUp)
            {
                // An app's step-up ends as a SESSION_STEP_UP success does: the step-up redirect counts it for the
                // session it was started from (the browser's sid) and returns to the app.
                tx.Status = "SUCCESS";
                tx.ChallengedFactorId = null;
                return Results.Redirect($"{org}/login/step-up/redirect?stateToken={Uri.EscapeDataString(tx.StateToken)}");
            }

            tx.Status = "SUCCESS";
            tx.Completed = true;
            state.Transactions.Remove(tx.StateToken);
            var session = SessionEndpoints.StartSession(state, new SessionTokenGrant
            {
                Token = RandomTokens.SessionToken(),
                User = flow.User,
                ExpiresAt = state.Now.AddMinutes(5),
                MfaVerified = true,
            });
            http.Response.Cookies.Append("sid", session.Id, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.None, Secure = http.Request.IsHttps });
            return Results.Redirect($"{org}/app/UserHome");
        }
    }
}
