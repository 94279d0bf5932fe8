using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.OAuth;

/// <summary>
/// The org authorization server as okta-aws-cli's "web" flow uses it (protocols.md §3): device authorization, the
/// device_code grant, the token exchange for a web SSO token, and /login/token/sso answering the app's SAML form.
/// Error codes and descriptions: okta-developer-docs packages/@okta/vuepress-site/data/oauth2-error-codes.json.
/// </summary>
internal static class DeviceAuthorizationEndpoints
{
    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string WebSsoTokenType = "urn:okta:oauth:token-type:web_sso_token";
    private const int AccessTokenSeconds = 3600;
    private const int WebSsoTokenSeconds = 300;

    private static readonly HashSet<string> KnownScopes = ["openid", "profile", "email", "offline_access", "okta.apps.sso", "okta.apps.read", "okta.users.read.self"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/oauth2/v1/device/authorize", Authorize);
        app.MapPost("/oauth2/v1/token", Token);
        app.MapPost("/login/token/sso", WebSso);
        app.MapGet("/login/token/sso", WebSso); // before okta-aws-cli 2.6.0, and gimme-aws-creds: GET ?token=

        // For tests (never called by Keyman): the next N polls of a pending device grant answer slow_down.
        app.MapPost("/_sandbox/device/slow-down", async (HttpContext http, SandboxState state, DeviceGrants grants) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            lock (state.Sync)
            {
                grants.SlowDownPolls = body?["polls"]?.GetValue<int>() ?? 1;
                return OktaJson.Json(new JsonObject { ["polls"] = grants.SlowDownPolls });
            }
        });
    }

    public static IResult Error(int status, string error, string description) =>
        OktaJson.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, status);

    private static async Task<IFormCollection?> FormAsync(HttpRequest request) =>
        request.HasFormContentType ? await request.ReadFormAsync() : null;

    private static string? Value(IFormCollection form, string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    private static ScenarioOidcClient? Client(SandboxState state, string? clientId) =>
        state.Scenario.OidcClients.FirstOrDefault(c => c.ClientId == clientId);

    private static IResult UnauthorizedClient(ScenarioOidcClient client) =>
        Error(400, "unauthorized_client", $"The client is not authorized to use the provided grant type. Configured grant types: [{string.Join(", ", client.GrantTypes)}].");

    /// <summary>Reads the form and the client (public clients send only client_id), then runs the handler under the lock.</summary>
    private static async Task<IResult> WithClient(HttpContext http, SandboxState state, Func<IFormCollection, ScenarioOidcClient, IResult> handler)
    {
        var form = await FormAsync(http.Request);
        if (form is null)
        {
            return Error(400, "invalid_request", "Invalid request");
        }

        lock (state.Sync)
        {
            var client = Client(state, Value(form, "client_id"));
            return client is null ? Error(401, "invalid_client", "Invalid value for 'client_id' parameter.") : handler(form, client);
        }
    }

    private static Task<IResult> Authorize(HttpContext http, SandboxState state, DeviceGrants grants) => WithClient(http, state, (form, client) =>
    {
        if (!client.GrantTypes.Contains(DeviceCodeGrant))
        {
            return UnauthorizedClient(client);
        }

        var scopes = (Value(form, "scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length == 0)
        {
            return Error(400, "invalid_scope", "No scopes were requested.");
        }

        if (scopes.Any(s => !KnownScopes.Contains(s)))
        {
            return Error(400, "invalid_scope", "One or more scopes are not configured for the authorization server resource.");
        }

        var org = OktaJson.OrgUrl(http.Request);
        var grant = new DeviceGrant
        {
            DeviceCode = Guid.NewGuid().ToString(),
            UserCode = DeviceGrants.NewUserCode(),
            Client = client,
            Scopes = scopes,
            ExpiresAt = state.Now.AddSeconds(600),
        };
        grants.ByDeviceCode[grant.DeviceCode] = grant;
        grants.ByUserCode[grant.UserCode] = grant;
        return OktaJson.Json(new JsonObject
        {
            ["device_code"] = grant.DeviceCode,
            ["user_code"] = grant.UserCode,
            ["verification_uri"] = $"{org}/activate",
            ["verification_uri_complete"] = $"{org}/activate?user_code={grant.UserCode}",
            ["expires_in"] = 600,
            ["interval"] = grant.IntervalSeconds,
        });
    });

    private static Task<IResult> Token(HttpContext http, SandboxState state, DeviceGrants grants) => WithClient(http, state, (form, client) =>
    {
        var grantType = Value(form, "grant_type");
        if (grantType is null)
        {
            return Error(400, "invalid_request", "The token request must specify a 'grant_type'. Valid values: [authorization_code, device_code, token_exchange]");
        }

        if (!client.GrantTypes.Contains(grantType))
        {
            return UnauthorizedClient(client);
        }

        return grantType switch
        {
            DeviceCodeGrant => DeviceCode(state, grants, client, form),
            TokenExchangeGrant => Exchange(state, grants, client, form),
            _ => Error(400, "unsupported_grant_type", $"The authorization grant type is not supported by the authorization server. Configured grant types: [{string.Join(", ", client.GrantTypes)}]."),
        };
    });

    private static IResult DeviceCode(SandboxState state, DeviceGrants grants, ScenarioOidcClient client, IFormCollection form)
    {
        var code = Value(form, "device_code");
        if (code is null)
        {
            return Error(400, "invalid_request", "The required parameter 'device_code' is missing.");
        }

        if (!grants.ByDeviceCode.TryGetValue(code, out var grant) || grant.Client != client || grant.Status == "redeemed")
        {
            return Error(400, "invalid_grant", "The device code is invalid or has expired.");
        }

        var now = state.Now;
        if (grant.ExpiresAt <= now)
        {
            return Error(400, "expired_token", "The device code has expired.");
        }

        switch (grant.Status)
        {
            case "denied":
                return Error(400, "access_denied", "The resource owner or authorization server denied the request.");
            case "pending":
                var tooSoon = grant.LastPoll is { } last && now - last < TimeSpan.FromSeconds(grant.IntervalSeconds);
                grant.LastPoll = now;
                if (tooSoon || grants.SlowDownPolls > 0)
                {
                    grants.SlowDownPolls = Math.Max(0, grants.SlowDownPolls - 1);
                    // RFC 8628 §3.5: the client must add 5 s to its interval from now on.
                    grant.IntervalSeconds += 5;
                    return Error(400, "slow_down", "Slow down the polling frequency. Please try again later.");
                }

                return Error(400, "authorization_pending", "The device authorization is pending. Please try again later.");
        }

        grant.Status = "redeemed";
        var expires = now.AddSeconds(AccessTokenSeconds);
        var access = new IssuedOAuthToken(DeviceGrants.NewJwtLike(), "access_token", client, grant.User!, grant.Scopes, grant.Amr, expires);
        grants.Tokens[access.Token] = access;
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = AccessTokenSeconds,
            ["access_token"] = access.Token,
            ["scope"] = string.Join(' ', grant.Scopes),
        };
        if (grant.Scopes.Contains("openid"))
        {
            var id = access with { Token = DeviceGrants.NewJwtLike(), Kind = "id_token" };
            grants.Tokens[id.Token] = id;
            body["id_token"] = id.Token;
        }

        return OktaJson.Json(body);
    }

    private static IResult Exchange(SandboxState state, DeviceGrants grants, ScenarioOidcClient client, IFormCollection form)
    {
        foreach (var name in new[] { "subject_token", "subject_token_type", "actor_token", "actor_token_type", "requested_token_type", "audience" })
        {
            if (Value(form, name) is null)
            {
                return Error(400, "invalid_request", $"The required parameter '{name}' is missing.");
            }
        }

        if (Value(form, "subject_token_type") != "urn:ietf:params:oauth:token-type:id_token")
        {
            return Error(400, "invalid_request", "'subject_token_type' is invalid or not supported.");
        }

        if (Value(form, "actor_token_type") != "urn:ietf:params:oauth:token-type:access_token")
        {
            return Error(400, "invalid_request", "'actor_token_type' is invalid or not supported.");
        }

        if (Value(form, "requested_token_type") != WebSsoTokenType)
        {
            return Error(400, "invalid_request", "'requested_token_type' is invalid or not supported.");
        }

        var now = state.Now;
        if (!grants.Tokens.TryGetValue(Value(form, "actor_token")!, out var actor) || actor.Kind != "access_token")
        {
            return Error(400, "invalid_request", "'actor_token' is invalid.");
        }

        if (!grants.Tokens.TryGetValue(Value(form, "subject_token")!, out var subject) || subject.Kind != "id_token")
        {
            return Error(400, "invalid_request", "'subject_token' is invalid.");
        }

        if (actor.Client != client)
        {
            return Error(400, "invalid_grant", "The 'actor_token' must be issued to the client making the request.");
        }

        if (subject.Client != client)
        {
            return Error(400, "invalid_grant", "The 'subject_token' must be issued to the client making the request.");
        }

        if (subject.ExpiresAt <= now || actor.ExpiresAt <= now)
        {
            return Error(400, "invalid_grant", "The 'subject_token' either expired or the session associated with it was terminated.");
        }

        if (!actor.Scopes.Contains("okta.apps.sso"))
        {
            return Error(400, "invalid_grant", "The 'actor_token' must have the 'okta.apps.sso' scope to request a 'web_sso_token'.");
        }

        var audience = Value(form, "audience")!;
        var app = audience.StartsWith("urn:okta:apps:", StringComparison.Ordinal)
            ? state.Scenario.Apps.FirstOrDefault(a => a.AppInstanceId == audience["urn:okta:apps:".Length..])
            : null;
        if (app is null)
        {
            return Error(400, "invalid_target", "The token request contains an invalid target.");
        }

        if (!client.WebSsoApps.Contains(app.AppInstanceId))
        {
            return Error(400, "invalid_grant", "The target audience app must be configured to allow the client to request a 'web_sso_token'.");
        }

        if (!AssuranceMet(app, subject.Amr))
        {
            return Error(400, "invalid_grant", "The application's assurance requirements are not met by the 'subject_token'.");
        }

        var sso = new IssuedOAuthToken(DeviceGrants.NewJwtLike(), "web_sso_token", client, subject.User, [], subject.Amr, now.AddSeconds(WebSsoTokenSeconds))
        {
            AppInstanceId = app.AppInstanceId,
        };
        grants.Tokens[sso.Token] = sso;
        return OktaJson.Json(new JsonObject
        {
            ["token_type"] = "N_A",
            ["expires_in"] = WebSsoTokenSeconds,
            ["access_token"] = sso.Token,
            ["issued_token_type"] = WebSsoTokenType,
        });
    }

    /// <summary>The app's policy against what the browser sign-in proved (a step-up app wants MFA; browser-only ones FastPass).</summary>
    private static bool AssuranceMet(ScenarioApp app, IReadOnlySet<string> amr) =>
        app.BrowserOnly is not null ? amr.Contains("fastpass")
        : !app.StepUp || amr.Contains("mfa") || amr.Contains("fastpass");

    /// <summary>The web SSO token (one-time) opens a session and answers the app's auto-submit SAML form.</summary>
    private static async Task<IResult> WebSso(HttpContext http, SandboxState state, DeviceGrants grants)
    {
        var form = await FormAsync(http.Request);
        var token = form is not null ? Value(form, "token") : http.Request.Query["token"].FirstOrDefault();
        lock (state.Sync)
        {
            if (token is null || !grants.Tokens.TryGetValue(token, out var sso) || sso.Kind != "web_sso_token" || sso.Used || sso.ExpiresAt <= state.Now)
            {
                return AppPageEndpoints.ErrorPage(403, "403 - Forbidden", "The 'web_sso_token' is invalid.");
            }

            sso.Used = true;
            var app = state.Scenario.Apps.First(a => a.AppInstanceId == sso.AppInstanceId);
            var grant = new SessionTokenGrant
            {
                Token = RandomTokens.SessionToken(),
                User = sso.User,
                ExpiresAt = state.Now.AddSeconds(state.Settings.SessionTokenLifetimeSeconds),
                MfaVerified = sso.Amr.Contains("mfa") || sso.Amr.Contains("fastpass"),
                StepUpAppInstanceId = app.AppInstanceId,
            };
            AppPageEndpoints.SetSidCookie(http, SessionEndpoints.StartSession(state, grant));
            return AppPageEndpoints.SamlFormPage(state, app, sso.User);
        }
    }
}
