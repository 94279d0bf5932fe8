using System.Net;
using Keyman.Core;
using Keyman.Core.Http;
using Keyman.Core.Okta.Idx;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;

namespace Keyman.Tests.Okta.Idx;

public sealed class OktaBrowserSessionTests
{
    private static readonly Uri Org = new("https://acme.okta.com/");

    [Fact]
    public async Task TheOrgsCookiesAreCarriedAcrossRedirectsAndTheSidIsReadBack()
    {
        var handler = new TestHttpMessageHandler()
            .OnRedirect("/login/token/redirect", "/home/amazon_aws/0oa1/272", setCookie: "sid=102abc; Path=/; Secure; HttpOnly")
            .OnHtml("/home/amazon_aws/0oa1/272", "<html><form><input name=\"SAMLResponse\" value=\"PHNhbWw+\"/></form></html>");
        using var pipeline = new HttpPipeline(transport: handler);
        using var browser = new OktaBrowserSession(Org, pipeline, new RecordingLog(), TimeProvider.System);
        browser.SessionId = null;

        var (html, url) = await browser.GetPageAsync(new Uri(Org, "login/token/redirect?stateToken=abc"), CancellationToken.None);

        Assert.Contains("SAMLResponse", html);
        Assert.Equal("/home/amazon_aws/0oa1/272", url.AbsolutePath);
        Assert.Equal("102abc", browser.SessionId);
        Assert.Equal("sid=102abc", handler.To("/home/amazon_aws/0oa1/272").Single().Header("Cookie"));
    }

    [Fact]
    public async Task AKnownSessionIsSentAndNoRedirectLeavesTheOrg()
    {
        var handler = new TestHttpMessageHandler()
            .OnRedirect("/home/amazon_aws/0oa1/272", "https://evil.example.com/phish");
        using var pipeline = new HttpPipeline(transport: handler);
        using var browser = new OktaBrowserSession(Org, pipeline, new RecordingLog(), TimeProvider.System) { SessionId = "102kept" };

        var e = await Assert.ThrowsAsync<KeymanException>(() => browser.GetPageAsync(new Uri(Org, "home/amazon_aws/0oa1/272"), CancellationToken.None));

        Assert.Equal(ExitCodes.Saml, e.ExitCode);
        Assert.Equal("sid=102kept", handler.Requests.Single().Header("Cookie"));
    }

    [Fact]
    public async Task AnOutageIsTheNetworkExitCodeAndIsNotRetried()
    {
        var handler = new TestHttpMessageHandler()
            .On(HttpMethod.Get, "/home/amazon_aws/0oa1/272", _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), sticky: true);
        using var pipeline = new HttpPipeline(transport: handler);
        using var browser = new OktaBrowserSession(Org, pipeline, new RecordingLog(), TimeProvider.System);

        var e = await Assert.ThrowsAsync<KeymanException>(() => browser.GetPageAsync(new Uri(Org, "home/amazon_aws/0oa1/272"), CancellationToken.None));

        Assert.Equal(ExitCodes.Network, e.ExitCode);
        Assert.Single(handler.Requests);
    }
}
