namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Step 3: the login form posted to its action (/frame/prompt, or /frame/v4/prompt on newer pages) with the page's fields
/// plus <c>factor</c>, <c>device</c>, a passcode and, for Okta Classic's OIDC flow, <c>postAuthDestination=OIDC_EXIT</c>
/// (Duo Web's frame takes none: aws_okta_keyman duo.py); Duo answers with a <c>txid</c>.
/// </summary>
internal static class DuoPrompt
{
    /// <summary>What every prompt of one sign-in shares: the login form, the device, where Duo goes afterwards.</summary>
    public sealed record Start(DuoForm Login, DuoDevice? Device, string? PostAuthDestination);

    public static async Task<string> StartAsync(DuoBrowser browser, Start start, DuoMethod method, string? passcode, CancellationToken cancellationToken)
    {
        var login = start.Login;
        var values = new List<(string, string)>
        {
            ("factor", method.FormValue()),
            ("device", start.Device?.Key ?? login.Field("device") ?? string.Empty),
        };
        if (start.PostAuthDestination is not null)
        {
            values.Add(("postAuthDestination", start.PostAuthDestination));
        }

        if (passcode is not null)
        {
            values.Add(("passcode", passcode));
        }

        var page = await browser.PostFormAsync(login.Action, login.With([.. values]), follow: false, "application/json", cancellationToken).ConfigureAwait(false);
        var answer = DuoJson.Parse(page, "the prompt");
        if (answer.Ok && answer["txid"] is { Length: > 0 } txid)
        {
            return txid;
        }

        // A push or call Duo refuses to start means no device can take it: nothing to retry.
        throw new KeymanException(method == DuoMethod.Passcode ? ExitCodes.MfaFailed : ExitCodes.MfaUnavailable,
            $"Duo refused to start {method.MenuName()}: {answer.Message ?? "no reason given"}",
            method == DuoMethod.Passcode ? "Run keyman again and choose another Duo method." : "Choose another Duo method (-d passcode or -d call), or check your devices in Duo.");
    }
}
