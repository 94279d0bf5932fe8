using System.Diagnostics;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Http;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Idx;

namespace Keyman.Tests.Http;

/// <summary>Pages and assertions nested too deep are refused before a parser spends quadratic time on them (issue 12, item 4).</summary>
public sealed class MarkupLimitsTests
{
    private static string Nested(string tag, int depth, string inner = "") =>
        string.Concat(Enumerable.Repeat($"<{tag}>", depth)) + inner + string.Concat(Enumerable.Repeat($"</{tag}>", depth));

    [Theory]
    [InlineData(250, true)]
    [InlineData(257, false)]
    [InlineData(200_000, false)]
    public void Html_depth_is_counted_in_one_pass(int depth, bool within)
    {
        var clock = Stopwatch.StartNew();
        Assert.Equal(within, MarkupLimits.HtmlWithinLimits("<html>" + Nested("div", depth)));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Void_self_closing_script_and_comment_content_do_not_count()
    {
        var page = "<html><head><script>for (var i = 0; i < 5; i++) { a = '<div><div>'; }</script><!-- <div><div><div> --></head><body>"
            + string.Concat(Enumerable.Repeat("<br><img src=x><input name=a /><p/>", 10_000)) + "</body></html>";
        Assert.True(MarkupLimits.HtmlWithinLimits(page));
    }

    [Fact]
    public void Siblings_are_not_depth()
    {
        Assert.True(MarkupLimits.HtmlWithinLimits(string.Concat(Enumerable.Repeat("<div><span>x</span></div>", 50_000))));
    }

    [Fact]
    public void A_deep_app_page_is_an_Okta_error_before_parsing()
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<KeymanException>(() => AppPageParser.Parse(Nested("div", 200_000), new Uri("https://acme.okta.com/home/amazon_aws/0oa1/272")));
        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void A_deep_sign_in_page_is_an_Okta_error_before_parsing()
    {
        var e = Assert.Throws<KeymanException>(() => IdxSignInPage.FindStateToken(Nested("b", 100_000, "<script>var x = {\"stateToken\":\"abc\"};</script>")));
        Assert.Equal(ExitCodes.OktaError, e.ExitCode);
    }

    [Fact]
    public void A_deep_AWS_sign_in_page_shows_account_IDs_instead_of_names()
    {
        var clock = Stopwatch.StartNew();
        Assert.Empty(AccountAliases.Parse(Nested("div", 200_000, "<div class=\"saml-account-name\">Account: prod (222222222222)</div>")));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal("prod", AccountAliases.Parse(Nested("div", 10, "<div class=\"saml-account-name\">Account: prod (222222222222)</div>"))["222222222222"]);
    }

    [Fact]
    public void A_deep_SAML_assertion_is_a_Saml_error()
    {
        var xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">" + Nested("x", 100_000) + "</samlp:Response>";
        var e = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(xml))));
        Assert.Equal(ExitCodes.Saml, e.ExitCode);
        Assert.Contains("nests deeper than 64 levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_SAML_assertion_over_the_size_cap_is_a_Saml_error()
    {
        var xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">" + new string('a', 5 * 1024 * 1024) + "</samlp:Response>";
        var e = Assert.Throws<KeymanException>(() => SamlAssertion.Parse(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(xml))));
        Assert.Equal(ExitCodes.Saml, e.ExitCode);
    }
}
