using System.Text;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Idx;

/// <summary>
/// The hosted Identity Engine sign-in page an app link answers without a (sufficient) session, and the success
/// redirect that turns a finished IDX transaction into the session cookie and back to the app.
/// </summary>
internal static class SignInPage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/login/token/redirect", TokenRedirect);
        app.MapGet("/.well-known/okta-organization", (HttpContext http, SandboxState state) => Organization(http, state));
    }

    /// <summary>Whether the app's policy asks more than the session has. Caller holds the lock.</summary>
    public static bool Needed(SandboxState state, ScenarioApp app, OktaSession? session) =>
        session is null
        || (app.StepUp || app.BrowserOnly is not null) && !session.SteppedUpApps.Contains(app.AppInstanceId);

    /// <summary>
    /// The page embeds the IDX state as the widget's config does: <c>"stateToken":"..."</c> in a JavaScript object whose
    /// strings escape '-' and other punctuation as \xHH. It sets JSESSIONID and DT, which the browser carries on.
    /// </summary>
    public static IResult Show(HttpContext http, SandboxState state, ScenarioApp app, string fromUri, OktaSession? session)
    {
        var store = http.RequestServices.GetRequiredService<IdxStore>();
        var tx = store.Start(state, app, fromUri, session);
        if (session is not null)
        {
            // Step-up: the user is known and signed in; the IDX state asks only for what the app's policy adds.
            IdxEndpoints.MoveOn(state, tx);
        }

        var org = OktaJson.OrgUrl(http.Request);
        var cookie = new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.None };
        http.Response.Cookies.Append("JSESSIONID", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), cookie);
        if (http.Request.Cookies["DT"] is null)
        {
            http.Response.Cookies.Append("DT", "DI1" + RandomTokens.Alphanumeric(22), cookie);
        }

        var script = new StringBuilder()
            .Append("var oktaData = {\"redirectUri\":\"").Append(JsEscape(org + fromUri)).Append("\",")
            .Append("\"isMobileSso\":false,\"signIn\":{")
            .Append("\"baseUrl\":\"").Append(JsEscape(org)).Append("\",")
            .Append("\"logo\":\"").Append(JsEscape(org + "/assets/img/logos/okta-logo.png")).Append("\",")
            .Append("\"stateToken\":\"").Append(JsEscape(tx.StateHandle)).Append("\",")
            .Append("\"features\":{\"router\":true,\"rememberMe\":true},")
            .Append("\"interstitialBeforeLoginRedirect\":\"DEFAULT\",\"useClassicEngine\":false,")
            .Append("\"language\":\"en\"}};");
        return AppPageEndpoints.Html(200, "Sandbox Okta - Sign In",
            "<div id=\"okta-login-container\"></div>\n"
            + "<script type=\"text/javascript\">\n" + script + "\n"
            + "var signIn = new OktaSignIn(oktaData.signIn);\n</script>");
    }

    /// <summary>Okta's page escapes every non-alphanumeric character but '_' and '.' of a JS string as \xHH.</summary>
    public static string JsEscape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ' ')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>success-redirect's href: starts (or steps up) the session, sets sid, and sends the browser back to the app.</summary>
    private static IResult TokenRedirect(HttpContext http, SandboxState state, IdxStore store)
    {
        var token = http.Request.Query["stateToken"].FirstOrDefault();
        lock (state.Sync)
        {
            var tx = store.ByStateHandle.Values.FirstOrDefault(t => t.RedirectToken == token);
            if (tx is null || tx.Step != IdxStep.Success || tx.Redeemed || tx.ExpiresAt <= state.Now)
            {
                return AppPageEndpoints.ErrorPage(403, "403 - Forbidden", "This sign-in link is no longer valid. Go back to the app and sign in again.");
            }

            tx.Redeemed = true;
            store.ByStateHandle.Remove(tx.StateHandle);
            var grant = new SessionTokenGrant
            {
                Token = RandomTokens.SessionToken(),
                User = tx.User!,
                ExpiresAt = state.Now.AddSeconds(state.Settings.SessionTokenLifetimeSeconds),
                MfaVerified = tx.FactorVerified,
                BoundSessionId = tx.BoundSessionId,
                StepUpAppInstanceId = tx.FactorVerified && (tx.App.StepUp || tx.App.BrowserOnly is not null) ? tx.App.AppInstanceId : null,
            };
            var session = SessionEndpoints.StartSession(state, grant);
            if (tx.FactorVerified)
            {
                session.LastFactorVerification = state.Now;
            }

            AppPageEndpoints.SetSidCookie(http, session);
            return Results.Redirect(tx.FromUri);
        }
    }

    /// <summary>
    /// GET /.well-known/okta-organization (okta-aws-cli internal/okta/organization.go: id, pipeline, _links, settings;
    /// gimme-aws-creds reads pipeline): "v1" for Classic, "idx" for the Identity Engine.
    /// </summary>
    private static IResult Organization(HttpContext http, SandboxState state)
    {
        var org = OktaJson.OrgUrl(http.Request);
        return OktaJson.Json(new JsonObject
        {
            ["id"] = state.Settings.OrgId,
            ["cell"] = "sandbox1",
            ["_links"] = new JsonObject
            {
                ["alternate"] = new JsonObject { ["href"] = org },
                ["organization"] = new JsonObject { ["href"] = org },
            },
            ["pipeline"] = state.Settings.IsIdentityEngine ? "idx" : "v1",
            ["settings"] = new JsonObject { ["analyticsCollectionEnabled"] = false, ["bugReportingEnabled"] = true, ["omEnabled"] = false },
        });
    }
}
