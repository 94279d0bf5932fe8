using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keyman.Core.Http;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta;

/// <summary>
/// HTTP to one Okta org: JSON API calls and the AWS app page, with the <c>sid</c> cookie, bounded retries on network
/// errors and 5xx, waiting out rate limits, and typed errors. Never logs bodies, queries or cookies.
/// </summary>
public sealed class OktaClient : IDisposable
{
    private const string JsonMediaType = "application/json";

    private readonly HttpClient _http;
    private readonly ILog _log;
    private readonly OktaClientOptions _options;
    private readonly string _userAgent;

    /// <param name="baseUrl">The org, from <see cref="OktaOrg.Resolve"/>.</param>
    /// <param name="pipeline">Makes the HTTP client (retries, deadlines, the shared connection pool); tests give it their handler.</param>
    public OktaClient(Uri baseUrl, HttpPipeline pipeline, ILog log, TimeProvider time, OktaClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(pipeline);
        BaseUrl = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + "/");
        _log = log;
        _options = options ?? new OktaClientOptions();
        _http = pipeline.CreateClient(RetryPolicy(_options), log, time);
        var version = _options.ProductVersion ?? typeof(OktaClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        _userAgent = $"keyman/{version}";
    }

    /// <summary>
    /// Okta's retries: network failures and 5xx, a POST never again once it may have reached Okta; 429s waited out
    /// until X-Rate-Limit-Reset, within a cap.
    /// </summary>
    public static RetryPolicy RetryPolicy(OktaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RetryPolicy
        {
            Service = "Okta",
            MaxAttempts = options.MaxAttempts,
            BaseDelay = options.RetryBaseDelay,
            MaxDelay = TimeSpan.FromSeconds(20),
            Jitter = options.Jitter,
            AttemptTimeout = options.RequestTimeout,
            TimeoutVariable = HttpTimeouts.Okta,
            MaxResponseBytes = options.MaxResponseBytes,
            NetworkFailures = NetworkRetry.UnsentOrIdempotent,
            IsRetryable = static r => (int)r.StatusCode >= 500,
            MaxRateLimitWaits = options.MaxRateLimitWaits,
            MaxRateLimitWait = options.MaxRateLimitWait,
        };
    }

    public Uri BaseUrl { get; }

    /// <summary>The Okta session id, sent as the <c>sid</c> cookie. Set it to reuse a cached session.</summary>
    public string? SessionId { get; set; }

    public void Dispose() => _http.Dispose();

    /// <summary>POST /api/v1/sessions: trades a one-time sessionToken for a session, and keeps its id as the sid cookie.</summary>
    public async Task<OktaSession> CreateSessionAsync(string sessionToken, string? displayName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionToken);
        var body = await PostJsonAsync(Api("sessions"), new CreateSessionRequest { SessionToken = sessionToken },
            OktaJsonContext.Default.CreateSessionRequest, OktaJsonContext.Default.SessionBody, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Id))
        {
            throw new KeymanException(ExitCodes.OktaError, "Okta created a session but sent no session id", "Try again; if it persists, report it with --debug output.");
        }

        SessionId = body.Id;
        _log.Debug("Okta session created (session id received)");
        return new OktaSession(body.Id, body.Login, body.ExpiresAt, displayName ?? body.Login);
    }

    /// <summary>GET /api/v1/sessions/me: the current session, or null when there is none or it has ended.</summary>
    public Task<OktaSession?> GetCurrentSessionAsync(CancellationToken cancellationToken) =>
        SessionCallAsync(HttpMethod.Get, Api("sessions/me"), cancellationToken);

    /// <summary>POST /api/v1/sessions/me/lifecycle/refresh: extends the session; null when it has ended.</summary>
    public Task<OktaSession?> RefreshSessionAsync(CancellationToken cancellationToken) =>
        SessionCallAsync(HttpMethod.Post, Api("sessions/me/lifecycle/refresh"), cancellationToken);

    /// <summary>
    /// DELETE /api/v1/sessions/me: ends the session (Okta answers 204). False when there was none to end (404, or
    /// 401/403 for a session Okta no longer knows); other answers are errors.
    /// </summary>
    public async Task<bool> EndSessionAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(SessionId))
        {
            return false;
        }

        var url = Api("sessions/me");
        using var response = await SendAsync(HttpMethod.Delete, url, null, JsonMediaType, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            SessionId = null;
            return false;
        }

        if (!response.IsSuccessStatusCode)
        {
            await ReadJsonAsync(response, url, OktaJsonContext.Default.SessionBody, cancellationToken).ConfigureAwait(false); // throws the error in Okta's words
        }

        SessionId = null;
        _log.Debug("Okta session ended");
        return true;
    }

    private async Task<OktaSession?> SessionCallAsync(HttpMethod method, Uri url, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(SessionId))
        {
            return null;
        }

        using var response = await SendAsync(method, url, method == HttpMethod.Post ? "{}"u8.ToArray() : null, JsonMediaType, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            _log.Debug($"No valid Okta session ({(int)response.StatusCode} from {url.AbsolutePath})");
            return null;
        }

        var body = await ReadJsonAsync(response, url, OktaJsonContext.Default.SessionBody, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(body.Id) || (body.Status is not null && !string.Equals(body.Status, "ACTIVE", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return new OktaSession(body.Id, body.Login, body.ExpiresAt, body.Login);
    }

    /// <summary>GET /api/v1/users/me/appLinks, keeping the "AWS Account Federation" apps (amazon_aws).</summary>
    public async Task<IReadOnlyList<AwsAppLink>> GetAwsAppsAsync(CancellationToken cancellationToken)
    {
        RequireSession();
        var links = await GetJsonAsync(Api("users/me/appLinks"), OktaJsonContext.Default.ListAppLinkBody, cancellationToken).ConfigureAwait(false);
        var result = new List<AwsAppLink>();
        foreach (var link in links)
        {
            if (string.Equals(link.AppName, "amazon_aws_sso", StringComparison.Ordinal))
            {
                _log.Debug($"Ignoring AWS IAM Identity Center app \"{link.Label}\" (amazon_aws_sso is not supported)");
                continue;
            }

            if (!string.Equals(link.AppName, "amazon_aws", StringComparison.Ordinal) || link.LinkUrl is null)
            {
                continue;
            }

            const string marker = "/home/amazon_aws/";
            if (!Uri.TryCreate(link.LinkUrl, UriKind.Absolute, out var url)
                || url.AbsolutePath.IndexOf(marker, StringComparison.Ordinal) is var at && at < 0)
            {
                _log.Debug($"Ignoring AWS app \"{link.Label}\": unexpected link {link.LinkUrl}");
                continue;
            }

            var appId = url.AbsolutePath[(at + marker.Length)..].Trim('/');
            result.Add(new AwsAppLink(link.Label ?? appId, appId, url));
        }

        return result;
    }

    /// <summary>
    /// GET the AWS app's page ({base}/home/amazon_aws/{appId}, or a full link on this org), following same-origin
    /// redirects with the sid cookie, and reads the SAML response or the step-up state from it.
    /// </summary>
    public async Task<AppPage> GetAppPageAsync(string appIdOrLink, string? sessionToken, CancellationToken cancellationToken)
    {
        var (url, appId) = AppUrl(appIdOrLink);
        if (!string.IsNullOrEmpty(sessionToken))
        {
            var query = url.Query.TrimStart('?');
            url = new UriBuilder(url) { Query = (query.Length > 0 ? query + "&" : string.Empty) + "sessionToken=" + Uri.EscapeDataString(sessionToken) }.Uri;
        }

        for (var hop = 0; ; hop++)
        {
            using var response = await SendAsync(HttpMethod.Get, url, null, "text/html", cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (!SameOrigin(next))
                {
                    throw new KeymanException(ExitCodes.Saml,
                        $"Okta redirected the AWS app {appId} to another site ({next.GetLeftPart(UriPartial.Authority)})",
                        "Keyman only follows redirects within the Okta org; the app may use another identity provider.");
                }

                if (hop >= _options.MaxRedirects)
                {
                    throw new KeymanException(ExitCodes.Saml, $"Okta redirected the AWS app {appId} more than {_options.MaxRedirects} times",
                        "Open the app in a browser to see where it goes.");
                }

                _log.Debug($"Following redirect to {next.GetLeftPart(UriPartial.Path)}");
                url = next;
                continue;
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new KeymanException(ExitCodes.NoAwsApps, $"Okta has no app {appId}: {url.GetLeftPart(UriPartial.Path)} answered 404",
                    "Check appid in your config, or run keyman without appid to pick the AWS app from a menu.");
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new KeymanException(ExitCodes.OktaSessionExpired, $"Okta refused the AWS app {appId} (HTTP {status})",
                    "The Okta session may have ended, or the app is not assigned to you; run keyman again.");
            }

            if (status >= 500)
            {
                throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(BaseUrl)}: HTTP {status} for the AWS app {appId}",
                    "Okta may be having an outage (see status.okta.com); try again later.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new KeymanException(ExitCodes.OktaError, $"Okta answered HTTP {status} for the AWS app {appId}",
                    "Open the app in the Okta dashboard to see whether it works there.");
            }

            var html = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var page = AppPageParser.Parse(html, url);
            if (!page.HasSaml && !page.NeedsStepUp && AppPageParser.IsLoginPage(url, html))
            {
                throw new KeymanException(ExitCodes.OktaSessionExpired, "The Okta session is no longer valid: Okta answered with its sign-in page",
                    "Run keyman again to log in.");
            }

            return page;
        }
    }

    private (Uri Url, string AppId) AppUrl(string appIdOrLink)
    {
        var value = (appIdOrLink ?? string.Empty).Trim();
        if (Uri.TryCreate(value, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttps || absolute.Scheme == Uri.UriSchemeHttp))
        {
            if (!SameOrigin(absolute))
            {
                throw new KeymanException(ExitCodes.Config, $"The app link {absolute.GetLeftPart(UriPartial.Path)} is not on the Okta org {OktaOrg.Display(BaseUrl)}",
                    "Use the app id (the part after /home/amazon_aws/) or a link of your org.");
            }

            const string marker = "/home/amazon_aws/";
            var path = absolute.AbsolutePath;
            return (absolute, path.StartsWith(marker, StringComparison.Ordinal) ? path[marker.Length..].Trim('/') : path);
        }

        var appId = value.Trim('/');
        if (appId.Length == 0 || appId.Contains("..", StringComparison.Ordinal) || appId.Any(c => char.IsWhiteSpace(c) || c is '?' or '#' or '\\'))
        {
            throw new KeymanException(ExitCodes.Config, $"\"{appIdOrLink}\" is not an Okta AWS app id",
                "An app id looks like 0oa1b2c3d4EXAMPLE/272 (the part of the app's link after /home/amazon_aws/).");
        }

        return (new Uri(BaseUrl, "home/amazon_aws/" + appId), appId);
    }

    internal Uri Api(string path) => new(BaseUrl, "api/v1/" + path);

    /// <summary>Resolves an href from an Okta response (absolute, or relative to the org).</summary>
    internal Uri Resolve(string href)
    {
        if (!Uri.TryCreate(BaseUrl, href, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new KeymanException(ExitCodes.OktaError, "Okta sent an unusable link in its answer", "Report this with --debug output.");
        }

        return url;
    }

    internal async Task<TResponse> PostJsonAsync<TRequest, TResponse>(Uri url, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        using var response = await SendAsync(HttpMethod.Post, url, bytes, JsonMediaType, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, url, responseType, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<TResponse> GetJsonAsync<TResponse>(Uri url, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null, JsonMediaType, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, url, responseType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one browser-like request (a page or a form; no redirect followed) through the same pipeline: the sid cookie goes
    /// only to the org, and a sid the org sets is kept. Used by flows that pass through other hosts (Duo) and back.
    /// </summary>
    internal async Task<HttpResponseMessage> SendPageAsync(HttpMethod method, Uri url, HttpContent? content, string accept, string? cookies, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(method, url, null, accept);
        request.Content = content;
        if (!string.IsNullOrEmpty(cookies))
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookies);
        }

        var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        RememberSessionCookie(response, url);
        return response;
    }

    private void RequireSession()
    {
        if (string.IsNullOrEmpty(SessionId))
        {
            throw new KeymanException(ExitCodes.OktaSessionExpired, "There is no Okta session", "Log in first.");
        }
    }

    private bool SameOrigin(Uri url) => Uri.Compare(url, BaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, Uri url, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var endpoint = url.AbsolutePath;
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var status = (int)response.StatusCode;

        if (!response.IsSuccessStatusCode)
        {
            if (status >= 500)
            {
                var detail = TryParseError(bytes, out var serverError) && serverError.ErrorSummary is { Length: > 0 } summary ? $" ({summary})" : string.Empty;
                throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(BaseUrl)}: HTTP {status} from {endpoint}{detail}",
                    "Okta may be having an outage (see status.okta.com), or a proxy is failing; check your network/VPN and try again later.");
            }

            if (TryParseError(bytes, out var error))
            {
                throw new OktaApiException(status, error.ErrorCode, error.ErrorSummary,
                    error.ErrorCauses?.Select(c => c.ErrorSummary).OfType<string>().ToList() ?? [], endpoint);
            }

            if (!LooksLikeJson(mediaType, bytes))
            {
                throw NotJson(url, mediaType, status);
            }

            throw new OktaApiException(status, null, null, [], endpoint);
        }

        if (!LooksLikeJson(mediaType, bytes))
        {
            throw NotJson(url, mediaType, status);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type)
                ?? throw new KeymanException(ExitCodes.OktaError, $"Okta sent an empty answer for {endpoint}", "Try again.");
        }
        catch (JsonException e)
        {
            throw new KeymanException(ExitCodes.OktaError, $"Okta's answer for {endpoint} is not the JSON Keyman expects ({e.Path})",
                $"Check that {OktaOrg.Display(BaseUrl)} is your Okta org; report this with --debug output if it is.", e);
        }
    }

    private static bool TryParseError(byte[] bytes, out OktaErrorBody error)
    {
        error = null!;
        if (bytes.Length == 0 || !LooksLikeJson(null, bytes))
        {
            return false;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize(bytes, OktaJsonContext.Default.OktaErrorBody);
            if (parsed?.ErrorCode is null && parsed?.ErrorSummary is null)
            {
                return false;
            }

            error = parsed;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool LooksLikeJson(string? mediaType, byte[] bytes)
    {
        if (mediaType is not null && mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[';
        }

        return false;
    }

    private KeymanException NotJson(Uri url, string? mediaType, int status) => new(
        ExitCodes.OktaError,
        $"Okta at {url.GetLeftPart(UriPartial.Path)} answered with {mediaType ?? "an unknown content type"} (HTTP {status}) instead of JSON",
        $"A captive portal, proxy or wrong org URL may be in the way; open {OktaOrg.Display(BaseUrl)} in a browser to check.");

    /// <summary>POSTs a form (the OAuth endpoints) through the same pipeline and failure mapping as every Okta call.</summary>
    internal Task<HttpResponseMessage> PostFormAsync(Uri url, IEnumerable<KeyValuePair<string, string>> form, string accept, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, url, null, accept, cancellationToken, new FormUrlEncodedContent(form));

    /// <summary>Sends one request through the retry pipeline; returns the final response (any status except an exhausted 429).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, byte[]? body, string accept, CancellationToken cancellationToken, HttpContent? content = null)
    {
        using var request = BuildRequest(method, url, body, accept);
        request.Content ??= content;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ResponseTooLargeException e)
        {
            throw new KeymanException(ExitCodes.OktaError, $"Okta's answer for {url.AbsolutePath} is larger than {e.Limit / 1024} KiB",
                $"Check that {OktaOrg.Display(BaseUrl)} is your Okta org and that no proxy rewrites its answers.", e);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = e is HttpRequestException ? e.Message : e is TimeoutException ? e.Message : $"no answer within {_options.RequestTimeout.TotalSeconds:0} s";
            throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(BaseUrl)}: {reason}",
                "Check your network or VPN connection and the org URL in your config.", e);
        }

        RememberSessionCookie(response, url);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            request.Options.TryGetValue(RetryHandler.RateLimitWaited, out var waited);
            request.Options.TryGetValue(RetryHandler.RateLimitReset, out var reset);
            response.Dispose();
            var detail = waited > TimeSpan.Zero
                ? $"still limited after waiting {waited.TotalSeconds:0} s"
                : reset == TimeSpan.MaxValue ? "the limit does not reset for a long time" : $"the limit resets in {Math.Ceiling(reset.TotalSeconds):0} s";
            throw new KeymanException(ExitCodes.RateLimited, $"Okta rate limit hit for {url.AbsolutePath}; {detail}",
                "Wait a minute and run keyman again; if it keeps happening, another tool may be flooding your Okta org.");
        }

        return response;
    }

    private HttpRequestMessage BuildRequest(HttpMethod method, Uri url, byte[]? body, string accept)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        if (!string.IsNullOrEmpty(SessionId) && SameOrigin(url))
        {
            request.Headers.TryAddWithoutValidation("Cookie", "sid=" + SessionId);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType) { CharSet = "utf-8" };
        }

        return request;
    }

    private void RememberSessionCookie(HttpResponseMessage response, Uri url)
    {
        if (!SameOrigin(url) || !response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return;
        }

        foreach (var cookie in cookies)
        {
            if (!cookie.StartsWith("sid=", StringComparison.Ordinal))
            {
                continue;
            }

            var end = cookie.IndexOf(';', StringComparison.Ordinal);
            var value = end < 0 ? cookie[4..] : cookie[4..end];
            if (value.Length > 0 && value != SessionId)
            {
                SessionId = value;
                _log.Debug("Okta set a new session cookie");
            }
        }
    }
}
