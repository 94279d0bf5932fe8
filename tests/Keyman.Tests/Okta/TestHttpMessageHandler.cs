using System.Net;
using System.Text;

namespace Keyman.Tests.Okta;

/// <summary>A request as the handler saw it.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public string Path => Uri.AbsolutePath;

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// Canned responses per method + path (queried in order; the last one of a path can be made sticky), records every
/// request, and fails on unexpected ones.
/// </summary>
public sealed class TestHttpMessageHandler : HttpMessageHandler
{
    private readonly List<Route> _routes = [];

    public List<RecordedRequest> Requests { get; } = [];

    public IEnumerable<RecordedRequest> To(string path) => Requests.Where(r => r.Path == path);

    public TestHttpMessageHandler On(HttpMethod method, string path, Func<RecordedRequest, HttpResponseMessage> respond, bool sticky = false)
    {
        _routes.Add(new Route(method, path, respond, sticky));
        return this;
    }

    public TestHttpMessageHandler OnJson(HttpMethod method, string path, string json, HttpStatusCode status = HttpStatusCode.OK,
        bool sticky = false, Action<HttpResponseMessage>? configure = null) =>
        On(method, path, _ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            configure?.Invoke(response);
            return response;
        }, sticky);

    public TestHttpMessageHandler OnHtml(string path, string html, HttpStatusCode status = HttpStatusCode.OK) =>
        On(HttpMethod.Get, path, _ => new HttpResponseMessage(status) { Content = new StringContent(html, Encoding.UTF8, "text/html") });

    public TestHttpMessageHandler OnRedirect(string path, string location, string? setCookie = null) =>
        On(HttpMethod.Get, path, _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Found);
            response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
            if (setCookie is not null)
            {
                response.Headers.Add("Set-Cookie", setCookie);
            }

            return response;
        });

    public TestHttpMessageHandler Throw(HttpMethod method, string path, Func<Exception> exception, bool sticky = false) =>
        On(method, path, _ => throw exception(), sticky);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, body, request.Content?.Headers.ContentType?.ToString(), headers);
        Requests.Add(recorded);

        var route = _routes.FirstOrDefault(r => r.Method == request.Method && r.Path == request.RequestUri!.AbsolutePath)
            ?? throw new InvalidOperationException($"Unexpected request {request.Method} {request.RequestUri}");
        var sameRoutes = _routes.Count(r => r.Method == route.Method && r.Path == route.Path);
        if (!(route.Sticky && sameRoutes == 1))
        {
            _routes.Remove(route);
        }

        return route.Respond(recorded);
    }

    private sealed record Route(HttpMethod Method, string Path, Func<RecordedRequest, HttpResponseMessage> Respond, bool Sticky);
}

/// <summary>A clock whose delays complete at once while time moves on by the delay; records every delay.</summary>
public sealed class InstantTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private DateTimeOffset _now = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    public List<TimeSpan> Delays { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _now += dueTime;
                Delays.Add(dueTime);
            }
        }

        return System.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
