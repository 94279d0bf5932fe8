using System.Net;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Duo;

/// <summary>
/// The HTTP side of the Duo Universal Prompt: pages and forms on Okta's host and on the one Duo host Okta sends the
/// user to, nothing else. Duo's host must be https (loopback http only, as for the org). Duo's cookies are kept for Duo's
/// host; Okta's sid cookie is kept by <see cref="OktaClient"/>.
/// </summary>
internal sealed class DuoBrowser(OktaClient okta, ILog log)
{
    private const int MaxRedirects = 10;

    private readonly Dictionary<string, string> _duoCookies = new(StringComparer.Ordinal);

    public OktaClient Okta { get; } = okta;

    /// <summary>Duo's origin, learned from Okta's redirect.</summary>
    public Uri? DuoOrigin { get; private set; }

    public sealed record Page(Uri Url, HttpStatusCode Status, string Body, Uri? Location);

    public Task<Page> GetAsync(Uri url, bool follow, CancellationToken cancellationToken, string accept = "text/html") =>
        SendAsync(HttpMethod.Get, url, null, follow, accept, cancellationToken);

    public Task<Page> PostFormAsync(Uri url, IEnumerable<KeyValuePair<string, string>> fields, bool follow, string accept, CancellationToken cancellationToken)
    {
        var form = fields.ToList();
        return SendAsync(HttpMethod.Post, url, () => new FormUrlEncodedContent(form), follow, accept, cancellationToken);
    }

    /// <summary>A JSON body (Duo's single-page prompt), answered with JSON; redirects are not followed.</summary>
    public Task<Page> PostJsonAsync(Uri url, string json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, url, () => new StringContent(json, System.Text.Encoding.UTF8, "application/json"), follow: false, "application/json", cancellationToken);

    /// <summary>A path on Duo's host (e.g. frame/v4/status).</summary>
    public Uri Duo(string path) => new(DuoOrigin ?? throw new InvalidOperationException("Duo's host is not known yet"), path);

    private async Task<Page> SendAsync(HttpMethod method, Uri url, Func<HttpContent>? content, bool follow, string accept, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            Allow(url);
            var onDuo = IsDuo(url);
            HttpResponseMessage response;
            try
            {
                response = await Okta.SendPageAsync(method, url, content?.Invoke(), accept,
                    onDuo ? CookieHeader() : null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw Unreachable(url, e.Message, e);
            }

            using (response)
            {
                if (onDuo)
                {
                    KeepCookies(response);
                }

                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    throw Unreachable(url, $"HTTP {status} from {url.AbsolutePath}", null);
                }

                Uri? location = null;
                if (response.Headers.Location is { } l && !(l.IsAbsoluteUri ? (location = l) is not null : Uri.TryCreate(url, l, out location)))
                {
                    // A Location that does not resolve against the page (fuzz finding): not a redirect Keyman can follow.
                    throw new KeymanException(ExitCodes.MfaFailed, "Duo's sign-in sent a redirect Keyman cannot read",
                        "Run keyman again; report this with --debug output if it persists.");
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!follow || status is < 300 or >= 400 || location is null)
                {
                    return new Page(url, response.StatusCode, body, location);
                }

                if (hop >= MaxRedirects)
                {
                    throw new KeymanException(ExitCodes.MfaFailed, $"Duo's sign-in redirected more than {MaxRedirects} times", "Run keyman again; report this with --debug output if it persists.");
                }

                log.Debug($"Duo: following redirect to {location.GetLeftPart(UriPartial.Path)}");
                LearnDuoHost(url, location);
                (method, content, url) = (HttpMethod.Get, null, location);
            }
        }
    }

    /// <summary>
    /// A browser for the Duo host Okta names in a challenge (a bare host name, as Duo's API hostnames are). https only;
    /// plain http only for a loopback host when the org itself is a plain-http loopback (the sandbox).
    /// </summary>
    public static DuoBrowser ForHost(OktaClient okta, ILog log, string host)
    {
        var name = host.Trim();
        var scheme = okta.BaseUrl.Scheme == Uri.UriSchemeHttp && OktaOrg.IsLoopback(okta.BaseUrl) ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
        if (name.Length == 0 || name.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate($"{scheme}://{name}/", UriKind.Absolute, out var origin)
            || origin.AbsolutePath != "/" || !string.IsNullOrEmpty(origin.Query) || !string.IsNullOrEmpty(origin.UserInfo)
            || (scheme == Uri.UriSchemeHttp && !OktaOrg.IsLoopback(origin)))
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Okta named \"{name}\" as Duo's host, which is not a host name Keyman can use over https",
                "Ask your Okta administrator to check the Duo authenticator's API hostname.");
        }

        log.Debug($"Duo's host: {origin.Authority}");
        return new DuoBrowser(okta, log) { DuoOrigin = origin };
    }

    /// <summary>The first redirect from Okta to another host names Duo's host.</summary>
    private void LearnDuoHost(Uri from, Uri to)
    {
        if (DuoOrigin is null && IsOkta(from) && to.AbsolutePath.StartsWith("/oauth/v1/authorize", StringComparison.Ordinal))
        {
            if (to.Scheme != Uri.UriSchemeHttps && !(to.Scheme == Uri.UriSchemeHttp && OktaOrg.IsLoopback(to)))
            {
                throw new KeymanException(ExitCodes.MfaFailed, $"Okta sent Duo's sign-in to {to.GetLeftPart(UriPartial.Authority)}, which is not https",
                    "Keyman only talks to Duo over https; ask your Okta administrator to check the Duo integration.");
            }

            DuoOrigin = new Uri(to.GetLeftPart(UriPartial.Authority) + "/");
            log.Debug($"Duo's host: {DuoOrigin.Authority}");
        }
    }

    public bool IsOkta(Uri url) => Same(url, Okta.BaseUrl);

    private bool IsDuo(Uri url) => DuoOrigin is not null && Same(url, DuoOrigin);

    private void Allow(Uri url)
    {
        if (!IsOkta(url) && !IsDuo(url))
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo's sign-in led to {url.GetLeftPart(UriPartial.Authority)}, which is neither Okta nor Duo",
                "Keyman follows only your Okta org and the Duo host Okta names; report this with --debug output.");
        }
    }

    private static bool Same(Uri a, Uri b) => Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private string CookieHeader() => string.Join("; ", _duoCookies.Select(c => $"{c.Key}={c.Value}"));

    private void KeepCookies(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return;
        }

        foreach (var cookie in cookies)
        {
            var pair = cookie.Split(';', 2)[0];
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                _duoCookies[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
            }
        }
    }

    private KeymanException Unreachable(Uri url, string reason, Exception? inner) => IsDuo(url)
        ? new KeymanException(ExitCodes.Network, $"Cannot reach Duo at {url.GetLeftPart(UriPartial.Authority)}: {reason}",
            "Duo may be having an outage (see status.duo.com) or a proxy blocks it; try again later or choose another MFA factor.", inner)
        : new KeymanException(ExitCodes.Network, $"Cannot reach Okta during Duo sign-in: {reason}", "Check your network or VPN, then run keyman again.", inner);
}
