using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Keyman.Core.Http;

namespace Keyman.Core.Okta;

/// <summary>Reads Okta's AWS app page: the auto-submit SAML form, a step-up (application-level MFA) page, or an error page.</summary>
internal static partial class AppPageParser
{
    /// <exception cref="KeymanException">OktaError when the page is larger or nests deeper than <see cref="MarkupLimits"/> allow.</exception>
    public static AppPage Parse(string html, Uri url)
    {
        if (!MarkupLimits.HtmlWithinLimits(html))
        {
            throw new KeymanException(ExitCodes.OktaError,
                $"Okta's app page at {url.GetLeftPart(UriPartial.Path)} is larger than 2 MiB or nests deeper than {MarkupLimits.MaxHtmlDepth} levels; Keyman does not parse it",
                "A genuine Okta app page is small; check the Okta URL and any proxy in between.");
        }

        var document = new HtmlParser().ParseDocument(html);
        var finalUrl = new Uri(url.GetLeftPart(UriPartial.Path));

        var input = document.QuerySelector("input[name=SAMLResponse]");
        var saml = RemoveWhitespace(input?.GetAttribute("value"));
        if (!string.IsNullOrEmpty(saml))
        {
            var form = input!.Closest("form") ?? document.QuerySelector("form");
            Uri? action = null;
            if (form?.GetAttribute("action") is { Length: > 0 } actionText)
            {
                Uri.TryCreate(url, actionText.Trim(), out action);
            }

            return new AppPage(saml, action, null, null, finalUrl);
        }

        var looksLikeStepUp = IndicatesStepUp(url.AbsoluteUri) || IndicatesStepUp(html);
        var stateToken = looksLikeStepUp ? FindStateToken(html) : null;
        string? error = document.QuerySelector(".error-content h1")?.TextContent.Trim() is { Length: > 0 } h1 ? h1 : null;
        if (stateToken is null)
        {
            if (looksLikeStepUp && error is null)
            {
                error = "Okta asks for application-level MFA, but its page has no stateToken Keyman can read";
            }

            error ??= document.Title?.Trim() is { Length: > 0 } title ? title : null;
        }

        return new AppPage(null, null, stateToken, error, finalUrl);
    }

    /// <summary>True for Okta's sign-in page (the session has ended), as opposed to a step-up or app page.</summary>
    public static bool IsLoginPage(Uri url, string html)
    {
        var path = url.AbsolutePath;
        return path.StartsWith("/login/login.htm", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/signin", StringComparison.OrdinalIgnoreCase)
            || path.Equals("/login/default", StringComparison.OrdinalIgnoreCase)
            || (html.Contains("okta-sign-in", StringComparison.Ordinal) && !html.Contains("error-content", StringComparison.Ordinal)
                && !IndicatesStepUp(html) && !IndicatesStepUp(url.AbsoluteUri));
    }

    private static bool IndicatesStepUp(string text) =>
        text.Contains("/second-factor", StringComparison.OrdinalIgnoreCase)
        || text.Contains("/login/step-up/", StringComparison.OrdinalIgnoreCase);

    internal static string? FindStateToken(string html)
    {
        var match = JsStateToken().Match(html);
        if (!match.Success)
        {
            match = JsonStateToken().Match(html);
        }

        if (!match.Success)
        {
            return null;
        }

        var token = Unescape(match.Groups[1].Value);
        return token.Length == 0 ? null : token;
    }

    /// <summary>Undoes the JavaScript escapes Okta puts in tokens: \x2D (also doubled, \\x2D) and \u002D.</summary>
    private static string Unescape(string value)
    {
        value = HexEscape().Replace(value, m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());
        return UnicodeEscape().Replace(value, m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());
    }

    private static string? RemoveWhitespace(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"var\s+stateToken\s*=\s*'([^'\s]{1,4096})'", RegexOptions.CultureInvariant)]
    private static partial Regex JsStateToken();

    [GeneratedRegex(@"""stateToken""\s*:\s*""([^""\s]{1,4096})""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonStateToken();

    [GeneratedRegex(@"\\{1,2}x([0-9A-Fa-f]{2})", RegexOptions.CultureInvariant)]
    private static partial Regex HexEscape();

    [GeneratedRegex(@"\\{1,2}u([0-9A-Fa-f]{4})", RegexOptions.CultureInvariant)]
    private static partial Regex UnicodeEscape();
}
