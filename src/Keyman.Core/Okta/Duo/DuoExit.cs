namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Step 5: <c>POST /frame/v4/oidc/exit</c> sends the browser back to Okta's /oauth2/v1/authorize/callback?state&amp;code,
/// which finishes the Okta transaction by setting the <c>sid</c> session cookie.
/// </summary>
internal static class DuoExit
{
    public static async Task ExitAsync(DuoBrowser browser, DuoForm login, DuoMethod method, string txid, string sid, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("sid", sid), new("txid", txid), new("factor", method.FormValue()), new("_xsrf", login.Field("_xsrf") ?? string.Empty),
            new("device_key", string.Empty), new("dampen_choice", "false"),
        ];
        var before = browser.Okta.SessionId;
        var page = await browser.PostFormAsync(browser.Duo("frame/v4/oidc/exit"), fields, follow: false, "text/html", cancellationToken).ConfigureAwait(false);
        for (var hop = 0; page.Location is { } next && hop < 5 && browser.Okta.SessionId == before; hop++)
        {
            page = await browser.GetAsync(next, follow: false, cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(browser.Okta.SessionId) || browser.Okta.SessionId == before)
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo approved the sign-in, but Okta did not start a session (HTTP {(int)page.Status} from {page.Url.AbsolutePath})",
                "Run keyman again; report this with --debug output if it persists.");
        }
    }
}
