using System.Net;

namespace Keyman.Core.Okta;

/// <summary>Turns the configured org ("acme", "acme.okta.com", "https://login.acme.com") into the Okta base URL.</summary>
public static class OktaOrg
{
    private const string Example = "Use your org's name (acme), its domain (acme.okta.com) or its URL (https://acme.okta.com).";

    /// <summary>
    /// "acme" becomes https://acme.okta.com (https://acme.oktapreview.com with <paramref name="oktaPreview"/>); a domain gets https://;
    /// a URL is kept. Plain http is accepted only for loopback addresses (local test servers).
    /// </summary>
    public static Uri Resolve(string org, bool oktaPreview = false)
    {
        var value = (org ?? string.Empty).Trim();
        if (value.Length == 0)
        {
            throw Invalid("No Okta org is configured", Example);
        }

        if (value.Contains('$', StringComparison.Ordinal))
        {
            throw Invalid($"The Okta org \"{value}\" is a placeholder",
                "Replace $OKTA_ORG (from the how-to) by your org, e.g. acme or https://acme.okta.com.");
        }

        if (value.Any(char.IsWhiteSpace))
        {
            throw Invalid($"The Okta org \"{value}\" contains spaces", Example);
        }

        if (!value.Contains("://", StringComparison.Ordinal))
        {
            var isBareName = value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
            if (isBareName)
            {
                value = $"https://{value}.{(oktaPreview ? "oktapreview.com" : "okta.com")}";
            }
            else
            {
                value = "https://" + value;
            }
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid($"The Okta org \"{org}\" is not a valid name or URL", Example);
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (!IsLoopback(uri))
            {
                throw Invalid($"The Okta org {org} uses http://; Okta must be reached over https",
                    $"Use https://{uri.Authority}.");
            }
        }
        else if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid($"The Okta org {org} uses {uri.Scheme}://; Okta must be reached over https", Example);
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw Invalid($"The Okta org \"{org}\" has a path; Keyman needs only the org's address",
                $"Use {uri.Scheme}://{uri.Authority}; the AWS app is chosen with appid.");
        }

        return new Uri($"{uri.Scheme}://{uri.Authority}/");
    }

    /// <summary>The base URL as people write it: "https://acme.okta.com" (no trailing slash).</summary>
    public static string Display(Uri baseUrl) => baseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>True for localhost, 127.0.0.0/8 and [::1]: the only hosts Keyman talks to over plain http (local test servers).</summary>
    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback
        || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static KeymanException Invalid(string message, string hint) => new(ExitCodes.Config, message, hint);
}
