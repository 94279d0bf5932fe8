namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Duo Web's frame, as the Identity Engine's sign-in page opens it for the Duo authenticator (okta-signin-widget
/// BaseDuoAuthenticatorForm: Duo.init with contextualData's host and signedToken; aws_okta_keyman duo.py walks the
/// same frame without a browser): <c>/frame/web/v1/auth?tx&amp;parent&amp;v</c> opens the prompt; after Duo allows,
/// the verdict's <c>result_url</c> answers the signed <c>AUTH|…</c> cookie, joined with the request's <c>APP|…</c> half.
/// </summary>
internal static class DuoFrame
{
    /// <summary>Duo-Web-v2.js's version parameter.</summary>
    private const string WebSdkVersion = "2.6";

    public static async Task<DuoBrowser.Page> OpenAsync(DuoBrowser browser, string signedToken, CancellationToken cancellationToken)
    {
        var (tx, _) = Split(signedToken);
        var parent = browser.Okta.BaseUrl.AbsoluteUri;
        var url = browser.Duo($"frame/web/v1/auth?tx={Uri.EscapeDataString(tx)}&parent={Uri.EscapeDataString(parent)}&v={WebSdkVersion}");
        return await browser.GetAsync(url, follow: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The signed response for Okta: Duo's AUTH cookie + ":" + the APP half of Okta's request.</summary>
    public static async Task<string> ResultAsync(DuoBrowser browser, DuoJson verdict, string sid, string signedToken, CancellationToken cancellationToken)
    {
        var (_, app) = Split(signedToken);
        var cookie = verdict["cookie"];
        if (cookie is null && verdict["result_url"] is { Length: > 0 } resultUrl && Uri.TryCreate(browser.Duo(string.Empty), resultUrl.TrimStart('/'), out var resultAt))
        {
            var page = await browser.PostFormAsync(resultAt, [new("sid", sid)], follow: false, "application/json", cancellationToken).ConfigureAwait(false);
            var answer = DuoJson.Parse(page, "the result");
            cookie = answer.Ok ? answer["cookie"] : null;
        }

        if (cookie is null || !cookie.StartsWith("AUTH|", StringComparison.Ordinal))
        {
            throw new KeymanException(ExitCodes.MfaFailed, "Duo approved the sign-in but gave no signed answer for Okta",
                "Duo may have changed its prompt; run keyman again and report this with --debug output if it persists.");
        }

        return cookie + ":" + app;
    }

    private static (string Tx, string App) Split(string signedToken)
    {
        var parts = signedToken.Split(':');
        if (parts.Length != 2 || !parts[0].StartsWith("TX|", StringComparison.Ordinal) || !parts[1].StartsWith("APP|", StringComparison.Ordinal))
        {
            throw new KeymanException(ExitCodes.MfaFailed, "Okta's Duo challenge carries no signed request Keyman can use",
                "Run keyman again; if it persists, ask your Okta administrator to check the Duo authenticator.");
        }

        return (parts[0], parts[1]);
    }
}
