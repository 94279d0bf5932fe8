using Keyman.Core.Okta.Idx;

namespace Keyman.Tests.Okta.Idx;

/// <summary>The state token of the Identity Engine sign-in page, with its JavaScript escapes (reference oie.md §2).</summary>
public sealed class IdxSignInPageTests
{
    private static string Page(string script) => $$"""
        <!DOCTYPE html>
        <html><head><title>Acme - Sign In</title>
        <script nonce="n">window.okta = { locale: 'en' };</script>
        </head><body><div id="okta-sign-in"></div>
        <script type="text/javascript" nonce="n">{{script}}</script>
        </body></html>
        """;

    [Fact]
    public void HexAndUnicodeEscapes_AreDecoded()
    {
        var html = Page("""var oktaData = {"redirectUri":"https\x3A\x2F\x2Facme.okta.com\x2Fapp","signIn":{"logoText":"Acme","stateToken":"02\x2Dab\u002DCD\\x\x5Fz","baseUrl":"https://acme.okta.com"}};""");

        Assert.Equal(@"02-ab-CD\x_z", IdxSignInPage.FindStateToken(html));
    }

    [Fact]
    public void SpacesAroundTheColon_AreAllowed()
    {
        Assert.Equal("02abc", IdxSignInPage.FindStateToken(Page("""var config = { "stateToken" : "02abc" };""")));
    }

    [Fact]
    public void TokenOutsideAScript_IsIgnored()
    {
        var html = """<html><body><pre>"stateToken":"not-in-a-script"</pre><script>var x = 1;</script></body></html>""";

        Assert.Null(IdxSignInPage.FindStateToken(html));
    }

    [Fact]
    public void PageWithoutToken_GivesNull()
    {
        Assert.Null(IdxSignInPage.FindStateToken(Page("""var oktaData = {"signIn":{"stateToken":null}};""")));
        Assert.Null(IdxSignInPage.FindStateToken(string.Empty));
    }
}
