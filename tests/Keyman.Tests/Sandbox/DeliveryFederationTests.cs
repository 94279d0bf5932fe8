using System.Net;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

/// <summary>Console federation: getSigninToken with sandbox credentials, SessionDuration rules, login redirect, token age.</summary>
public sealed class DeliveryFederationTests : DeliveryTestBase
{
    [Fact]
    public async Task Saml_credentials_get_a_signin_token_that_logs_in_to_the_destination()
    {
        var creds = await SamlCredentials();
        var response = await GetSigninToken(SessionJson(creds), "43200");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["SigninToken"];
        Assert.False(string.IsNullOrEmpty(token));

        var login = await Login(token!, "https://console.aws.amazon.com/ec2/home?region=us-east-1");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("https://console.aws.amazon.com/ec2/home?region=us-east-1", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Post_form_works_like_get()
    {
        var creds = await SamlCredentials();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "getSigninToken", ["SessionDuration"] = "900", ["Session"] = SessionJson(creds),
        });
        var response = await Http.PostAsync("/federation", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["SigninToken"]);
    }

    [Fact]
    public async Task Wrong_unknown_or_malformed_credentials_are_a_bad_request()
    {
        var creds = await SamlCredentials();
        await AssertBadRequestPage(await GetSigninToken(SessionJson(creds with { Secret = "x" + creds.Secret[1..] })));
        await AssertBadRequestPage(await GetSigninToken(SessionJson(creds with { Token = creds.Token + "A" })));
        await AssertBadRequestPage(await GetSigninToken(SessionJson(creds with { AccessKeyId = "ASIAUNKNOWN000000000" })));
        await AssertBadRequestPage(await GetSigninToken("{\"sessionId\":\"" + creds.AccessKeyId + "\"}"));
        await AssertBadRequestPage(await GetSigninToken("not json"));
        await AssertBadRequestPage(await Http.GetAsync("/federation?Action=getSigninToken"));
        await AssertBadRequestPage(await Http.GetAsync("/federation?Action=frobnicate"));
    }

    [Fact]
    public async Task Expired_credentials_are_a_bad_request()
    {
        var creds = await SamlCredentials(900);
        Clock.Advance(TimeSpan.FromSeconds(899));
        await SigninToken(creds);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertBadRequestPage(await GetSigninToken(SessionJson(creds)));

        var other = await SamlCredentials();
        var (status, _, _) = await PostJson("/_sandbox/credentials/expire", new { });
        Assert.Equal(HttpStatusCode.OK, status);
        await AssertBadRequestPage(await GetSigninToken(SessionJson(other)));
    }

    [Theory]
    [InlineData("899")]
    [InlineData("43201")]
    [InlineData("-1")]
    [InlineData("1h")]
    [InlineData("")]
    public async Task Session_duration_outside_900_to_43200_is_a_bad_request(string duration)
    {
        var creds = await SamlCredentials();
        await AssertBadRequestPage(await GetSigninToken(SessionJson(creds), duration));
    }

    [Fact]
    public async Task Role_chained_credentials_allow_at_most_one_hour()
    {
        var chained = await ChainedCredentials(await SamlCredentials());
        await SigninToken(chained, "3600");
        await SigninToken(chained);
        await AssertBadRequestPage(await GetSigninToken(SessionJson(chained), "3601"));
    }

    [Fact]
    public async Task Signin_tokens_are_valid_for_fifteen_minutes()
    {
        var token = await SigninToken(await SamlCredentials());
        Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await Login(token)).StatusCode);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var late = await Login(token);
        await AssertBadRequestPage(late);
        Assert.Contains("Invalid token", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_needs_a_known_token_and_an_absolute_destination()
    {
        var token = await SigninToken(await SamlCredentials());
        await AssertBadRequestPage(await Login("not-a-token"));
        await AssertBadRequestPage(await Login(token, "/relative"));
        await AssertBadRequestPage(await Http.GetAsync("/federation?Action=login&SigninToken=" + Uri.EscapeDataString(token)));
    }

    [Fact]
    public async Task Signin_calls_are_logged_without_secrets()
    {
        var creds = await SamlCredentials();
        var token = await SigninToken(creds);
        await Login(token);

        var log = await RequestLog("?service=signin");
        Assert.Equal(2, log.Count);
        Assert.Equal(["getSigninToken", "login"], log.Select(e => (string?)e!["action"]));
        Assert.All(log, e =>
        {
            Assert.Equal("/federation", (string?)e!["path"]);
            Assert.Equal("GET", (string?)e["method"]);
        });
        Assert.Equal([200, 302], log.Select(e => (int)e!["status"]!));

        var everything = await Http.GetStringAsync("/_sandbox/requests");
        foreach (var secret in new[] { creds.Secret, creds.Token, token })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }
}
