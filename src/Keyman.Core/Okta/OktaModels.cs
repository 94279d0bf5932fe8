namespace Keyman.Core.Okta;

/// <summary>An Okta browser session. <see cref="Id"/> is the <c>sid</c> cookie: a bearer secret, so it is left out of <see cref="ToString"/>.</summary>
public sealed record OktaSession(string Id, string? Login, DateTimeOffset? ExpiresAt, string? DisplayName)
{
    public override string ToString() => $"OktaSession {{ Login = {Login}, ExpiresAt = {ExpiresAt:O}, DisplayName = {DisplayName} }}";
}

/// <summary>An "AWS Account Federation" (appName amazon_aws) tile of the user's Okta dashboard.</summary>
/// <param name="Label">The tile's label, e.g. "AWS Prod".</param>
/// <param name="AppId">The part of the link after /home/amazon_aws/, e.g. "0oa1abcd/272" (the config's appid).</param>
/// <param name="LinkUrl">The full embed link.</param>
public sealed record AwsAppLink(string Label, string AppId, Uri LinkUrl);

/// <summary>The result of application-level (step-up) MFA.</summary>
/// <param name="SessionToken">One-time token (5 minutes) to pass to <see cref="OktaAuthenticator.GetAppPageAsync"/>, when Okta sent one.</param>
/// <param name="NextUrl">
/// The transaction's _links.next.href when Okta sent one: for a SESSION_STEP_UP success, /login/step-up/redirect, which
/// finishes the step-up for the session and leads back to the app (what Okta's sign-in widget opens).
/// </param>
public sealed record StepUpResult(string? SessionToken, Uri? NextUrl)
{
    public override string ToString() => $"StepUpResult {{ SessionToken = (hidden), NextUrl = {NextUrl?.GetLeftPart(UriPartial.Path)} }}";
}

/// <summary>What the AWS app page of Okta contained.</summary>
/// <param name="SamlResponse">Base64 SAML response (HTML-decoded, whitespace removed), or null.</param>
/// <param name="FormAction">The form's action: AWS's SAML ACS, which tells the partition.</param>
/// <param name="StepUpStateToken">Set when Okta asks for application-level MFA first.</param>
/// <param name="ErrorMessage">Okta's error text (.error-content h1) or the page title, when the page had neither of the above.</param>
/// <param name="FinalUrl">The URL of the page after redirects, without its query.</param>
public sealed record AppPage(string? SamlResponse, Uri? FormAction, string? StepUpStateToken, string? ErrorMessage, Uri FinalUrl)
{
    public bool HasSaml => !string.IsNullOrEmpty(SamlResponse);

    public bool NeedsStepUp => !HasSaml && !string.IsNullOrEmpty(StepUpStateToken);

    public override string ToString() =>
        $"AppPage {{ HasSaml = {HasSaml}, FormAction = {FormAction}, NeedsStepUp = {NeedsStepUp}, ErrorMessage = {ErrorMessage}, FinalUrl = {FinalUrl} }}";
}

/// <summary>How <see cref="OktaAuthenticator"/> picks and runs MFA factors.</summary>
public sealed class MfaOptions
{
    /// <summary>
    /// A factor to use without asking, in saml2aws's naming: "&lt;provider&gt; &lt;factorType&gt;" ("GOOGLE token:software:totp",
    /// "OKTA push") or the factorType alone ("push", "sms", "token:software:totp"). Case-insensitive.
    /// </summary>
    public string? PreferredFactor { get; init; }

    /// <summary>Codes or answers tried before giving up (an empty input counts as one).</summary>
    public int MaxCodeAttempts { get; init; } = 3;

    /// <summary>How long to wait for an Okta Verify push to be approved.</summary>
    public TimeSpan PushTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan PushPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times "resend" is honoured for SMS, call and email codes.</summary>
    public int MaxResends { get; init; } = 3;
}

/// <summary>Robustness settings of <see cref="OktaClient"/>.</summary>
public sealed class OktaClientOptions
{
    /// <summary>Tries per request on network errors and 5xx answers.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>First backoff delay; doubled after each failed try.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a 429 is waited out before failing.</summary>
    public int MaxRateLimitWaits { get; init; } = 3;

    /// <summary>Total time spent waiting for rate limits, per request.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Deadline of one attempt, the whole answer included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest answer accepted (JSON or the app page).</summary>
    public long MaxResponseBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>Backoff jitter in [0, 1]; tests fix it.</summary>
    internal Func<double>? Jitter { get; init; } = Random.Shared.NextDouble;

    public int MaxRedirects { get; init; } = 10;

    /// <summary>Version in the User-Agent ("keyman/{version}"); the assembly version when null.</summary>
    public string? ProductVersion { get; init; }
}
