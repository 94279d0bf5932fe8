using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

/// <summary>Helpers for the "sessions and credential delivery" sandbox tests: credentials, federation calls, the request log.</summary>
public abstract class DeliveryTestBase : SandboxTestBase
{
    protected const string DevApp = "0oa1dev2AbCdEfGh/272";
    protected const string DeveloperRole = "arn:aws:iam::111111111111:role/Developer";
    protected const string Provider = "arn:aws:iam::111111111111:saml-provider/Okta";
    protected const string BedrockRole = "arn:aws:iam::111111111111:role/my-bedrock-role";

    protected sealed record Creds(string AccessKeyId, string Secret, string Token, DateTimeOffset Expiration);

    /// <summary>Okta sign-in, app page, AssumeRoleWithSAML into Developer (max 43200).</summary>
    protected async Task<Creds> SamlCredentials(int? duration = null)
    {
        var sid = await SessionFor();
        var saml = await SamlFor(sid, DevApp);
        var form = new Dictionary<string, string>
        {
            ["Action"] = "AssumeRoleWithSAML", ["RoleArn"] = DeveloperRole, ["PrincipalArn"] = Provider, ["SAMLAssertion"] = saml,
        };
        if (duration is not null)
        {
            form["DurationSeconds"] = duration.Value.ToString(CultureInfo.InvariantCulture);
        }

        var (status, xml) = await Sts(form);
        Assert.Equal(HttpStatusCode.OK, status);
        return new Creds(StsValue(xml, "AccessKeyId")!, StsValue(xml, "SecretAccessKey")!, StsValue(xml, "SessionToken")!,
            DateTimeOffset.Parse(StsValue(xml, "Expiration")!, CultureInfo.InvariantCulture));
    }

    /// <summary>Role chaining: AssumeRole into my-bedrock-role with Developer credentials.</summary>
    protected async Task<Creds> ChainedCredentials(Creds source)
    {
        var signer = new StsSigner(source.AccessKeyId, source.Secret, source.Token, Clock.GetUtcNow());
        var (status, xml) = await Sts(new() { ["Action"] = "AssumeRole", ["RoleArn"] = BedrockRole, ["RoleSessionName"] = "chain" }, signer);
        Assert.Equal(HttpStatusCode.OK, status);
        return new Creds(StsValue(xml, "AccessKeyId")!, StsValue(xml, "SecretAccessKey")!, StsValue(xml, "SessionToken")!,
            DateTimeOffset.Parse(StsValue(xml, "Expiration")!, CultureInfo.InvariantCulture));
    }

    protected static string SessionJson(Creds c) =>
        new JsonObject { ["sessionId"] = c.AccessKeyId, ["sessionKey"] = c.Secret, ["sessionToken"] = c.Token }.ToJsonString();

    protected async Task<HttpResponseMessage> GetSigninToken(string sessionJson, string? sessionDuration = null)
    {
        var url = "/federation?Action=getSigninToken"
            + (sessionDuration is null ? "" : "&SessionDuration=" + sessionDuration)
            + "&Session=" + Uri.EscapeDataString(sessionJson);
        return await Http.GetAsync(url);
    }

    protected async Task<string> SigninToken(Creds c, string? sessionDuration = null)
    {
        var response = await GetSigninToken(SessionJson(c), sessionDuration);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (string)body["SigninToken"]!;
    }

    protected Task<HttpResponseMessage> Login(string signinToken, string destination = "https://console.aws.amazon.com/") =>
        Http.GetAsync("/federation?Action=login&Issuer=" + Uri.EscapeDataString("https://example.okta.com")
            + "&Destination=" + Uri.EscapeDataString(destination) + "&SigninToken=" + Uri.EscapeDataString(signinToken));

    protected async Task<JsonArray> RequestLog(string query = "") =>
        JsonNode.Parse(await Http.GetStringAsync("/_sandbox/requests" + query))!.AsArray();

    protected static async Task AssertBadRequestPage(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
