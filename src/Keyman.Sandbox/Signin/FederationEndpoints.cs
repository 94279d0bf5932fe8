using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keyman.Sandbox.Hosting;
using Microsoft.AspNetCore.WebUtilities;

namespace Keyman.Sandbox.Signin;

/// <summary>
/// The AWS console federation endpoint (signin.aws.amazon.com/federation and its us-gov / cn twins):
/// getSigninToken turns temporary credentials into a sign-in token, login redirects to the console with it.
/// Real AWS answers every refusal with 400 and an HTML page, never an STS-style XML error; so does this.
/// </summary>
internal static class FederationEndpoints
{
    public const string Path = "/federation";

    /// <summary>A sign-in token must be used within 15 minutes of issue.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Handle);
        app.MapPost(Path, Handle);
    }

    private static async Task<IResult> Handle(HttpContext http, SandboxState state)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in http.Request.Query)
        {
            parameters[k] = v.ToString();
        }

        if (HttpMethods.IsPost(http.Request.Method)
            && http.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            foreach (var (k, v) in QueryHelpers.ParseQuery(await reader.ReadToEndAsync(http.RequestAborted)))
            {
                parameters[k] = v.ToString();
            }
        }

        var action = parameters.GetValueOrDefault("Action");
        http.Items[RequestLogMiddleware.ActionItem] = action;
        return action switch
        {
            "getSigninToken" => GetSigninToken(state, parameters),
            "login" => Login(state, parameters),
            _ => BadRequest("The request is missing a valid Action."),
        };
    }

    private static IResult GetSigninToken(SandboxState state, Dictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue("Session", out var sessionJson) || ReadSession(sessionJson) is not { } session)
        {
            return BadRequest("The Session parameter must be JSON with sessionId, sessionKey and sessionToken.");
        }

        int? sessionDuration = null;
        if (parameters.TryGetValue("SessionDuration", out var rawDuration))
        {
            if (!int.TryParse(rawDuration, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d < 900 || d > 43200)
            {
                return BadRequest("SessionDuration must be a number of seconds from 900 to 43200.");
            }

            sessionDuration = d;
        }

        lock (state.Sync)
        {
            var now = state.Now;
            if (!state.Credentials.TryGetValue(session.Id, out var credentials)
                || !FixedTimeEquals(credentials.SecretAccessKey, session.Key)
                || !FixedTimeEquals(credentials.SessionToken, session.Token))
            {
                return BadRequest("The session credentials are not valid.");
            }

            if (credentials.Expiration <= now)
            {
                return BadRequest("The session credentials have expired.");
            }

            // Every credential this sandbox issues comes from AssumeRole*, so SessionDuration is allowed (AWS refuses it
            // only for GetFederationToken credentials). Role-chained credentials are capped at one hour like the chain itself.
            if (credentials.FromRoleChaining && sessionDuration > 3600)
            {
                return BadRequest("SessionDuration cannot exceed 3600 seconds for credentials from role chaining.");
            }

            // Without SessionDuration the console session lasts as long as the credentials do.
            var consoleExpires = sessionDuration is { } seconds ? now + state.ScaledLifetime(seconds) : credentials.Expiration;
            var token = new SigninToken(NewToken(), credentials.AccessKeyId, now, consoleExpires);
            state.SigninTokens[token.Token] = token;
            return Results.Text(JsonSerializer.Serialize(new SigninTokenResponse(token.Token), SigninJsonContext.Default.SigninTokenResponse),
                "application/json", Encoding.UTF8);
        }
    }

    private static IResult Login(SandboxState state, Dictionary<string, string> parameters)
    {
        var destination = parameters.GetValueOrDefault("Destination");
        if (destination is null || !Uri.TryCreate(destination, UriKind.Absolute, out var target)
            || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
        {
            return BadRequest("The Destination parameter must be an absolute URL.");
        }

        lock (state.Sync)
        {
            // A token may be used any number of times within its 15 minutes; it is not bound to the Issuer.
            if (parameters.GetValueOrDefault("SigninToken") is not { } value
                || !state.SigninTokens.TryGetValue(value, out var token)
                || state.Now - token.IssuedAt >= TokenLifetime)
            {
                return BadRequest("The sign-in token is invalid or has expired. Sign-in tokens are valid for 15 minutes.", "Invalid token");
            }
        }

        return Results.Redirect(target.AbsoluteUri);
    }

    private static (string Id, string Key, string Token)? ReadSession(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("sessionId", out var id) && id.ValueKind == JsonValueKind.String
                && root.TryGetProperty("sessionKey", out var key) && key.ValueKind == JsonValueKind.String
                && root.TryGetProperty("sessionToken", out var token) && token.ValueKind == JsonValueKind.String
                ? (id.GetString()!, key.GetString()!, token.GetString()!)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    /// <summary>Real sign-in tokens are long opaque URL-safe strings; clients must URL-encode them anyway.</summary>
    private static string NewToken() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 640);

    private static IResult BadRequest(string message, string title = "Bad Request") =>
        Results.Content(
            $"<!DOCTYPE html>\n<html><head><title>{WebUtility.HtmlEncode(title)}</title></head>\n"
            + $"<body><div id=\"error_message\"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(message)}</p></div></body></html>\n",
            "text/html", Encoding.UTF8, 400);
}

internal sealed record SigninTokenResponse(string SigninToken);

[System.Text.Json.Serialization.JsonSerializable(typeof(SigninTokenResponse))]
internal sealed partial class SigninJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
