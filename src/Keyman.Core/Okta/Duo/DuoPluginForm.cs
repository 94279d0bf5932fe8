namespace Keyman.Core.Okta.Duo;

/// <summary>Step 2: the frameless page's <c>plugin_form</c> (browser facts Duo collects), posted back as the page fills it; Duo answers with its login form.</summary>
internal static class DuoPluginForm
{
    public static async Task<DuoForm> SubmitAsync(DuoBrowser browser, DuoBrowser.Page page, CancellationToken cancellationToken)
    {
        var plugin = DuoForm.Find(page.Body, page.Url, "plugin_form") ?? throw NotEnrolledOrChanged(page);
        var next = await browser.PostFormAsync(plugin.Action, plugin.Fields, follow: true, "text/html", cancellationToken).ConfigureAwait(false);
        return DuoForm.Find(next.Body, next.Url, "login-form") ?? throw NotEnrolledOrChanged(next);
    }

    private static KeymanException NotEnrolledOrChanged(DuoBrowser.Page page) =>
        page.Body.Contains("enroll", StringComparison.OrdinalIgnoreCase)
            ? new KeymanException(ExitCodes.MfaUnavailable, "Your account is not enrolled in Duo: Duo asks to set up a device",
                "Enroll a device in Duo through your Okta sign-in page in a browser, then run keyman again.")
            : new KeymanException(ExitCodes.MfaFailed, $"Duo's prompt page ({page.Url.AbsolutePath}) is not the one Keyman knows",
                "Duo may have changed its prompt; choose another MFA factor and report this with --debug output.");
}
