using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Idx;

/// <summary>
/// HTTP for the Identity Engine's IDX API: ion+json requests to one org. Returns every answer that carries an IDX body
/// (Okta answers 400/401/403 with the same shape plus messages), so the caller decides what a message means.
/// Cookies (JSESSIONID, DT, idx) are the transport's business: give it an invoker that keeps them.
/// Never logs bodies: they hold the state handle, the password and codes.
/// </summary>
public sealed class IdxClient
{
    internal const string IonMediaType = "application/ion+json";
    private static readonly NameValueHeaderValue OktaVersion = new("okta-version", "1.0.0");

    private readonly HttpMessageInvoker _http;
    private readonly ILog _log;

    /// <param name="baseUrl">The org, from <see cref="OktaOrg.Resolve"/>.</param>
    /// <param name="http">The transport (the shared request pipeline); the caller keeps ownership.</param>
    public IdxClient(Uri baseUrl, HttpMessageInvoker http, ILog log)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(http);
        BaseUrl = new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + "/");
        _http = http;
        _log = log;
    }

    public Uri BaseUrl { get; }

    /// <summary>POST /idp/idx/introspect {"stateToken"}: the state of a sign-in started by the app's sign-in page.</summary>
    internal Task<IdxResponse> IntrospectAsync(string stateToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateToken);
        var body = JsonSerializer.SerializeToUtf8Bytes(new IntrospectRequest { StateToken = stateToken }, IdxJsonContext.Default.IntrospectRequest);
        return SendAsync(HttpMethod.Post, new Uri(BaseUrl, "idp/idx/introspect"), body, "introspect", cancellationToken);
    }

    /// <summary>Submits a form (a remediation, resend or poll) to its href with its method.</summary>
    internal Task<IdxResponse> SubmitAsync(IdxForm form, JsonObject body, CancellationToken cancellationToken)
    {
        var url = Resolve(form.Href);
        var method = string.IsNullOrEmpty(form.Method) ? HttpMethod.Post : new HttpMethod(form.Method.ToUpperInvariant());
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, IdxJsonContext.Default.JsonObject);
        return SendAsync(method, url, bytes, form.Name ?? url.AbsolutePath, cancellationToken);
    }

    /// <summary>An href from an IDX answer, which must stay on the org (it will carry the state handle).</summary>
    internal Uri Resolve(string? href)
    {
        if (string.IsNullOrEmpty(href) || !Uri.TryCreate(BaseUrl, href, out var url)
            || Uri.Compare(url, BaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new KeymanException(ExitCodes.OktaError,
                $"Okta's sign-in sent a link outside the org {OktaOrg.Display(BaseUrl)}; Keyman does not follow it",
                "Sign in through a browser; report this with --debug output.");
        }

        return url;
    }

    private async Task<IdxResponse> SendAsync(HttpMethod method, Uri url, byte[] body, string step, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        var ion = new MediaTypeWithQualityHeaderValue(IonMediaType);
        ion.Parameters.Add(OktaVersion);
        request.Headers.Accept.Add(ion);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(IonMediaType);
        request.Content.Headers.ContentType.Parameters.Add(OktaVersion);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(BaseUrl)}: {e.Message}",
                "Check your network or VPN connection and the org URL in your config.", e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            _log.Debug($"IDX {step}: {method} {url.AbsolutePath} -> {status}");
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new KeymanException(ExitCodes.RateLimited, $"Okta rate limit hit during sign-in ({url.AbsolutePath})",
                    "Wait a minute and run keyman again.");
            }

            if (status >= 500)
            {
                throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {OktaOrg.Display(BaseUrl)}: HTTP {status} from {url.AbsolutePath}",
                    "Okta may be having an outage (see status.okta.com); try again later.");
            }

            IdxResponse? parsed = null;
            try
            {
                // The answer keeps JsonElements that are read later: text in them must be UTF-8 before any is trusted (fuzz finding).
                parsed = bytes.Length == 0 || !System.Text.Unicode.Utf8.IsValid(bytes) ? null : JsonSerializer.Deserialize(bytes, IdxJsonContext.Default.IdxResponse);
            }
            catch (JsonException e)
            {
                _log.Debug($"IDX {step}: answer is not IDX JSON ({e.Path})");
            }

            if (parsed is null)
            {
                throw new KeymanException(ExitCodes.OktaError,
                    $"Okta answered the sign-in step \"{step}\" with HTTP {status} and no Identity Engine answer",
                    $"Check that {OktaOrg.Display(BaseUrl)} is your Okta org; report this with --debug output if it is.");
            }

            return parsed;
        }
    }
}
