using Keyman.Core.Okta;
using Keyman.Core.Okta.Idx;

namespace Keyman.Core.Login;

/// <summary>
/// Okta Identity Engine sign-in from the terminal, as the hosted sign-in page does it: the AWS app link without a
/// session answers the sign-in page, whose stateToken starts an IDX walk (<see cref="IdxSignIn"/>); the success
/// redirect, followed with the page's cookies, sets the <c>sid</c> session cookie that the rest of the login uses.
/// Also opens the app page on an OIE org, where an app whose policy asks more answers the sign-in page again (step-up).
/// </summary>
internal sealed class IdxSignInFlow(KeymanContext context, OktaClient okta, OktaBrowserSession browser, MfaOptions mfa) : ISignInFlow
{
    public string Name => "Okta Identity Engine (IDX) terminal sign-in";

    public string? CannotRun(SignInRequest request) =>
        request.AppLink is null ? "the sign-in starts from the AWS app's link, and no app is chosen yet" : null;

    public async Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken)
    {
        var link = AppLink(request.AppLink!);
        browser.SessionId = null;
        var (html, _) = await browser.GetPageAsync(link, cancellationToken).ConfigureAwait(false);
        var stateToken = IdxSignInPage.FindStateToken(html)
            ?? throw new KeymanException(ExitCodes.OktaError, "Okta's Identity Engine did not answer the AWS app with its sign-in page",
                "Open the app in a browser to see what Okta shows; run with --debug for details.");
        var redirect = await NewSignIn().SignInAsync(stateToken, new IdxCredentials(request.Username, request.Password), cancellationToken).ConfigureAwait(false);
        await browser.GetPageAsync(redirect, cancellationToken).ConfigureAwait(false);
        var sid = browser.SessionId
            ?? throw new KeymanException(ExitCodes.OktaError, "Okta finished the sign-in but set no session cookie",
                "Sign in through a browser to check the account; run with --debug for details.");
        okta.SessionId = sid;
        var session = await okta.GetCurrentSessionAsync(cancellationToken).ConfigureAwait(false);
        return SignInResult.ToOkta(session is null ? new OktaSession(sid, request.Username, null, null) : session with { Id = sid });
    }

    /// <summary>
    /// The AWS app's page with the Okta session: the SAML form, or, when the app's policy asks more than the session
    /// has, the sign-in page, answered through IDX for the missing factor only (the step-up), then the SAML form.
    /// </summary>
    public async Task<AppPage> GetAppPageAsync(string appIdOrLink, int maxStepUps, CancellationToken cancellationToken)
    {
        var link = AppLink(appIdOrLink);
        for (var stepUps = 0; ; stepUps++)
        {
            browser.SessionId = okta.SessionId;
            var (html, url) = await browser.GetPageAsync(link, cancellationToken).ConfigureAwait(false);
            var page = AppPageParser.Parse(html, url);
            if (page.HasSaml || stepUps >= maxStepUps || IdxSignInPage.FindStateToken(html) is not { } stateToken)
            {
                return page;
            }

            context.Log.Warning("Application-level MFA present; re-authenticating Okta");
            var redirect = await NewSignIn().SignInAsync(stateToken, null, cancellationToken).ConfigureAwait(false);
            var (done, doneUrl) = await browser.GetPageAsync(redirect, cancellationToken).ConfigureAwait(false);
            okta.SessionId = browser.SessionId ?? okta.SessionId;
            var stepped = AppPageParser.Parse(done, doneUrl);
            if (stepped.HasSaml)
            {
                return stepped;
            }
        }
    }

    private IdxSignIn NewSignIn() =>
        new(new IdxClient(okta.BaseUrl, browser.Invoker, context.Log), context.Interaction, context.Log, context.Time, mfa)
        {
            Duo = new Okta.Duo.DuoAuthenticator(okta, context.Interaction, context.Log, context.Time, mfa),
        };

    private Uri AppLink(string appIdOrLink)
    {
        var value = appIdOrLink.Trim();
        if (Uri.TryCreate(value, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http")
        {
            return absolute;
        }

        var appId = value.Trim('/');
        if (appId.Length == 0 || appId.Contains("..", StringComparison.Ordinal) || appId.Any(c => char.IsWhiteSpace(c) || c is '?' or '#' or '\\'))
        {
            throw new KeymanException(ExitCodes.Config, $"\"{appIdOrLink}\" is not an Okta AWS app id",
                "An app id looks like 0oa1b2c3d4EXAMPLE/272 (the part of the app's link after /home/amazon_aws/).");
        }

        return new Uri(okta.BaseUrl, "home/amazon_aws/" + appId);
    }
}
