namespace Keyman.Core.Okta.Duo;

/// <summary>Step 4: <c>POST /frame/v4/status {txid, sid}</c>; <c>status_code</c> is pushed, calling, answered, allow, deny or timeout.</summary>
internal static class DuoStatusPoll
{
    public static async Task<DuoJson> PollAsync(DuoBrowser browser, string txid, string sid, CancellationToken cancellationToken)
    {
        var page = await browser.PostFormAsync(browser.Duo("frame/v4/status"), [new("txid", txid), new("sid", sid)], follow: false, "application/json", cancellationToken).ConfigureAwait(false);
        var answer = DuoJson.Parse(page, "the status check");
        if (!answer.Ok)
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo's status check failed: {answer.Message ?? "no reason given"}", "Run keyman again.");
        }

        return answer;
    }
}
