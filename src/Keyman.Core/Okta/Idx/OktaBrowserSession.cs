using System.Net;
using System.Net.Http.Headers;
using Keyman.Core.Http;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Idx;

/// <summary>
/// What a browser keeps during an Identity Engine sign-in: the org's cookies (JSESSIONID, DT, idx, sid), carried on
/// every request to the org, over the shared request pipeline. Requests are sent once (no retries: an IDX POST must
/// not be repeated), and pages are read by following same-origin redirects, as the hosted sign-in does.
/// </summary>
public sealed class OktaBrowserSession : IDisposable
{
    private const int MaxRedirects = 10;

    private readonly CookieContainer _cookies = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _org;

    public OktaBrowserSession(Uri baseUrl, HttpPipeline pipeline, ILog log, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(pipeline);
        _org = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + "/");
        var policy = new RetryPolicy
        {
            Service = "Okta",
            MaxAttempts = 1,
            AttemptTimeout = TimeSpan.FromSeconds(30),
            MaxResponseBytes = 2 * 1024 * 1024,
            NetworkFailures = NetworkRetry.Never,
        };
        _invoker = new HttpMessageInvoker(new CookieJarHandler(_cookies, _org) { InnerHandler = pipeline.CreateHandler(policy, log, time) }, disposeHandler: true);
    }

    /// <summary>The transport for <see cref="IdxClient"/>: the same cookies as the pages.</summary>
    public HttpMessageInvoker Invoker => _invoker;

    /// <summary>The Okta session cookie, read after a sign-in, or set to step up an existing session.</summary>
    public string? SessionId
    {
        get => _cookies.GetCookies(_org)["sid"]?.Value is { Length: > 0 } sid ? sid : null;
        set
        {
            if (!string.IsNullOrEmpty(value))
            {
                _cookies.Add(_org, new Cookie("sid", value, "/"));
            }
        }
    }

    public void Dispose() => _invoker.Dispose();

    /// <summary>GETs a page of the org and follows its redirects within the org; returns the HTML and where it ended.</summary>
    public async Task<(string Html, Uri Url)> GetPageAsync(Uri url, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            if (!SameOrigin(url))
            {
                throw new KeymanException(ExitCodes.Saml, $"Okta's sign-in sent Keyman to another site ({url.GetLeftPart(UriPartial.Authority)})",
                    "Keyman only follows redirects within the Okta org; the app may use another identity provider.");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            HttpResponseMessage response;
            try
            {
                response = await _invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(_org)}: {e.Message}",
                    "Check your network or VPN connection and the org URL in your config.", e);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new KeymanException(ExitCodes.Saml, $"Okta redirected the sign-in more than {MaxRedirects} times",
                            "Open the app in a browser to see where it goes.");
                    }

                    url = location.IsAbsoluteUri ? location : new Uri(url, location);
                    continue;
                }

                if (status >= 500)
                {
                    throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(_org)}: HTTP {status} from {url.AbsolutePath}",
                        "Okta may be having an outage (see status.okta.com); try again later.");
                }

                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new KeymanException(ExitCodes.NoAwsApps, $"Okta has no page {url.AbsolutePath} (HTTP 404)",
                        "Check appid in your config, or run keyman without appid to pick the AWS app from a menu.");
                }

                var html = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var page = AppPageParser.Parse(html, url);
                    throw new KeymanException(ExitCodes.OktaError, $"Okta answered HTTP {status} for {url.AbsolutePath}{(page.ErrorMessage is { } m ? ": " + m : string.Empty)}",
                        "Open the app in the Okta dashboard to see whether it works there.");
                }

                return (html, url);
            }
        }
    }

    private bool SameOrigin(Uri url) =>
        Uri.Compare(url, _org, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Sends the org's cookies and keeps the ones it sets (the transport itself keeps none).</summary>
    private sealed class CookieJarHandler(CookieContainer cookies, Uri org) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!;
            var sameOrg = Uri.Compare(url, org, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
            if (sameOrg && cookies.GetCookieHeader(url) is { Length: > 0 } header)
            {
                request.Headers.TryAddWithoutValidation("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (sameOrg && response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    try
                    {
                        cookies.SetCookies(url, setCookie);
                    }
                    catch (CookieException)
                    {
                        // A cookie the jar cannot hold is one Keyman does not need.
                    }
                }
            }

            return response;
        }
    }
}
