namespace Keyman.Core.Http;

/// <summary>
/// Bounds on pages servers send, checked before a parser sees them: HTML parsers take time that grows with the square
/// of the nesting (200,000 nested &lt;div&gt;s in 1 MB took 521 s of CPU), and real pages nest a few dozen levels.
/// </summary>
public static class MarkupLimits
{
    /// <summary>The deepest HTML nesting parsed (Okta's pages and AWS's sign-in page nest under 40).</summary>
    public const int MaxHtmlDepth = 256;

    /// <summary>The deepest XML nesting parsed (a SAML assertion nests under 10).</summary>
    public const int MaxXmlDepth = 64;

    /// <summary>The largest page parsed, in characters; the HTTP size caps stop larger answers earlier.</summary>
    public const int MaxHtmlChars = 2 * 1024 * 1024;

    private static readonly HashSet<string> VoidElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    };

    /// <summary>
    /// Whether <paramref name="html"/> is within <see cref="MaxHtmlChars"/> and nests at most <see cref="MaxHtmlDepth"/>
    /// elements, counted in one pass (time linear in the size): an open tag that is not void or self-closing goes one
    /// level down, a close tag one up; comments and the text of script, style, textarea and title are skipped. Tags a
    /// parser would close by itself (an unclosed &lt;p&gt;) count as open, so the count never falls short of the real depth.
    /// </summary>
    public static bool HtmlWithinLimits(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (html.Length > MaxHtmlChars)
        {
            return false;
        }

        var depth = 0;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && i + 1 < html.Length)
        {
            var next = html[i + 1];
            if (html.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal))
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
            }
            else if (next == '/')
            {
                depth = Math.Max(0, depth - 1);
                i += 2;
            }
            else if (char.IsAsciiLetter(next))
            {
                var nameEnd = i + 1;
                while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':'))
                {
                    nameEnd++;
                }

                var name = html[(i + 1)..nameEnd];
                var close = html.IndexOf('>', nameEnd);
                if (close < 0)
                {
                    break;
                }

                i = close + 1;
                if (VoidElements.Contains(name) || html[close - 1] == '/')
                {
                    continue;
                }

                if (name.Equals("script", StringComparison.OrdinalIgnoreCase) || name.Equals("style", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("textarea", StringComparison.OrdinalIgnoreCase) || name.Equals("title", StringComparison.OrdinalIgnoreCase))
                {
                    var end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                    i = end < 0 ? html.Length : end;
                    depth++;
                    continue;
                }

                if (++depth > MaxHtmlDepth)
                {
                    return false;
                }
            }
            else
            {
                i++;
            }
        }

        return true;
    }
}
