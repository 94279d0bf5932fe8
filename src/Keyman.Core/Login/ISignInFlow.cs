using Keyman.Core.Okta;

namespace Keyman.Core.Login;

/// <summary>What a sign-in starts from: who, the password, and the AWS app link when the org's sign-in starts there.</summary>
public sealed record SignInRequest(string Username, string Password, string? AppLink)
{
    public override string ToString() => $"SignInRequest {{ Username = {Username}, Password = (hidden), AppLink = {AppLink} }}";
}

/// <summary>
/// Where a sign-in ended: in an Okta session (Classic authn, IDX), from which the AWS app's page is then opened, or
/// directly in the AWS app's page (the device authorization flow, whose web SSO token opens the app without leaving
/// Keyman an Okta session). Exactly one of the two is set.
/// </summary>
public sealed record SignInResult
{
    private SignInResult(OktaSession? session, AppPage? appPage) => (Session, AppPage) = (session, appPage);

    public OktaSession? Session { get; }

    /// <summary>The AWS app's page (its SAML form), for a flow that signs in to the app rather than to Okta.</summary>
    public AppPage? AppPage { get; }

    public static SignInResult ToOkta(OktaSession session) => new(session ?? throw new ArgumentNullException(nameof(session)), null);

    public static SignInResult ToApp(AppPage page) => new(null, page ?? throw new ArgumentNullException(nameof(page)));
}

/// <summary>
/// One way to sign in (azureauth's IAuthFlow): Classic authn, the Identity Engine's IDX, the device authorization.
/// <see cref="LoginFlow"/> does not care which one produced the session or the app page.
/// </summary>
public interface ISignInFlow
{
    /// <summary>The name shown in -D output and in the chain's error.</summary>
    string Name { get; }

    /// <summary>Why this flow cannot run for the request (it is then skipped), or null when it can.</summary>
    string? CannotRun(SignInRequest request);

    /// <summary>Signs in; a returned session's id is the sid cookie for the org.</summary>
    Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Tries the flows in order (azureauth's AuthFlowExecutor). A flow that cannot run, or that stops at a step only a
/// browser can take (exit 19), hands over to the next; any other failure (wrong password, a rejected push) is the
/// user's answer and ends the login. When no flow finishes, the error lists what each one said.
/// </summary>
public sealed class SignInChain(IReadOnlyList<ISignInFlow> flows, Ui.ILog log)
{
    public IReadOnlyList<ISignInFlow> Flows => flows;

    public async Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken)
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

            if (last is not null)
            {
                // The user sees why the next flow takes over (a browser trip, for the device authorization).
                log.Warning($"{last.Message.TrimEnd('.')}; continuing with the {flow.Name}");
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
