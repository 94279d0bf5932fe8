using System.Net;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Okta;

/// <summary>
/// The browser-facing pages: the AWS app link that yields the SAML form, the login and step-up pages,
/// and sessionCookieRedirect. These answer HTML and redirects like the real org does.
/// </summary>
internal static class AppPageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/home/{appName}/{appInstanceId}/{linkId?}", AppLink);
        app.MapGet("/login/login.htm", () => Html(200, "Sign In",
            "<div id=\"signin-container\"><form id=\"form19\" action=\"/login/do-login\" method=\"POST\">"
            + "<input name=\"username\" type=\"text\"/><input name=\"password\" type=\"password\"/></form></div>"));
        app.MapGet("/login/second-factor", SecondFactorPage);
        app.MapGet("/login/sessionCookieRedirect", SessionCookieRedirect);
        app.MapGet("/login/step-up/redirect", StepUpRedirect);
    }

    private static IResult AppLink(HttpContext http, SandboxState state, string appName, string appInstanceId)
    {
        lock (state.Sync)
        {
            var app = state.Scenario.Apps.FirstOrDefault(a => a.AppInstanceId == appInstanceId && a.AppName == appName);
            if (app is null)
            {
                return ErrorPage(404, "404 - Page Not Found", "The page you are looking for can't be found.");
            }

            var session = SessionFromRequest(http, state);
            var fromUri = http.Request.Path.Value ?? "/";
            if (state.Settings.IsIdentityEngine && Idx.SignInPage.Needed(state, app, session))
            {
                // Identity Engine: no session, or one the app's policy asks more of -> the sign-in page with its IDX state.
                return Idx.SignInPage.Show(http, state, app, fromUri, session);
            }

            if (session is null)
            {
                return Results.Redirect("/login/login.htm?fromURI=" + Uri.EscapeDataString(fromUri));
            }

            // Opening an app is user activity: it restarts the session's idle timer, as in a browser.
            session.Touch(state.Now, state.Settings);
            var login = session.User.Definition.Login;
            if (!app.IsAssignedTo(login))
            {
                return ErrorPage(403, "403 - Forbidden", "You do not have permission to access this app.");
            }

            if (app.StepUp && !session.SteppedUpApps.Contains(app.AppInstanceId))
            {
                return Results.Redirect("/login/second-factor?fromURI=" + Uri.EscapeDataString(fromUri));
            }

            if (app.AppName != "amazon_aws")
            {
                // e.g. IAM Identity Center: not a SAML-to-STS app; clients are expected to skip it.
                return Html(200, app.Label, "<div id=\"app-launch\">Redirecting to AWS IAM Identity Center...</div>");
            }

            if (state.Faults.MalformedAppPage)
            {
                return Html(200, "Signing in...", "<form id=\"appForm\" method=\"POST\"><input name=\"RelayState\" type=\"hidden\" value=\"\"/></form>");
            }

            return SamlFormPage(state, app, session.User);
        }
    }

    /// <summary>The auto-submit SAML form of an AWS app (also answered by /login/token/sso). Caller holds the lock.</summary>
    internal static IResult SamlFormPage(SandboxState state, ScenarioApp app, UserRuntime user)
    {
        var samlResponse = SamlResponseBuilder.Issue(state, app, user);
        return Html(200, "Signing in...",
            $"<form id=\"appForm\" action=\"{WebUtility.HtmlEncode(app.AcsUrl)}\" method=\"POST\">"
            + $"<input name=\"SAMLResponse\" type=\"hidden\" value=\"{OktaEntityEncode(samlResponse)}\"/>"
            + "<input name=\"RelayState\" type=\"hidden\" value=\"\"/></form>",
            bodyAttributes: " onload=\"document.forms[0].submit()\"");
    }

    /// <summary>
    /// The session for an app-link request: a one-time ?onetimetoken= / ?sessionToken= (which then sets the
    /// sid cookie), else the sid cookie. Caller holds the lock.
    /// </summary>
    private static OktaSession? SessionFromRequest(HttpContext http, SandboxState state)
    {
        var token = http.Request.Query["onetimetoken"].FirstOrDefault() ?? http.Request.Query["sessionToken"].FirstOrDefault();
        if (token is not null)
        {
            var grant = SessionEndpoints.RedeemSessionToken(state, token);
            if (grant is not null)
            {
                var session = SessionEndpoints.StartSession(state, grant);
                SetSidCookie(http, session);
                return session;
            }

            // A spent or bad token doesn't end an existing browser session; the cookie still counts.
        }

        return SessionEndpoints.CurrentSession(http, state);
    }

    /// <summary>App-level step-up: starts a transaction bound to the session and shows its stateToken the way Okta's page does.</summary>
    private static IResult SecondFactorPage(HttpContext http, SandboxState state)
    {
        var fromUri = http.Request.Query["fromURI"].FirstOrDefault() ?? "/";
        lock (state.Sync)
        {
            var session = SessionEndpoints.CurrentSession(http, state);
            if (session is null)
            {
                return Results.Redirect("/login/login.htm?fromURI=" + Uri.EscapeDataString(fromUri));
            }

            var segments = fromUri.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var app = segments.Length >= 3 && segments[0] == "home"
                ? state.Scenario.Apps.FirstOrDefault(a => a.AppInstanceId == segments[2])
                : null;
            if (app is null)
            {
                return ErrorPage(404, "404 - Page Not Found", "The page you are looking for can't be found.");
            }

            var tx = AuthnEndpoints.NewTransaction(state, session.User, "MFA_REQUIRED",
                TransactionKind.AppStepUp, session.Id, app.AppInstanceId, fromUri);

            // Okta's page escapes '-' in JS string literals as \x2D; clients must undo it.
            var escaped = tx.StateToken.Replace("-", "\\x2D", StringComparison.Ordinal);
            return Html(200, "Extra Verification",
                "<div id=\"okta-sign-in\" class=\"auth-container main-container\"></div>\n"
                + "<script type=\"text/javascript\">\n"
                + "var baseUrl = '" + OktaJson.OrgUrl(http.Request).Replace("-", "\\x2D", StringComparison.Ordinal) + "';\n"
                + "var stateToken = '" + escaped + "';\n"
                + "var fromUri = '" + fromUri.Replace("/", "\\x2F", StringComparison.Ordinal).Replace("-", "\\x2D", StringComparison.Ordinal) + "';\n"
                + "</script>");
        }
    }

    /// <summary>
    /// Where a SESSION_STEP_UP success sends the browser: the step-up now counts for the session it was started from
    /// (the sid cookie), and the browser goes back to the app. Without that session, or with a spent or unfinished
    /// transaction, it is the sign-in page.
    /// </summary>
    private static IResult StepUpRedirect(HttpContext http, SandboxState state)
    {
        lock (state.Sync)
        {
            var tx = AuthnEndpoints.FinishedStepUp(state, http.Request.Query["stateToken"].FirstOrDefault());
            var session = SessionEndpoints.CurrentSession(http, state);
            if (tx is null || session is null || session.Id != tx.BoundSessionId)
            {
                return Results.Redirect("/login/login.htm");
            }

            state.Transactions.Remove(tx.StateToken);
            session.SteppedUpApps.Add(tx.StepUpAppInstanceId!);
            session.LastFactorVerification = state.Now;
            session.Touch(state.Now, state.Settings);
            return Results.Redirect(tx.FromUri ?? "/");
        }
    }

    private static IResult SessionCookieRedirect(HttpContext http, SandboxState state)
    {
        var redirectUrl = http.Request.Query["redirectUrl"].FirstOrDefault() ?? "/";
        if (!IsOwnOrigin(http, redirectUrl))
        {
            // Okta redirects only to Trusted Origins (Security > API > Trusted Origins); the sandbox org trusts none
            // but itself. The token is left unspent.
            return ErrorPage(403, "403 - Forbidden", "The redirect URL is not a trusted origin of this organization.");
        }

        lock (state.Sync)
        {
            var grant = SessionEndpoints.RedeemSessionToken(state, http.Request.Query["token"].FirstOrDefault());
            if (grant is null)
            {
                return Results.Redirect("/login/login.htm?fromURI=" + Uri.EscapeDataString(redirectUrl));
            }

            SetSidCookie(http, SessionEndpoints.StartSession(state, grant));
            return Results.Redirect(redirectUrl);
        }
    }

    /// <summary>A path on this org, or an absolute URL with the org's own scheme, host and port.</summary>
    private static bool IsOwnOrigin(HttpContext http, string url)
    {
        if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal))
        {
            return true;
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var target)
            && string.Equals(target.GetLeftPart(UriPartial.Authority), OktaJson.OrgUrl(http.Request), StringComparison.OrdinalIgnoreCase);
    }

    internal static void SetSidCookie(HttpContext http, OktaSession session) =>
        http.Response.Cookies.Append("sid", session.Id, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.None, Secure = http.Request.IsHttps });

    /// <summary>Okta HTML-encodes '+' and '=' in the SAMLResponse value as hex entities.</summary>
    private static string OktaEntityEncode(string base64) =>
        base64.Replace("+", "&#x2b;", StringComparison.Ordinal).Replace("=", "&#x3d;", StringComparison.Ordinal);

    internal static IResult ErrorPage(int status, string heading, string detail) =>
        Html(status, heading, $"<div class=\"error-content\"><h1>{WebUtility.HtmlEncode(heading)}</h1><p>{WebUtility.HtmlEncode(detail)}</p></div>");

    internal static IResult Html(int status, string title, string body, string bodyAttributes = "") =>
        Results.Content(
            $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>{WebUtility.HtmlEncode(title)}</title></head>\n"
            + $"<body{bodyAttributes}>\n{body}\n</body></html>\n",
            "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
