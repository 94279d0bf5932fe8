using System.Net;
using Keyman.Core;
using Keyman.Core.Okta.Idx;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Idx;

/// <summary>GET /.well-known/okta-organization, in the shape okta-aws-cli reads (internal/okta/organization.go).</summary>
public sealed class OktaEngineDetectorTests
{
    private const string Path = "/.well-known/okta-organization";

    private readonly TestHttpMessageHandler _http = new();
    private readonly RecordingLog _log = new();
    private readonly InstantTimeProvider _time = new();
    private readonly InMemoryOktaEngineCache _cache = new();

    private OktaEngineDetector Detector() => new(new HttpMessageInvoker(_http), _log, _time, _cache);

    private static string Organization(string pipeline) =>
        $$$"""{"id":"00o1abcdEXAMPLE","cell":"op3","_links":{"organization":{"href":"https://acme.okta.com"}},"pipeline":"{{{pipeline}}}","settings":{"analyticsCollectionEnabled":false}}""";

    [Theory]
    [InlineData("v1", OktaEngine.Classic)]
    [InlineData("idx", OktaEngine.IdentityEngine)]
    public async Task Pipeline_TellsTheEngine(string pipeline, OktaEngine expected)
    {
        _http.OnJson(HttpMethod.Get, Path, Organization(pipeline));

        Assert.Equal(expected, await Detector().DetectAsync(IdxFixtures.Org, CancellationToken.None));
        Assert.Equal("https://acme.okta.com/.well-known/okta-organization", _http.Requests.Single().Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Engine_IsRememberedForADay()
    {
        _http.OnJson(HttpMethod.Get, Path, Organization("idx"));
        _http.OnJson(HttpMethod.Get, Path, Organization("v1"));
        var detector = Detector();

        Assert.Equal(OktaEngine.IdentityEngine, await detector.DetectAsync(IdxFixtures.Org, CancellationToken.None));
        await Task.Delay(TimeSpan.FromHours(23), _time);
        Assert.Equal(OktaEngine.IdentityEngine, await detector.DetectAsync(new Uri("https://ACME.okta.com"), CancellationToken.None));
        Assert.Single(_http.Requests);

        await Task.Delay(TimeSpan.FromHours(2), _time);
        Assert.Equal(OktaEngine.Classic, await detector.DetectAsync(IdxFixtures.Org, CancellationToken.None));
        Assert.Equal(2, _http.Requests.Count);
    }

    [Fact]
    public async Task NotAnOktaOrg_FailsWithOktaError()
    {
        _http.OnHtml(Path, "<html>Not found</html>", HttpStatusCode.NotFound);

        var e = await Assert.ThrowsAsync<KeymanException>(() => Detector().DetectAsync(IdxFixtures.Org, CancellationToken.None));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("HTTP 404", e.Message, StringComparison.Ordinal);
        Assert.Null(_cache.Read(IdxFixtures.Org));
    }

    [Fact]
    public async Task UnknownPipeline_FailsWithOktaError()
    {
        _http.OnJson(HttpMethod.Get, Path, Organization("v3"));

        var e = await Assert.ThrowsAsync<KeymanException>(() => Detector().DetectAsync(IdxFixtures.Org, CancellationToken.None));

        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.Contains("\"v3\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerError_FailsWithNetwork()
    {
        _http.OnJson(HttpMethod.Get, Path, "{}", HttpStatusCode.ServiceUnavailable);

        var e = await Assert.ThrowsAsync<KeymanException>(() => Detector().DetectAsync(IdxFixtures.Org, CancellationToken.None));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
    }

    [Fact]
    public async Task Unreachable_FailsWithNetwork()
    {
        _http.Throw(HttpMethod.Get, Path, () => new HttpRequestException("Name or service not known"));

        var e = await Assert.ThrowsAsync<KeymanException>(() => Detector().DetectAsync(IdxFixtures.Org, CancellationToken.None));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Contains("Name or service not known", e.Message, StringComparison.Ordinal);
    }
}
