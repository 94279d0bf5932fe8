using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Duo from the terminal, one client for both of Okta's engines: opens Duo's prompt (from Okta Classic's <c>next</c> link,
/// or, for the Identity Engine's Duo authenticator, Duo Web's frame with the host and signed request of the challenge),
/// asks for push, phone call or passcode, waits for Duo's verdict and returns it the way the engine takes it: Classic
/// through Okta's callback, which leaves the Okta session in <see cref="OktaClient.SessionId"/> (the sid cookie) or
/// sends a step-up back to the app; the Identity Engine as the signed response the sign-in page posts back.
/// </summary>
internal sealed class DuoAuthenticator(OktaClient okta, IInteraction interaction, ILog log, TimeProvider time, MfaOptions options)
{
    /// <summary>Okta Classic login: Duo's flow ends in a new Okta session (the sid cookie).</summary>
    public async Task SignInAsync(Uri next, DuoMethod method, CancellationToken cancellationToken)
    {
        var before = okta.SessionId;
        var page = await ThroughOktaAsync(next, method, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(okta.SessionId) || okta.SessionId == before)
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo approved the sign-in, but Okta did not start a session (HTTP {(int)page.Status} from {page.Url.AbsolutePath})",
                "Run keyman again; report this with --debug output if it persists.");
        }

        log.Debug("Duo sign-in finished; Okta set the session cookie");
    }

    /// <summary>Okta Classic app-level step-up: returns where Okta's callback sends the browser (the step-up redirect back to the app).</summary>
    public async Task<Uri?> StepUpAsync(Uri next, DuoMethod method, CancellationToken cancellationToken)
    {
        var page = await ThroughOktaAsync(next, method, cancellationToken).ConfigureAwait(false);
        log.Debug($"Duo step-up finished; Okta continues at {page.Location?.GetLeftPart(UriPartial.Path) ?? "(nowhere)"}");
        return page.Location;
    }

    /// <summary>
    /// The Identity Engine's Duo authenticator: Duo Web's frame opened on <paramref name="host"/> with the challenge's
    /// <paramref name="signedToken"/> (TX…:APP…); returns the signed response (AUTH…:APP…) to post as signatureData.
    /// </summary>
    public async Task<string> SignFrameAsync(string host, string signedToken, DuoMethod method, CancellationToken cancellationToken)
    {
        var browser = DuoBrowser.ForHost(okta, log, host);
        var prompt = await DuoFrame.OpenAsync(browser, signedToken, cancellationToken).ConfigureAwait(false);
        var (_, verdict, sid) = await PromptAsync(browser, prompt, method, postAuthDestination: null, cancellationToken).ConfigureAwait(false);
        return await DuoFrame.ResultAsync(browser, verdict, sid, signedToken, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DuoBrowser.Page> ThroughOktaAsync(Uri next, DuoMethod method, CancellationToken cancellationToken)
    {
        var browser = new DuoBrowser(okta, log);
        var prompt = await DuoPromptStart.OpenAsync(browser, next, cancellationToken).ConfigureAwait(false);
        if (DuoSinglePage.Find(browser, prompt) is { } singlePage)
        {
            log.Debug("Duo serves its single-page prompt");
            var back = await SinglePageAsync(singlePage, method, cancellationToken).ConfigureAwait(false);
            return await DuoExit.ToOktaAsync(browser, back, cancellationToken).ConfigureAwait(false);
        }

        var (login, verdict, sid) = await PromptAsync(browser, prompt, method, "OIDC_EXIT", cancellationToken).ConfigureAwait(false);
        return await DuoExit.ExitAsync(browser, login, method, verdict["txid"] ?? string.Empty, sid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Duo's single-page prompt: the chosen method until Duo allows it; returns the URL back to Okta.</summary>
    private async Task<Uri> SinglePageAsync(DuoSinglePage page, DuoMethod method, CancellationToken cancellationToken)
    {
        var devices = await page.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (method == DuoMethod.Passcode)
        {
            await AskPasscodeAsync(async (passcode, c) => await page.PasscodeAsync(passcode, c).ConfigureAwait(false) ? null : string.Empty, cancellationToken).ConfigureAwait(false);
            return await page.FinalizeAsync(cancellationToken).ConfigureAwait(false);
        }

        var device = devices[method == DuoMethod.Push ? "push" : "phone_call"].FirstOrDefault()
            ?? throw new KeymanException(ExitCodes.MfaUnavailable, $"Duo lists no device capable of {method.MenuName()}",
                "Choose another Duo method (-d passcode or -d call), or check your devices in Duo.");
        var (txid, stepUpCode) = await page.StartAsync(method, device, cancellationToken).ConfigureAwait(false);
        log.MustShow(method == DuoMethod.Push ? $"Duo Push sent to {device.Name}; approve it on your phone" : $"Calling {device.Name}…");
        if (stepUpCode is { Length: > 0 })
        {
            log.MustShowWarning($"Duo Verified Push: enter {stepUpCode} in Duo Mobile");
        }

        var polls = 0;
        var verdict = await WaitAsync(method, c => page.PollAsync(method, txid, polls++ > 0, c), cancellationToken).ConfigureAwait(false);
        return verdict["status_code"] == "allow" ? await page.FinalizeAsync(cancellationToken).ConfigureAwait(false) : throw Failure(method, verdict);
    }

    /// <summary>The prompt page's plugin form, then the chosen method until Duo allows it; the allowing verdict carries its txid.</summary>
    private async Task<(DuoForm Login, DuoJson Verdict, string Sid)> PromptAsync(DuoBrowser browser, DuoBrowser.Page prompt, DuoMethod method, string? postAuthDestination, CancellationToken cancellationToken)
    {
        var login = await DuoPluginForm.SubmitAsync(browser, prompt, cancellationToken).ConfigureAwait(false);
        var sid = login.Field("sid") ?? string.Empty;
        var device = login.Devices.FirstOrDefault(d => d.Key == login.PreferredDevice) ?? login.Devices.FirstOrDefault();
        if (device is null && method != DuoMethod.Passcode)
        {
            throw new KeymanException(ExitCodes.MfaUnavailable, $"Duo lists no device for {method.MenuName()}",
                "Add a phone in Duo (through your Okta sign-in in a browser), or use a Duo passcode (-d passcode).");
        }

        var start = new DuoPrompt.Start(login, device, postAuthDestination);
        var verdict = method == DuoMethod.Passcode
            ? await PasscodeAsync(browser, start, sid, cancellationToken).ConfigureAwait(false)
            : await PushOrCallAsync(browser, start, method, device!, sid, cancellationToken).ConfigureAwait(false);
        return (login, verdict, sid);
    }

    private async Task<DuoJson> PushOrCallAsync(DuoBrowser browser, DuoPrompt.Start start, DuoMethod method, DuoDevice device, string sid, CancellationToken cancellationToken)
    {
        var txid = await DuoPrompt.StartAsync(browser, start, method, null, cancellationToken).ConfigureAwait(false);
        log.MustShow(method == DuoMethod.Push ? $"Duo Push sent to {device.Name}; approve it on your phone" : $"Calling {device.Name}…");
        var verdict = await WaitAsync(method, c => DuoStatusPoll.PollAsync(browser, txid, sid, c), cancellationToken).ConfigureAwait(false);
        if (verdict["status_code"] == "allow")
        {
            return verdict.WithTxid(txid);
        }

        throw Failure(method, verdict);
    }

    private async Task<DuoJson> PasscodeAsync(DuoBrowser browser, DuoPrompt.Start start, string sid, CancellationToken cancellationToken)
    {
        DuoJson? allowed = null;
        await AskPasscodeAsync(async (passcode, c) =>
        {
            var txid = await DuoPrompt.StartAsync(browser, start, DuoMethod.Passcode, passcode, c).ConfigureAwait(false);
            var verdict = await WaitAsync(DuoMethod.Passcode, p => DuoStatusPoll.PollAsync(browser, txid, sid, p), c).ConfigureAwait(false);
            if (verdict["status_code"] == "allow")
            {
                allowed = verdict.WithTxid(txid);
                return null;
            }

            return verdict["status_code"] == "deny" ? verdict["status"] ?? string.Empty : throw Failure(DuoMethod.Passcode, verdict);
        }, cancellationToken).ConfigureAwait(false);
        return allowed!;
    }

    /// <summary>Asks for a passcode until <paramref name="check"/> accepts one, up to MaxCodeAttempts times.</summary>
    /// <param name="check">Null when Duo accepted the passcode, else Duo's reason (may be empty).</param>
    private async Task AskPasscodeAsync(Func<string, CancellationToken, Task<string?>> check, CancellationToken cancellationToken)
    {
        if (!interaction.CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage, "A Duo passcode needs a terminal to enter it", "Run keyman in a terminal, or use Duo Push (-d push).");
        }

        var attempts = Math.Max(1, options.MaxCodeAttempts);
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var input = await interaction.AskAsync("Duo passcode: ", true, cancellationToken).ConfigureAwait(false) ?? string.Empty;
            var passcode = string.Concat(input.Where(c => !char.IsWhiteSpace(c)));
            if (passcode.Length == 0)
            {
                log.MustShowWarning("No code entered");
                continue;
            }

            if (await check(passcode, cancellationToken).ConfigureAwait(false) is not { } why)
            {
                return;
            }

            log.MustShowWarning($"Duo did not accept the passcode{(why.Length > 0 ? $" ({why})" : string.Empty)}");
        }

        throw new KeymanException(ExitCodes.MfaFailed, $"MFA failed: no valid Duo passcode after {attempts} attempts",
            "Use a fresh passcode from Duo Mobile or your Duo token, then run keyman again.");
    }

    /// <summary>Polls until Duo decides (allow, deny, timeout) or <see cref="MfaOptions.PushTimeout"/> passes.</summary>
    private async Task<DuoJson> WaitAsync(DuoMethod method, Func<CancellationToken, Task<DuoJson>> poll, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.PushTimeout;
        using var wait = method == DuoMethod.Passcode ? WaitIndicator.None : interaction.Wait($"Waiting for {method.MenuName()}");
        string? shownCode = null;
        while (true)
        {
            var status = await poll(cancellationToken).ConfigureAwait(false);
            var code = status["status_code"];
            log.Debug($"Duo status: {code ?? "(none)"}");
            if (code is "allow" or "deny" or "timeout" or "fraud")
            {
                return status;
            }

            if (status["step_up_code"] is { Length: > 0 } verified && verified != shownCode)
            {
                log.MustShowWarning($"Duo Verified Push: enter {verified} in Duo Mobile");
                shownCode = verified;
            }

            if (code == "answered")
            {
                log.Info("Call answered; follow the instructions on the phone");
            }

            if (time.GetUtcNow() >= deadline)
            {
                throw new KeymanException(ExitCodes.MfaFailed, $"{method.MenuName()} timed out: not approved within {options.PushTimeout.TotalSeconds:0} s",
                    "Approve the Duo request sooner, then run keyman again.");
            }

            await Task.Delay(options.PushPollInterval > TimeSpan.Zero ? options.PushPollInterval : TimeSpan.Zero, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static KeymanException Failure(DuoMethod method, DuoJson verdict) => verdict["status_code"] switch
    {
        "deny" or "fraud" => new KeymanException(ExitCodes.MfaFailed, $"{method.MenuName()} was denied{Reason(verdict)}",
            "If you did not deny it yourself, tell your security team. Run keyman again to retry."),
        "timeout" => new KeymanException(ExitCodes.MfaFailed, $"{method.MenuName()} timed out on Duo's side{Reason(verdict)}",
            "Answer the Duo request sooner, then run keyman again."),
        _ => new KeymanException(ExitCodes.MfaFailed, $"{method.MenuName()} failed ({verdict["status_code"] ?? "no result"})", "Run keyman again, or choose another Duo method."),
    };

    private static string Reason(DuoJson verdict) => verdict["status"] is { Length: > 0 } text ? $": {text}" : string.Empty;
}
