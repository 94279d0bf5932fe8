using Keyman.Core.Ui;

namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Okta Classic's Duo Universal Prompt factor from the terminal: opens Duo's prompt from Okta's <c>next</c> link, asks
/// for push, phone call or passcode, waits for Duo's verdict and returns through Okta's callback, which leaves the Okta
/// session in <see cref="OktaClient.SessionId"/> (the sid cookie), as a browser would have it.
/// </summary>
internal sealed class DuoAuthenticator(OktaClient okta, IInteraction interaction, ILog log, TimeProvider time, MfaOptions options)
{
    public async Task SignInAsync(Uri next, DuoMethod method, CancellationToken cancellationToken)
    {
        var browser = new DuoBrowser(okta, log);
        var prompt = await DuoPromptStart.OpenAsync(browser, next, cancellationToken).ConfigureAwait(false);
        var login = await DuoPluginForm.SubmitAsync(browser, prompt, cancellationToken).ConfigureAwait(false);
        var sid = login.Field("sid") ?? string.Empty;
        var device = login.Devices.FirstOrDefault(d => d.Key == login.PreferredDevice) ?? login.Devices.FirstOrDefault();
        if (device is null && method != DuoMethod.Passcode)
        {
            throw new KeymanException(ExitCodes.MfaUnavailable, $"Duo lists no device for {method.MenuName()}",
                "Add a phone in Duo (through your Okta sign-in in a browser), or use a Duo passcode (-d passcode).");
        }

        var txid = method == DuoMethod.Passcode
            ? await PasscodeAsync(browser, login, device, sid, cancellationToken).ConfigureAwait(false)
            : await PushOrCallAsync(browser, login, method, device!, sid, cancellationToken).ConfigureAwait(false);
        await DuoExit.ExitAsync(browser, login, method, txid, sid, cancellationToken).ConfigureAwait(false);
        log.Debug("Duo sign-in finished; Okta set the session cookie");
    }

    private async Task<string> PushOrCallAsync(DuoBrowser browser, DuoForm login, DuoMethod method, DuoDevice device, string sid, CancellationToken cancellationToken)
    {
        var txid = await DuoPrompt.StartAsync(browser, login, method, device, null, cancellationToken).ConfigureAwait(false);
        log.Info(method == DuoMethod.Push ? $"Duo Push sent to {device.Name}; approve it on your phone" : $"Calling {device.Name}…");
        var verdict = await WaitAsync(browser, method, txid, sid, cancellationToken).ConfigureAwait(false);
        if (verdict["status_code"] == "allow")
        {
            return txid;
        }

        throw Failure(method, verdict);
    }

    private async Task<string> PasscodeAsync(DuoBrowser browser, DuoForm login, DuoDevice? device, string sid, CancellationToken cancellationToken)
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
                log.Warning("No code entered");
                continue;
            }

            var txid = await DuoPrompt.StartAsync(browser, login, DuoMethod.Passcode, device, passcode, cancellationToken).ConfigureAwait(false);
            var verdict = await WaitAsync(browser, DuoMethod.Passcode, txid, sid, cancellationToken).ConfigureAwait(false);
            if (verdict["status_code"] == "allow")
            {
                return txid;
            }

            if (verdict["status_code"] != "deny")
            {
                throw Failure(DuoMethod.Passcode, verdict);
            }

            log.Warning($"Duo did not accept the passcode{(verdict["status"] is { Length: > 0 } why ? $" ({why})" : string.Empty)}");
        }

        throw new KeymanException(ExitCodes.MfaFailed, $"MFA failed: no valid Duo passcode after {attempts} attempts",
            "Use a fresh passcode from Duo Mobile or your Duo token, then run keyman again.");
    }

    /// <summary>Polls until Duo decides (allow, deny, timeout) or <see cref="MfaOptions.PushTimeout"/> passes.</summary>
    private async Task<DuoJson> WaitAsync(DuoBrowser browser, DuoMethod method, string txid, string sid, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.PushTimeout;
        string? shownCode = null;
        while (true)
        {
            var status = await DuoStatusPoll.PollAsync(browser, txid, sid, cancellationToken).ConfigureAwait(false);
            var code = status["status_code"];
            log.Debug($"Duo status: {code ?? "(none)"}");
            if (code is "allow" or "deny" or "timeout" or "fraud")
            {
                return status;
            }

            if (status["step_up_code"] is { Length: > 0 } verified && verified != shownCode)
            {
                log.Warning($"Duo Verified Push: enter {verified} in Duo Mobile");
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
