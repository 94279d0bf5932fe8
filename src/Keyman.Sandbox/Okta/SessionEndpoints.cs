using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;

namespace Keyman.Sandbox.Okta;

/// <summary>The Sessions API (sessionToken -> sid) and the app list of the signed-in user.</summary>
internal static class SessionEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/sessions", CreateSession);
        // Reading the session is not activity: only refresh (and opening apps) moves the idle expiry.
        app.MapGet("/api/v1/sessions/me", (HttpContext http, SandboxState state) => WithSession(http, state, s => s));
        app.MapPost("/api/v1/sessions/me/lifecycle/refresh", (HttpContext http, SandboxState state) => WithSession(http, state, s =>
        {
            s.Touch(state.Now, state.Settings);
            return s;
        }));
        app.MapDelete("/api/v1/sessions/me", (HttpContext http, SandboxState state) =>
        {
            lock (state.Sync)
            {
                var session = CurrentSession(http, state);
                if (session is null)
                {
                    return OktaJson.NotFound("me (Session)");
                }

                session.Ended = true;
                state.Sessions.Remove(session.Id);
                return Results.NoContent();
            }
        });
        app.MapGet("/api/v1/users/me/appLinks", AppLinks);
    }

    private static async Task<IResult> CreateSession(HttpContext http, SandboxState state)
    {
        var body = await OktaJson.ReadBodyAsync(http.Request);
        if (body is null)
        {
            return OktaJson.MalformedBody();
        }

        lock (state.Sync)
        {
            var grant = RedeemSessionToken(state, OktaJson.String(body, "sessionToken"));
            if (grant is null)
            {
                return OktaJson.AuthenticationFailed();
            }

            var session = StartSession(state, grant);
            return OktaJson.Json(SessionJson(OktaJson.OrgUrl(http.Request), session));
        }
    }

    private static IResult WithSession(HttpContext http, SandboxState state, Func<OktaSession, OktaSession> action)
    {
        lock (state.Sync)
        {
            var session = CurrentSession(http, state);
            return session is null
                ? OktaJson.NotFound("me (Session)")
                : OktaJson.Json(SessionJson(OktaJson.OrgUrl(http.Request), action(session)));
        }
    }

    private static IResult AppLinks(HttpContext http, SandboxState state)
    {
        lock (state.Sync)
        {
            var session = CurrentSession(http, state);
            if (session is null)
            {
                return OktaJson.InvalidSession();
            }

            var org = OktaJson.OrgUrl(http.Request);
            var links = new JsonArray();
            foreach (var app in state.Scenario.Apps.Where(a => a.IsAssignedTo(session.User.Definition.Login)).OrderBy(a => a.SortOrder))
            {
                links.Add(new JsonObject
                {
                    ["id"] = "0ua" + app.AppInstanceId[3..] + "L",
                    ["label"] = app.Label,
                    ["linkUrl"] = $"{org}/home/{app.AppName}/{app.AppInstanceId}/{app.LinkId}",
                    ["logoUrl"] = $"{org}/assets/img/logos/{app.AppName}.png",
                    ["appName"] = app.AppName,
                    ["appInstanceId"] = app.AppInstanceId,
                    ["appAssignmentId"] = "0ua" + app.AppInstanceId[3..] + "A",
                    ["credentialsSetup"] = false,
                    ["hidden"] = app.Hidden,
                    ["sortOrder"] = app.SortOrder,
                });
            }

            return OktaJson.Json(links);
        }
    }

    /// <summary>The session named by the sid cookie, if it exists and hasn't expired. Caller holds the lock.</summary>
    internal static OktaSession? CurrentSession(HttpContext http, SandboxState state)
    {
        var sid = http.Request.Cookies["sid"];
        return sid is null ? null : FindSession(state, sid);
    }

    internal static OktaSession? FindSession(SandboxState state, string sid)
    {
        if (!state.Sessions.TryGetValue(sid, out var session))
        {
            return null;
        }

        if (session.Ended || session.ExpiresAt <= state.Now)
        {
            state.Sessions.Remove(sid);
            return null;
        }

        return session;
    }

    /// <summary>sessionTokens are one-time and short-lived. Caller holds the lock.</summary>
    internal static SessionTokenGrant? RedeemSessionToken(SandboxState state, string? token)
    {
        if (token is null || !state.SessionTokens.TryGetValue(token, out var grant))
        {
            return null;
        }

        state.SessionTokens.Remove(token);
        return grant.Used || grant.ExpiresAt <= state.Now ? null : grant;
    }

    /// <summary>A new session for a redeemed token (a step-up ends in a redirect for the existing session, not in a token).</summary>
    internal static OktaSession StartSession(SandboxState state, SessionTokenGrant grant)
    {
        grant.Used = true;
        var now = state.Now;
        var session = new OktaSession
        {
            Id = RandomTokens.SessionId(),
            User = grant.User,
            CreatedAt = now,
            ExpiresAt = now,
            LastPasswordVerification = now,
            LastFactorVerification = grant.MfaVerified ? now : null,
        };
        session.Touch(now, state.Settings);
        state.Sessions[session.Id] = session;
        return session;
    }

    private static JsonObject SessionJson(string org, OktaSession session)
    {
        var mfa = session.LastFactorVerification is not null;
        var amr = new JsonArray("pwd");
        if (mfa)
        {
            amr.Add("mfa");
        }

        var json = new JsonObject
        {
            ["id"] = session.Id,
            ["userId"] = session.User.Definition.Id,
            ["login"] = session.User.Definition.Login,
            ["createdAt"] = OktaJson.Time(session.CreatedAt),
            ["expiresAt"] = OktaJson.Time(session.ExpiresAt),
            ["status"] = "ACTIVE",
            ["lastPasswordVerification"] = OktaJson.Time(session.LastPasswordVerification),
            ["lastFactorVerification"] = session.LastFactorVerification is { } f ? OktaJson.Time(f) : null,
            ["amr"] = amr,
            ["idp"] = new JsonObject { ["id"] = "00o1sandboxOrgIdp001", ["type"] = "OKTA" },
            ["mfaActive"] = session.User.Definition.Factors.Count > 0,
            ["_links"] = new JsonObject
            {
                ["self"] = new JsonObject { ["href"] = $"{org}/api/v1/sessions/me", ["hints"] = new JsonObject { ["allow"] = new JsonArray("GET", "DELETE") } },
                ["refresh"] = new JsonObject { ["href"] = $"{org}/api/v1/sessions/me/lifecycle/refresh", ["hints"] = new JsonObject { ["allow"] = new JsonArray("POST") } },
                ["user"] = new JsonObject { ["name"] = $"{session.User.Definition.FirstName} {session.User.Definition.LastName}", ["href"] = $"{org}/api/v1/users/me" },
            },
        };
        return json;
    }
}
