using System.Globalization;
using System.Text;
using AngleSharp.Html.Parser;
using Keyman.Core.Http;

namespace Keyman.Core.Okta.Idx;

/// <summary>
/// The Identity Engine sign-in page that an app link answers without a session: its scripts carry the IDX state as
/// <c>"stateToken":"…"</c> in a JavaScript string, with escapes (<c>\x2D</c> for "-", <c>\uXXXX</c>, <c>\\</c>).
/// </summary>
public static class IdxSignInPage
{
    private const string Marker = "\"stateToken\"";

    /// <summary>The decoded state token of the page's first script that has one, or null.</summary>
    /// <exception cref="KeymanException">OktaError when the page is larger or nests deeper than <see cref="MarkupLimits"/> allow.</exception>
    public static string? FindStateToken(string html)
    {
        html ??= string.Empty;
        if (!MarkupLimits.HtmlWithinLimits(html))
        {
            throw new KeymanException(ExitCodes.OktaError,
                $"Okta's sign-in page is larger than 2 MiB or nests deeper than {MarkupLimits.MaxHtmlDepth} levels; Keyman does not parse it",
                "A genuine Okta sign-in page is small; check the Okta URL and any proxy in between.");
        }

        var document = new HtmlParser().ParseDocument(html);
        foreach (var script in document.Scripts)
        {
            if (ReadStateToken(script.TextContent) is { Length: > 0 } token)
            {
                return token;
            }
        }

        return null;
    }

    /// <summary>Finds <c>"stateToken" : "…"</c> in one script and decodes the string literal.</summary>
    internal static string? ReadStateToken(string script)
    {
        for (var at = script.IndexOf(Marker, StringComparison.Ordinal); at >= 0; at = script.IndexOf(Marker, at + 1, StringComparison.Ordinal))
        {
            var i = at + Marker.Length;
            i = SkipSpaces(script, i);
            if (i >= script.Length || script[i] != ':')
            {
                continue;
            }

            i = SkipSpaces(script, i + 1);
            if (i < script.Length && script[i] is '"' or '\'' && DecodeLiteral(script, i) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Decodes the JavaScript string literal that starts with the quote at <paramref name="start"/>; null when it does not end.</summary>
    internal static string? DecodeLiteral(string text, int start)
    {
        var quote = text[start];
        var result = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == quote)
            {
                return result.ToString();
            }

            if (c is '\n' or '\r')
            {
                return null;
            }

            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            if (++i >= text.Length)
            {
                return null;
            }

            var e = text[i];
            switch (e)
            {
                case 'x' when Hex(text, i + 1, 2) is { } code:
                    result.Append((char)code);
                    i += 2;
                    break;
                case 'u' when Hex(text, i + 1, 4) is { } code:
                    result.Append((char)code);
                    i += 4;
                    break;
                case 'n':
                    result.Append('\n');
                    break;
                case 't':
                    result.Append('\t');
                    break;
                case 'r':
                    result.Append('\r');
                    break;
                default:
                    // \\, \", \', \/ and any other escaped character stand for themselves.
                    result.Append(e);
                    break;
            }
        }

        return null;
    }

    private static int? Hex(string text, int start, int length) =>
        start + length <= text.Length
        && int.TryParse(text.AsSpan(start, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;

    private static int SkipSpaces(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }
}
