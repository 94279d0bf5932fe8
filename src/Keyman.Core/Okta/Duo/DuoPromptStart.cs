namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Step 1: Okta's <c>next</c> link (GET /sso/idps/{id}?stateToken) redirects to Duo's /oauth/v1/authorize, which leads to
/// the frameless prompt page (/frame/frameless/v4/auth?sid&amp;tx) carrying the <c>plugin_form</c>.
/// </summary>
internal static class DuoPromptStart
{
    public static async Task<DuoBrowser.Page> OpenAsync(DuoBrowser browser, Uri next, CancellationToken cancellationToken)
    {
        var page = await browser.GetAsync(next, follow: true, cancellationToken).ConfigureAwait(false);
        if (browser.DuoOrigin is null)
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Okta did not send Duo's sign-in (HTTP {(int)page.Status} from {page.Url.AbsolutePath})",
                "Run keyman again; if it persists, your Duo integration may need a browser. Report this with --debug output.");
        }

        return page;
    }
}
