using Keyman.Sandbox.Okta;

namespace Keyman.Sandbox.Hosting;

/// <summary>
/// Runs around every request: logs it (never query strings or bodies, which carry secrets), adds latency,
/// and applies the Okta-side faults and rate limit before the endpoint sees the request.
/// </summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, SandboxState state)
{
    public const string ActionItem = "sandbox.sts.action";
    private const int DefaultRateLimit = 600;

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var service = ServiceOf(path);
        // The entry's time is when the request came in: a client may have its answer (and move the clock) before
        // the entry is written.
        var received = state.Now;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (service != "control" && state.Faults.LatencyMs > 0)
        {
            await Task.Delay(state.Faults.LatencyMs, http.RequestAborted);
        }

        if (service == "okta")
        {
            OktaHeaders(http);
        }

        if (service == "okta" && await OktaFaultAsync(http, path))
        {
            Log(http, path, service, received, started);
            return;
        }

        await next(http);
        if (service != "control")
        {
            Log(http, path, service, received, started);
        }
    }

    /// <summary>
    /// What every answer of a real org carries: an X-Okta-Request-Id (the id support asks for), and redirects with an
    /// absolute Location on the org's own origin.
    /// </summary>
    private static void OktaHeaders(HttpContext http)
    {
        http.Response.Headers["X-Okta-Request-Id"] = RandomTokens.OktaRequestId();
        http.Response.OnStarting(() =>
        {
            var location = http.Response.Headers.Location.ToString();
            if (location.Length > 0 && Uri.TryCreate(location, UriKind.Relative, out _) && location.StartsWith('/'))
            {
                http.Response.Headers.Location = OktaJson.OrgUrl(http.Request) + location;
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>True when the request was answered with a fault.</summary>
    private async Task<bool> OktaFaultAsync(HttpContext http, string path)
    {
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            int limit, remaining;
            long reset;
            bool exhausted;
            lock (state.Sync)
            {
                var window = state.OktaRateLimit;
                var now = state.Now;
                if (now - window.WindowStart >= TimeSpan.FromMinutes(1))
                {
                    window.WindowStart = now;
                    window.Used = 0;
                }

                limit = state.Settings.OktaRequestBudget ?? DefaultRateLimit;
                window.Used++;
                exhausted = state.Settings.OktaRequestBudget is not null && window.Used > limit;
                remaining = Math.Max(0, limit - window.Used);
                reset = window.WindowStart.AddMinutes(1).ToUnixTimeSeconds();
            }

            var forced = state.Faults.TryConsume("okta429");
            if (forced)
            {
                // A forced 429 plays "the limit was hit near the end of the window": the reset is 2 s away, so clients
                // that honour X-Rate-Limit-Reset can be seen waiting without a test taking a minute.
                remaining = 0;
                reset = Math.Min(reset, state.Now.AddSeconds(2).ToUnixTimeSeconds());
            }

            http.Response.Headers["X-Rate-Limit-Limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["X-Rate-Limit-Remaining"] = remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["X-Rate-Limit-Reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (forced || exhausted)
            {
                await OktaJson.Error(429, "E0000047", "API call exceeded rate limit due to too many requests.").ExecuteAsync(http);
                return true;
            }
        }

        if (state.Faults.TryConsume("okta5xx"))
        {
            await OktaJson.Error(500, "E0000009", "Internal Server Error").ExecuteAsync(http);
            return true;
        }

        return false;
    }

    private void Log(HttpContext http, string path, string service, DateTimeOffset received, long started)
    {
        var action = http.Items.TryGetValue(ActionItem, out var a) ? a as string : null;
        lock (state.Sync)
        {
            state.RequestLog.Add(new RequestLogEntry(received, http.Request.Method, path, action, http.Response.StatusCode, service)
            {
                Seq = state.RequestLog.Count + 1,
                ElapsedMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                Credential = CredentialKind(http.Request.Headers.Authorization.ToString()),
            });
        }
    }

    private static string? CredentialKind(string authorization) => authorization switch
    {
        _ when authorization.StartsWith("AWS4-HMAC-SHA256", StringComparison.Ordinal) => "sigv4",
        _ when authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) => "bearer",
        "" => null,
        _ => "other",
    };

    private static string ServiceOf(string path) => path switch
    {
        _ when path.StartsWith("/_sandbox", StringComparison.Ordinal) => "control",
        _ when path.StartsWith("/api/", StringComparison.Ordinal)
            || path.StartsWith("/home/", StringComparison.Ordinal)
            || path.StartsWith("/login/", StringComparison.Ordinal)
            || path.StartsWith("/idp/", StringComparison.Ordinal)
            || path.StartsWith("/oauth2/", StringComparison.Ordinal)
            || path.StartsWith("/activate", StringComparison.Ordinal)
            || path.StartsWith("/.well-known/", StringComparison.Ordinal) => "okta",
        _ when path.StartsWith("/frame/", StringComparison.Ordinal) || path.StartsWith("/oauth/v1/", StringComparison.Ordinal)
            || path.StartsWith("/prompt/", StringComparison.Ordinal) => "duo",
        "/" => "sts",
        _ when path.StartsWith("/foundation-models", StringComparison.Ordinal)
            || path.StartsWith("/inference-profiles", StringComparison.Ordinal) => "bedrock",
        _ when path.StartsWith("/model/", StringComparison.Ordinal) => "bedrock-runtime",
        Signin.FederationEndpoints.Path or Signin.SamlSigninEndpoints.Path => "signin",
        _ => "other",
    };
}
