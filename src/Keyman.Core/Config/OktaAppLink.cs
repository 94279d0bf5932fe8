namespace Keyman.Core.Config;

/// <summary>
/// The Okta AWS app ID from what a user pastes: the app ID itself ("0oa1b2c3d4EXAMPLE/272"), or the app's whole link
/// from the Okta dashboard ("https://acme.okta.com/home/amazon_aws/0oa1b2c3d4EXAMPLE/272?fromHome=true"), which
/// aws_okta_keyman cannot use in its config file.
/// </summary>
public static class OktaAppLink
{
    private const string Marker = "/home/amazon_aws/";

    /// <summary>The part after /home/amazon_aws/ (query, fragment and slashes around it dropped); anything else as given.</summary>
    public static string ToAppId(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        var at = text.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return text;
        }

        var rest = text[(at + Marker.Length)..];
        var end = rest.IndexOfAny(['?', '#']);
        var appId = (end < 0 ? rest : rest[..end]).Trim('/');
        return appId.Length == 0 ? text : appId;
    }
}
