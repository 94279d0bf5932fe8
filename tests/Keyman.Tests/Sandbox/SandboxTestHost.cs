using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Microsoft.Extensions.Time.Testing;

namespace Keyman.Tests.Sandbox;

/// <summary>
/// A fresh in-process sandbox per test (xunit makes one class instance per test), with a fake clock and a raw
/// HttpClient: no cookie container and no redirect following, so tests see exactly what the server sends.
/// </summary>
public abstract class SandboxTestBase : IAsyncLifetime
{
    public const string Password = "correct-horse-battery";

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected RunningSandbox Sandbox { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    protected string Base => Sandbox.BaseUrl;

    protected virtual ScenarioDocument? Scenario => null;

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxHost.StartAsync(new SandboxOptions { Clock = Clock, Scenario = Scenario });
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(Base) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Sandbox.DisposeAsync();
    }

    protected async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> PostJson(string pathOrUrl, object body, string? sid = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pathOrUrl)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (sid is not null)
        {
            request.Headers.Add("Cookie", $"sid={sid}");
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!, response);
    }

    protected async Task<HttpResponseMessage> Get(string pathOrUrl, string? sid = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathOrUrl);
        if (sid is not null)
        {
            request.Headers.Add("Cookie", $"sid={sid}");
        }

        return await Http.SendAsync(request);
    }

    protected Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> Authn(string login, string password = Password) =>
        PostJson("/api/v1/authn", new { username = login, password });

    protected Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> Verify(JsonNode transaction, string factorId, object? extra = null)
    {
        var body = new JsonObject { ["stateToken"] = (string)transaction["stateToken"]! };
        if (extra is not null)
        {
            foreach (var (k, v) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject())
            {
                body[k] = v?.DeepClone();
            }
        }

        return PostJson($"/api/v1/authn/factors/{factorId}/verify", body);
    }

    /// <summary>Primary auth + POST /api/v1/sessions for a user who needs no MFA; returns the sid.</summary>
    protected async Task<string> SessionFor(string login = "nomfa@example.com")
    {
        var (status, body, _) = await Authn(login);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("SUCCESS", (string?)body["status"]);
        return await SessionFromToken((string)body["sessionToken"]!);
    }

    protected async Task<string> SessionFromToken(string sessionToken)
    {
        var (status, session, _) = await PostJson("/api/v1/sessions", new { sessionToken });
        Assert.Equal(HttpStatusCode.OK, status);
        return (string)session["id"]!;
    }

    protected async Task<string> TotpCode(string user, string factor)
    {
        var json = JsonNode.Parse(await Http.GetStringAsync($"/_sandbox/totp?user={user}&factor={factor}"))!;
        return (string)json["code"]!;
    }

    /// <summary>Fetches the app page and returns the decoded SAMLResponse base64 (as a client would post it).</summary>
    protected async Task<string> SamlFor(string sid, string appId)
    {
        var response = await Get($"/home/amazon_aws/{appId}", sid);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ExtractSaml(await response.Content.ReadAsStringAsync());
    }

    protected static string ExtractSaml(string html)
    {
        var match = Regex.Match(html, "<input name=\"SAMLResponse\" type=\"hidden\" value=\"([^\"]*)\"");
        Assert.True(match.Success, "no SAMLResponse input in page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    protected static XDocument DecodeSaml(string base64) => XDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));

    protected static List<string> AttributeValues(XDocument saml, string name)
    {
        XNamespace a = "urn:oasis:names:tc:SAML:2.0:assertion";
        return saml.Descendants(a + "Attribute").Where(e => (string?)e.Attribute("Name") == name)
            .SelectMany(e => e.Elements(a + "AttributeValue")).Select(e => e.Value).ToList();
    }

    protected async Task<(HttpStatusCode Status, XDocument Xml)> Sts(Dictionary<string, string> form, StsSigner? signer = null)
    {
        form.TryAdd("Version", "2011-06-15");
        var body = string.Join('&', form.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };
        signer?.Sign(request, new Uri(Base).Authority, body);
        var response = await Http.SendAsync(request);
        return (response.StatusCode, XDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    protected static string? StsValue(XDocument xml, string name)
    {
        XNamespace sts = "https://sts.amazonaws.com/doc/2011-06-15/";
        return xml.Descendants(sts + name).FirstOrDefault()?.Value;
    }

    protected async Task<(string AccessKeyId, string Secret, string Token)> AssumeWithSaml(string roleArn, string principalArn, string saml, int? duration = null)
    {
        var form = new Dictionary<string, string> { ["Action"] = "AssumeRoleWithSAML", ["RoleArn"] = roleArn, ["PrincipalArn"] = principalArn, ["SAMLAssertion"] = saml };
        if (duration is not null)
        {
            form["DurationSeconds"] = duration.Value.ToString(CultureInfo.InvariantCulture);
        }

        var (status, xml) = await Sts(form);
        Assert.Equal(HttpStatusCode.OK, status);
        return (StsValue(xml, "AccessKeyId")!, StsValue(xml, "SecretAccessKey")!, StsValue(xml, "SessionToken")!);
    }
}

/// <summary>
/// A minimal SigV4 signer written for the tests (separate from the sandbox's verifier) signing
/// content-type;host;x-amz-date;x-amz-security-token for service "sts".
/// </summary>
public sealed class StsSigner(string accessKeyId, string secret, string? token, DateTimeOffset signAt, string region = "us-east-1")
{
    public void Sign(HttpRequestMessage request, string host, string body)
    {
        var amzDate = signAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = host,
            ["x-amz-date"] = amzDate,
        };
        if (token is not null)
        {
            headers["x-amz-security-token"] = token;
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"POST\n/\n\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"))}\n{signedHeaders}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        var scope = $"{date}/{region}/sts/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secret);
        foreach (var part in new[] { date, region, "sts", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
