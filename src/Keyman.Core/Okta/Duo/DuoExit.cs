namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Step 5 (Okta Classic): <c>POST /frame/v4/oidc/exit</c> sends the browser back to Okta's
/// /oauth2/v1/authorize/callback?state&amp;code, which finishes the Okta transaction: a login by setting the <c>sid</c>
/// session cookie, a step-up by redirecting back to the app. The callback's own redirect is returned, not followed.
/// </summary>
internal static class DuoExit
{
    private const int MaxHops = 5;

    public static async Task<DuoBrowser.Page> ExitAsync(DuoBrowser browser, DuoForm login, DuoMethod method, string txid, string sid, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("sid", sid), new("txid", txid), new("factor", method.FormValue()), new("_xsrf", login.Field("_xsrf") ?? string.Empty),
            new("device_key", string.Empty), new("dampen_choice", "false"),
        ];
        var page = await browser.PostFormAsync(browser.Duo("frame/v4/oidc/exit"), fields, follow: false, "text/html", cancellationToken).ConfigureAwait(false);
        return await ToOktaAsync(browser, page, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Follows Duo's redirects to Okta's callback (the single-page prompt's finalize URL starts here).</summary>
    public static Task<DuoBrowser.Page> ToOktaAsync(DuoBrowser browser, Uri next, CancellationToken cancellationToken) =>
        ToOktaAsync(browser, new DuoBrowser.Page(next, System.Net.HttpStatusCode.Found, string.Empty, next), cancellationToken);

    private static async Task<DuoBrowser.Page> ToOktaAsync(DuoBrowser browser, DuoBrowser.Page page, CancellationToken cancellationToken)
    {
        var atOkta = false;
        for (var hop = 0; !atOkta && page.Location is { } next && hop < MaxHops; hop++)
        {
            // Duo's redirects end at Okta's callback (Duo and Okta may share a host, as in the sandbox: follow at least one).
            page = await browser.GetAsync(next, follow: false, cancellationToken).ConfigureAwait(false);
            atOkta = browser.IsOkta(page.Url) && !page.Url.AbsolutePath.StartsWith("/frame/", StringComparison.Ordinal);
        }

        if (!atOkta || (int)page.Status >= 400)
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo approved the sign-in, but Okta did not take Duo's answer (HTTP {(int)page.Status} from {page.Url.AbsolutePath})",
                "Run keyman again; report this with --debug output if it persists.");
        }

        return page;
    }
}
