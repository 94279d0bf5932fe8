using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Device;

/// <summary>A started device authorization: what the user opens and types, and how Keyman polls for the answer.</summary>
public sealed record DeviceAuthorization(string DeviceCode, string UserCode, Uri VerificationUri, Uri? VerificationUriComplete, DateTimeOffset ExpiresAt, TimeSpan Interval)
{
    public override string ToString() => $"DeviceAuthorization {{ UserCode = {UserCode}, VerificationUri = {VerificationUri}, ExpiresAt = {ExpiresAt:O}, Interval = {Interval} }}";
}

/// <summary>The device grant's tokens: the access token (the token exchange's actor) and the ID token (its subject).</summary>
public sealed record DeviceTokens(string AccessToken, string IdToken, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"DeviceTokens {{ (hidden), ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>
/// Okta's org authorization server as okta-aws-cli's "web" flow uses it: device authorization (RFC 8628), polling the
/// token endpoint at the interval Okta gives (5 s more after each <c>slow_down</c>), the token exchange (RFC 8693) of the
/// access + ID tokens for a web SSO token of the AWS app, and <c>/login/token/sso</c>, which answers the app's SAML form.
/// </summary>
public sealed class DeviceAuthorizationClient(OktaClient okta, ILog log, TimeProvider time)
{
    /// <summary>okta-aws-cli's scopes: web SSO tokens, plus the app list and the user's own profile.</summary>
    public const string Scopes = "openid okta.apps.sso okta.apps.read okta.users.read.self";

    public const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    public const string WebSsoTokenType = "urn:okta:oauth:token-type:web_sso_token";

    /// <summary>RFC 8628 §3.5: each slow_down adds 5 seconds to the polling interval, for good.</summary>
    public static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5);

    private readonly Uri _org = okta.BaseUrl;

    /// <summary>POST /oauth2/v1/device/authorize.</summary>
    public async Task<DeviceAuthorization> AuthorizeAsync(string clientId, CancellationToken cancellationToken)
    {
        var (status, body) = await PostFormAsync("oauth2/v1/device/authorize", [new("client_id", clientId), new("scope", Scopes)], cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw ClientError(clientId, ReadError(body), "device authorization");
        }

        var answer = Read(body, DeviceJsonContext.Default.DeviceAuthorizeResponse, "/oauth2/v1/device/authorize");
        if (answer.DeviceCode is not { Length: > 0 } deviceCode || answer.UserCode is not { Length: > 0 } userCode
            || !Uri.TryCreate(answer.VerificationUri, UriKind.Absolute, out var verification) || verification.Scheme != Uri.UriSchemeHttps && verification.Scheme != Uri.UriSchemeHttp)
        {
            throw new KeymanException(ExitCodes.OktaError, "Okta's device authorization answer holds no device code, user code or verification URL",
                "Check that the org URL is your Okta org; --debug shows the requests.");
        }

        Uri.TryCreate(answer.VerificationUriComplete, UriKind.Absolute, out var complete);
        var expiresIn = TimeSpan.FromSeconds(Math.Clamp(answer.ExpiresIn ?? 600, 1, 3600));
        var interval = TimeSpan.FromSeconds(Math.Clamp(answer.Interval ?? 5, 1, 60));
        return new DeviceAuthorization(deviceCode, userCode, verification, complete is { Scheme: "https" or "http" } ? complete : null,
            time.GetUtcNow() + expiresIn, interval);
    }

    /// <summary>
    /// Polls /oauth2/v1/token with the device code until the user approves in the browser: waits the interval before
    /// each poll, keeps polling on <c>authorization_pending</c>, slows down on <c>slow_down</c>, and stops on
    /// <c>access_denied</c>, <c>expired_token</c> or when the device code's lifetime has passed.
    /// </summary>
    public async Task<DeviceTokens> WaitForApprovalAsync(string clientId, DeviceAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var interval = authorization.Interval;
        while (true)
        {
            if (time.GetUtcNow() + interval > authorization.ExpiresAt)
            {
                throw Expired();
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            var (status, body) = await PostFormAsync("oauth2/v1/token",
                [new("client_id", clientId), new("device_code", authorization.DeviceCode), new("grant_type", DeviceCodeGrant)], cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.OK)
            {
                var tokens = Read(body, DeviceJsonContext.Default.OAuthTokenResponse, "/oauth2/v1/token");
                if (tokens.AccessToken is not { Length: > 0 } access || tokens.IdToken is not { Length: > 0 } id)
                {
                    throw new KeymanException(ExitCodes.OktaError, "Okta approved the device but sent no access token or ID token",
                        "Ask the Okta admin to allow the OIDC app the openid scope; --debug shows the requests.");
                }

                return new DeviceTokens(access, id, time.GetUtcNow() + TimeSpan.FromSeconds(Math.Clamp(tokens.ExpiresIn ?? 3600, 60, 86400)));
            }

            var error = ReadError(body);
            switch (error.Error)
            {
                case "authorization_pending":
                    log.Debug("Device authorization pending; polling again");
                    continue;
                case "slow_down":
                    interval += SlowDownStep;
                    log.Debug($"Okta asked to poll more slowly; polling every {interval.TotalSeconds:0} s");
                    continue;
                case "access_denied":
                    throw new KeymanException(ExitCodes.AuthenticationFailed, "The sign-in was not allowed in the browser (\"Don't Allow\", or Okta refused it)",
                        "Run keyman --device again and choose \"Allow Access\" on the activation page.");
                case "expired_token" or "invalid_grant":
                    throw Expired();
                default:
                    throw ClientError(clientId, error, "device authorization");
            }
        }
    }

    /// <summary>
    /// The token exchange: access token (actor) + ID token (subject) for a web SSO token whose audience is the AWS app
    /// (<c>urn:okta:apps:&lt;app instance id&gt;</c>). Errors name the admin setting that fixes them.
    /// </summary>
    public async Task<string> ExchangeForWebSsoTokenAsync(string clientId, DeviceTokens tokens, string appInstanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var (status, body) = await PostFormAsync("oauth2/v1/token",
        [
            new("client_id", clientId),
            new("actor_token", tokens.AccessToken),
            new("actor_token_type", "urn:ietf:params:oauth:token-type:access_token"),
            new("subject_token", tokens.IdToken),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
            new("grant_type", TokenExchangeGrant),
            new("requested_token_type", WebSsoTokenType),
            new("audience", "urn:okta:apps:" + appInstanceId),
        ], cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            var answer = Read(body, DeviceJsonContext.Default.OAuthTokenResponse, "/oauth2/v1/token");
            return answer.AccessToken is { Length: > 0 } token
                ? token
                : throw new KeymanException(ExitCodes.OktaError, "Okta's token exchange answer holds no web SSO token", "--debug shows the requests.");
        }

        throw ExchangeError(clientId, appInstanceId, ReadError(body));
    }

    /// <summary>POST /login/token/sso with the web SSO token (okta-aws-cli 2.6 and later): the AWS app's SAML form.</summary>
    public async Task<AppPage> GetAppPageAsync(string webSsoToken, CancellationToken cancellationToken)
    {
        var url = new Uri(_org, "login/token/sso");
        var (status, body) = await SendAsync(url, [new("token", webSsoToken)], "text/html", cancellationToken).ConfigureAwait(false);
        var html = System.Text.Encoding.UTF8.GetString(body);
        var page = AppPageParser.Parse(html, url);
        if (status != HttpStatusCode.OK)
        {
            throw new KeymanException(ExitCodes.OktaError, $"Okta refused the web SSO token at /login/token/sso (HTTP {(int)status}){(page.ErrorMessage is { } m ? ": " + m : string.Empty)}",
                "Run keyman --device again; if it keeps failing, --debug shows the requests.");
        }

        return page;
    }

    private KeymanException Expired() => new(ExitCodes.OktaSessionExpired, "The device code expired before the sign-in was approved in the browser",
        "Run keyman --device again and approve the sign-in at the URL it prints within its lifetime (usually 10 minutes).");

    /// <summary>Errors about the OIDC client itself: the admin's setup.</summary>
    private static KeymanException ClientError(string clientId, OAuthErrorResponse error, string what)
    {
        var detail = error.ErrorDescription is { Length: > 0 } d ? $": {d}" : string.Empty;
        return error.Error switch
        {
            "invalid_client" => new KeymanException(ExitCodes.Config, $"Okta does not know the OIDC client {clientId}{detail}",
                "Check oidc_client_id (or --oidc-client-id / OKTA_AWSCLI_OIDC_CLIENT_ID): the Client ID of the Okta OIDC native app for the AWS CLI."),
            "unauthorized_client" or "unsupported_grant_type" => new KeymanException(ExitCodes.Config, $"The OIDC client {clientId} may not use the {what} grant{detail}",
                "Ask the Okta admin to enable the Device Authorization and Token Exchange grant types on the OIDC native app."),
            "invalid_scope" => new KeymanException(ExitCodes.Config, $"Okta refused the scopes Keyman asks for ({Scopes}){detail}",
                "Ask the Okta admin to grant the OIDC app the okta.apps.sso, okta.apps.read and okta.users.read.self scopes."),
            _ => new KeymanException(ExitCodes.OktaError, $"Okta refused the {what}: {error.Error ?? "no error code"}{detail}",
                "--debug shows the requests; the message names what Okta objects to."),
        };
    }

    /// <summary>The token exchange's errors (okta-developer-docs oauth2-error-codes.json), by code or by Okta's description.</summary>
    private static KeymanException ExchangeError(string clientId, string appInstanceId, OAuthErrorResponse error)
    {
        var code = error.Error ?? string.Empty;
        var text = error.ErrorDescription ?? string.Empty;
        bool Says(string errorCode, string phrase) => code == errorCode || text.Contains(phrase, StringComparison.OrdinalIgnoreCase);
        var detail = text.Length > 0 ? $": {text}" : string.Empty;
        if (Says("web_sso_app_assurance_not_met", "assurance requirements are not met"))
        {
            return new KeymanException(ExitCodes.BrowserRequired, $"The AWS app's policy asks more than the browser sign-in gave{detail}",
                "Run keyman --device again and sign in with what the app's policy asks (e.g. Okta FastPass / Okta Verify) on the activation page.");
        }

        if (Says("web_sso_token_exchange_request_requires_scope", "'okta.apps.sso' scope"))
        {
            return new KeymanException(ExitCodes.Config, $"The OIDC client {clientId} lacks the okta.apps.sso scope{detail}",
                "Ask the Okta admin to grant the okta.apps.sso scope to the OIDC native app (Okta API Scopes tab).");
        }

        if (Says("web_sso_client_not_permitted", "configured to allow the client"))
        {
            return new KeymanException(ExitCodes.Config, $"The AWS app {appInstanceId} does not allow the OIDC client {clientId} to sign in to it{detail}",
                "Ask the Okta admin to add the OIDC app as an \"Allowed Web SSO Client\" of the AWS app (its Sign On tab).");
        }

        if (Says("token_exchange_subject_token_expired", "either expired or the session"))
        {
            return new KeymanException(ExitCodes.OktaSessionExpired, $"The device sign-in has expired{detail}", "Run keyman --device again to sign in in the browser.");
        }

        if (Says("web_sso_subject_token_client_mismatch", "must be issued to the client"))
        {
            return new KeymanException(ExitCodes.Config, $"The tokens were issued to another OIDC client than {clientId}{detail}",
                "Run keyman --device again; oidc_client_id must stay the same between the sign-in and its use.");
        }

        return ClientError(clientId, error, "token exchange");
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> PostFormAsync(string path, KeyValuePair<string, string>[] form, CancellationToken cancellationToken) =>
        await SendAsync(new Uri(_org, path), form, "application/json", cancellationToken).ConfigureAwait(false);

    private async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(Uri url, KeyValuePair<string, string>[] form, string accept, CancellationToken cancellationToken)
    {
        using var response = await okta.PostFormAsync(url, form, accept, cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        log.Debug($"POST {url.AbsolutePath} -> HTTP {(int)status}");
        if ((int)status >= 500)
        {
            throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(_org)}: HTTP {(int)status} from {url.AbsolutePath}",
                "Okta may be having an outage (see status.okta.com); try again later.");
        }

        return (status, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    private static OAuthErrorResponse ReadError(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, DeviceJsonContext.Default.OAuthErrorResponse) ?? new OAuthErrorResponse();
        }
        catch (JsonException)
        {
            return new OAuthErrorResponse();
        }
    }

    private T Read<T>(byte[] body, JsonTypeInfo<T> type, string endpoint)
    {
        try
        {
            return JsonSerializer.Deserialize(body, type)
                ?? throw new KeymanException(ExitCodes.OktaError, $"Okta sent an empty answer for {endpoint}", "Try again.");
        }
        catch (JsonException e)
        {
            throw new KeymanException(ExitCodes.OktaError, $"Okta's answer for {endpoint} is not the JSON Keyman expects ({e.Path})",
                $"Check that {OktaOrg.Display(_org)} is your Okta org; --debug shows the requests.", e);
        }
    }
}
