using System.Net;
using System.Text;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Tests.Okta;
using Keyman.Tests.Support;
using static Keyman.Tests.Aws.SamlFixtures;

namespace Keyman.Tests.Aws;

public class AccountAliasesTests
{
    private const string Page = """
        <html><body><form id="saml_form" action="/saml" method="post"><fieldset>
        <div class="saml-account"><div class="expandable-container">
          <div class="saml-account-name">Account: my prod
             account (222222222222)</div></div>
          <div class="saml-role"><input type="radio" name="roleIndex" value="arn:aws:iam::222222222222:role/Deployer"/></div></div>
        <div class="saml-account"><div class="saml-account-name">Account: dev (123456789012)</div></div>
        <div class="saml-account"><div class="saml-account-name">Account: 210987654321</div></div>
        </fieldset></form></body></html>
        """;

    private static SamlAssertion TwoAccounts() => SamlAssertion.Parse(Base64(Prefixed(
        $"{Provider1},arn:aws:iam::123456789012:role/Dev",
        $"{Provider2},arn:aws:iam::210987654321:role/Ops")));

    private static AccountAliases Aliases(TestHttpMessageHandler handler, RecordingLog log, Dictionary<string, string>? env = null) =>
        new(handler, new DictionaryEnvironment(env ?? [], "/home/tester"), log);

    private static HttpResponseMessage Html(string html, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(html, Encoding.UTF8, "text/html") };

    [Fact]
    public void Parse_keeps_names_with_spaces_whole_and_skips_accounts_without_one()
    {
        var names = AccountAliases.Parse(Page);
        Assert.Equal(2, names.Count);
        Assert.Equal("my prod account", names["222222222222"]);
        Assert.Equal("dev", names["123456789012"]);
        Assert.False(names.ContainsKey("210987654321"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not html at all <<<>>>")]
    [InlineData("<html><body><h1>Error</h1><p>Your request included an invalid SAML response.</p></body></html>")]
    [InlineData("<div class=\"saml-account-name\">Account: (12345)</div><div class=\"saml-account-name\">Account:</div>")]
    [InlineData("<meta name=\"data\" content=\"!!!not base64\">")]
    [InlineData("<meta name=\"data\" content=\"e30=\">")]
    public void Parse_finds_no_names_in_garbage(string html) => Assert.Empty(AccountAliases.Parse(html));

    [Fact]
    public void Parse_reads_the_newer_pages_meta_data_json()
    {
        var json = """{"roles_accounts":{"222222222222":{"accountName":"my prod account","roles":[]},"123456789012":"Account: dev (123456789012)"}}""";
        var html = $"<html><head><meta name=\"data\" content=\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(json))}\"></head><body></body></html>";
        var names = AccountAliases.Parse(html);
        Assert.Equal("my prod account", names["222222222222"]);
        Assert.Equal("dev", names["123456789012"]);
    }

    [Fact]
    public async Task Posts_the_assertion_form_encoded_to_the_form_action()
    {
        var handler = new TestHttpMessageHandler().On(HttpMethod.Post, "/saml", _ => Html(Page));
        var log = new RecordingLog();
        var assertion = TwoAccounts();
        var names = await Aliases(handler, log).LookUpAsync(assertion, new Uri("https://signin.aws.amazon.com/saml"), CancellationToken.None);

        Assert.Equal("dev", names["123456789012"]);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("signin.aws.amazon.com", request.Uri.Host);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType);
        Assert.Equal("SAMLResponse=" + Uri.EscapeDataString(assertion.Base64).Replace("%20", "+", StringComparison.Ordinal) + "&RelayState=", request.Body);
        Assert.DoesNotContain(assertion.Base64, log.All);
    }

    [Fact]
    public async Task One_account_means_no_request()
    {
        var handler = new TestHttpMessageHandler();
        var assertion = SamlAssertion.Parse(Base64(Prefixed($"{Provider1},arn:aws:iam::123456789012:role/Dev", $"{Provider1},arn:aws:iam::123456789012:role/Ops")));
        var names = await Aliases(handler, new RecordingLog()).LookUpAsync(assertion, null, CancellationToken.None);
        Assert.Empty(names);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Failures_give_no_names_and_a_debug_line()
    {
        var log = new RecordingLog();
        var refused = new TestHttpMessageHandler().Throw(HttpMethod.Post, "/saml", () => new HttpRequestException("Connection refused"));
        Assert.Empty(await Aliases(refused, log).LookUpAsync(TwoAccounts(), new Uri("https://signin.aws.amazon.com/saml"), CancellationToken.None));

        var error = new TestHttpMessageHandler().On(HttpMethod.Post, "/saml", _ => Html("<h1>Error</h1>", HttpStatusCode.BadRequest));
        Assert.Empty(await Aliases(error, log).LookUpAsync(TwoAccounts(), new Uri("https://signin.aws.amazon.com/saml"), CancellationToken.None));

        Assert.Contains(log.Lines, l => l.Level == "DEBUG" && l.Message.Contains("Connection refused", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Level == "DEBUG" && l.Message.Contains("HTTP 400", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/saml", true)]
    [InlineData("http://[::1]:8080/saml", true)]
    [InlineData("https://proxy.example.com/saml", true)]
    [InlineData("http://proxy.example.com/saml", false)]
    [InlineData("not a url", false)]
    public async Task The_override_must_be_https_or_loopback_http(string url, bool used)
    {
        var handler = new TestHttpMessageHandler().On(HttpMethod.Post, "/saml", _ => Html(Page));
        var names = await Aliases(handler, new RecordingLog(), new() { [AccountAliases.AcsUrlVariable] = url })
            .LookUpAsync(TwoAccounts(), new Uri("https://signin.aws.amazon.com/saml"), CancellationToken.None);
        Assert.Equal(used, handler.Requests.Count == 1);
        Assert.Equal(used, names.Count == 2);
        if (used)
        {
            Assert.Equal(new Uri(url), handler.Requests[0].Uri);
        }
    }
}
