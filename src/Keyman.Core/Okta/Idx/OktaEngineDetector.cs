using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Idx;

/// <summary>Which Okta engine an org runs: Classic (<c>/api/v1/authn</c>) or the Identity Engine (IDX).</summary>
public enum OktaEngine
{
    Classic,
    IdentityEngine,
}

/// <summary>An engine remembered for an org, and when it was learnt.</summary>
public sealed record OktaEngineRecord(OktaEngine Engine, DateTimeOffset CheckedAt);

/// <summary>Where detected engines are remembered (per org); <see cref="OktaEngineDetector"/> decides how long they hold.</summary>
public interface IOktaEngineCache
{
    OktaEngineRecord? Read(Uri org);

    void Write(Uri org, OktaEngineRecord record);
}

/// <summary>A cache for one process (tests, and callers that keep nothing on disk).</summary>
public sealed class InMemoryOktaEngineCache : IOktaEngineCache
{
    private readonly Dictionary<string, OktaEngineRecord> _records = new(StringComparer.OrdinalIgnoreCase);

    public OktaEngineRecord? Read(Uri org) => _records.TryGetValue(OktaOrg.Display(org), out var record) ? record : null;

    public void Write(Uri org, OktaEngineRecord record) => _records[OktaOrg.Display(org)] = record;
}

/// <summary>
/// <c>GET /.well-known/okta-organization</c>: <c>"pipeline":"v1"</c> is Classic, <c>"idx"</c> the Identity Engine
/// (okta/okta-aws-cli internal/okta/organization.go; gimme-aws-creds okta_platform). Remembered per org for a day.
/// </summary>
public sealed class OktaEngineDetector
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromDays(1);

    private readonly HttpMessageInvoker _http;
    private readonly ILog _log;
    private readonly TimeProvider _time;
    private readonly IOktaEngineCache _cache;

    public OktaEngineDetector(HttpMessageInvoker http, ILog log, TimeProvider time, IOktaEngineCache? cache = null)
    {
        _http = http;
        _log = log;
        _time = time;
        _cache = cache ?? new InMemoryOktaEngineCache();
    }

    public async Task<OktaEngine> DetectAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var org = OktaOrg.Display(baseUrl);
        var now = _time.GetUtcNow();
        if (_cache.Read(baseUrl) is { } known && now - known.CheckedAt < CacheLifetime && known.CheckedAt <= now)
        {
            _log.Debug($"Okta org {org} runs {Describe(known.Engine)} (remembered)");
            return known.Engine;
        }

        var url = new Uri(new Uri(org + "/"), ".well-known/okta-organization");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new KeymanException(ExitCodes.Network, $"Cannot reach Okta at {org}: {e.Message}",
                "Check your network or VPN connection and the org URL in your config.", e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new KeymanException(status >= 500 ? ExitCodes.Network : ExitCodes.RateLimited,
                    $"Okta at {org} did not say which engine it runs (HTTP {status} from {url.AbsolutePath})",
                    "Okta may be having an outage (see status.okta.com); try again later.");
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            OktaOrganizationBody? body = null;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    body = JsonSerializer.Deserialize(bytes, IdxJsonContext.Default.OktaOrganizationBody);
                }
                catch (JsonException)
                {
                    body = null;
                }
            }

            var engine = body?.Pipeline?.Trim().ToLowerInvariant() switch
            {
                "v1" => OktaEngine.Classic,
                "idx" => OktaEngine.IdentityEngine,
                _ => (OktaEngine?)null,
            };
            if (engine is null)
            {
                var what = !response.IsSuccessStatusCode ? $"HTTP {status}" : body is null ? "an answer that is not Okta's" : $"pipeline \"{body.Pipeline}\"";
                throw new KeymanException(ExitCodes.OktaError, $"{org} did not say which Okta engine it runs ({what} from {url.AbsolutePath})",
                    $"Check that {org} is your Okta org (the address of your Okta sign-in page).");
            }

            _cache.Write(baseUrl, new OktaEngineRecord(engine.Value, now));
            _log.Debug($"Okta org {org} runs {Describe(engine.Value)}");
            return engine.Value;
        }
    }

    public static string Describe(OktaEngine engine) => engine == OktaEngine.IdentityEngine ? "Okta Identity Engine" : "Okta Classic";
}
