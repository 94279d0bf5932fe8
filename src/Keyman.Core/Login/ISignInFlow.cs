using Keyman.Core.Okta;

namespace Keyman.Core.Login;

/// <summary>What a sign-in starts from: who, the password, and the AWS app link when the org's sign-in starts there.</summary>
public sealed record SignInRequest(string Username, string Password, string? AppLink)
{
    public override string ToString() => $"SignInRequest {{ Username = {Username}, Password = (hidden), AppLink = {AppLink} }}";
}

/// <summary>
/// One way to get an Okta session (azureauth's IAuthFlow): Classic authn, the Identity Engine's IDX, and so on.
/// <see cref="LoginFlow"/> does not care which one produced the session.
/// </summary>
public interface ISignInFlow
{
    /// <summary>The name shown in -D output and in the chain's error.</summary>
    string Name { get; }

    /// <summary>Why this flow cannot run for the request (it is then skipped), or null when it can.</summary>
    string? CannotRun(SignInRequest request);

    /// <summary>Signs in; the returned session's id is the sid cookie for the org.</summary>
    Task<OktaSession> SignInAsync(SignInRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Tries the flows in order (azureauth's AuthFlowExecutor). A flow that cannot run, or that stops at a step only a
/// browser can take (exit 19), hands over to the next; any other failure (wrong password, a rejected push) is the
/// user's answer and ends the login. When no flow finishes, the error lists what each one said.
/// </summary>
public sealed class SignInChain(IReadOnlyList<ISignInFlow> flows, Ui.ILog log)
{
    public IReadOnlyList<ISignInFlow> Flows => flows;

    public async Task<OktaSession> SignInAsync(SignInRequest request, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        KeymanException? last = null;
        foreach (var flow in flows)
        {
            if (flow.CannotRun(request) is { } why)
            {
                log.Debug($"Sign-in flow \"{flow.Name}\" skipped: {why}");
                reasons.Add($"{flow.Name}: {why}");
                continue;
            }

            log.Debug($"Sign-in flow: {flow.Name}");
            try
            {
                return await flow.SignInAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (KeymanException e) when (e.ExitCode == ExitCodes.BrowserRequired)
            {
                log.Debug($"Sign-in flow \"{flow.Name}\" could not finish: {e.Message}");
                reasons.Add($"{flow.Name}: {e.Message}");
                last = e;
            }
        }

        var tried = string.Join("; ", reasons);
        throw last is not null
            ? new KeymanException(last.ExitCode, reasons.Count == 1 ? last.Message : $"No sign-in flow could finish ({tried})", last.Hint, last)
            : new KeymanException(ExitCodes.Config, $"No sign-in flow can run ({tried})",
                "Set 'appid' in the config (or pass --appid) so Keyman can start the sign-in from the AWS app.");
    }
}
