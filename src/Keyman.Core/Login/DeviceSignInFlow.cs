using System.Globalization;
using System.Text.Json;
using Keyman.Core.Okta;
using Keyman.Core.Okta.Device;

namespace Keyman.Core.Login;

/// <summary>
/// Okta's device authorization flow, as okta-aws-cli's "web" command does it, for app policies a terminal cannot
/// meet: the user approves the sign-in in any browser (FastPass, device assurance and security keys work there), and the
/// tokens are exchanged for a web SSO token that opens the AWS app's SAML form. It signs in to the app, not to Okta:
/// its result is the app's page (<see cref="SignInResult.ToApp"/>). The tokens are kept in the secret store for their
/// lifetime, so later runs, reup and credential-process open the app again without a browser.
/// </summary>
internal sealed class DeviceSignInFlow(KeymanContext context, DeviceAuthorizationClient client, Uri baseUrl, string clientId) : ISignInFlow
{
    /// <summary>Secret store entry: service, and account "https://org|client id".</summary>
    public const string TokenService = "keyman-okta-device";

    /// <summary>Tokens this close to their end are not used: the exchange and STS must finish within their life.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private readonly SafeSecrets _secrets = new(context);
    private DeviceTokens? _tokens;
    private bool _looked;

    public string Name => "device authorization flow";

    private string TokenAccount => $"{baseUrl.GetLeftPart(UriPartial.Authority)}|{clientId}";

    public string? CannotRun(SignInRequest request) =>
        request.AppLink is null ? "the device authorization flow opens one AWS app, and no app is chosen yet (set appid)" : null;

    public async Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken) =>
        SignInResult.ToApp(await GetAppPageAsync(request.AppLink!, cancellationToken).ConfigureAwait(false));

    /// <summary>True when an earlier run's tokens are still alive, so this run needs no browser.</summary>
    public async Task<bool> HasKeptTokensAsync(CancellationToken cancellationToken) => await KeptAsync(cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>The AWS app's SAML page through the kept tokens, or after a new sign-in in the browser when they ended.</summary>
    public async Task<AppPage> GetAppPageAsync(string appIdOrLink, CancellationToken cancellationToken)
    {
        var appInstanceId = AppInstanceId(appIdOrLink);
        if (await KeptAsync(cancellationToken).ConfigureAwait(false) is { } kept)
        {
            try
            {
                return await OpenAppAsync(kept, appInstanceId, cancellationToken).ConfigureAwait(false);
            }
            catch (KeymanException e) when (e.ExitCode is ExitCodes.OktaSessionExpired or ExitCodes.BrowserRequired)
            {
                // Ended, or signed in with less than this app's policy asks: a new sign-in in the browser can fix both.
                context.Log.Info($"The kept device sign-in cannot open this app ({e.Message.TrimEnd('.')}); signing in through the browser again");
                await ForgetAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var tokens = await SignInThroughBrowserAsync(cancellationToken).ConfigureAwait(false);
        return await OpenAppAsync(tokens, appInstanceId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AppPage> OpenAppAsync(DeviceTokens tokens, string appInstanceId, CancellationToken cancellationToken)
    {
        var webSso = await client.ExchangeForWebSsoTokenAsync(clientId, tokens, appInstanceId, cancellationToken).ConfigureAwait(false);
        return await client.GetAppPageAsync(webSso, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DeviceTokens> SignInThroughBrowserAsync(CancellationToken cancellationToken)
    {
        var log = context.Log;
        if (!context.Interaction.CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage,
                "The device authorization flow needs the sign-in approved in a browser, and there is no terminal to show its code on",
                "Run keyman in a terminal (keyman --device), which keeps the sign-in for its lifetime (usually an hour), then retry.");
        }

        var authorization = await client.AuthorizeAsync(clientId, cancellationToken).ConfigureAwait(false);
        var url = authorization.VerificationUriComplete ?? authorization.VerificationUri;
        log.MustShowWarning($"To sign in, open this URL in a browser: {url}");
        log.MustShowWarning(authorization.VerificationUriComplete is null
            ? $"and enter the code {authorization.UserCode}"
            : $"and check that it shows the code {authorization.UserCode} (or open {authorization.VerificationUri} and type it)");
        if (HasBrowser(context.Environment))
        {
            await context.Browser.OpenAsync(url, log, cancellationToken).ConfigureAwait(false);
        }

        var until = authorization.ExpiresAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        log.Info($"Waiting for the sign-in to be approved in the browser (until {until})");
        DeviceTokens tokens;
        using (context.Interaction.Wait("Waiting for the approval in the browser"))
        {
            tokens = await client.WaitForApprovalAsync(clientId, authorization, cancellationToken).ConfigureAwait(false);
        }

        log.Info("The sign-in was approved in the browser");
        _tokens = tokens;
        _looked = true;
        await _secrets.SetAsync(TokenService, TokenAccount, JsonSerializer.Serialize(
            new KeptDeviceTokens { AccessToken = tokens.AccessToken, IdToken = tokens.IdToken, ExpiresAt = tokens.ExpiresAt }, DeviceJsonContext.Default.KeptDeviceTokens),
            cancellationToken).ConfigureAwait(false);
        return tokens;
    }

    private async Task<DeviceTokens?> KeptAsync(CancellationToken cancellationToken)
    {
        if (!_looked)
        {
            _looked = true;
            if (await _secrets.GetAsync(TokenService, TokenAccount, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                _tokens = Parse(stored);
                if (_tokens is null)
                {
                    await _secrets.RemoveAsync(TokenService, TokenAccount, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (_tokens is { } tokens && tokens.ExpiresAt - Margin <= context.Time.GetUtcNow())
        {
            context.Log.Debug("The kept device sign-in has expired");
            await ForgetAsync(cancellationToken).ConfigureAwait(false);
        }

        return _tokens;
    }

    private async Task ForgetAsync(CancellationToken cancellationToken)
    {
        _tokens = null;
        await _secrets.RemoveAsync(TokenService, TokenAccount, cancellationToken).ConfigureAwait(false);
    }

    private static DeviceTokens? Parse(string stored)
    {
        try
        {
            var kept = JsonSerializer.Deserialize(stored, DeviceJsonContext.Default.KeptDeviceTokens);
            return kept is { AccessToken: { Length: > 0 } access, IdToken: { Length: > 0 } id, ExpiresAt: { } expires } ? new DeviceTokens(access, id, expires) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A browser can be shown on macOS and Windows, and on Linux with a display; never over SSH, where it would open
    /// on the remote machine (the URL is printed either way).
    /// </summary>
    internal static bool HasBrowser(IEnvironment environment)
    {
        bool Set(string name) => !string.IsNullOrEmpty(environment.Get(name));
        if (Set("SSH_CONNECTION") || Set("SSH_TTY"))
        {
            return false;
        }

        return OperatingSystem.IsMacOS() || OperatingSystem.IsWindows() || Set("DISPLAY") || Set("WAYLAND_DISPLAY");
    }

    /// <summary>The app instance id (the token exchange's audience) from an app id (0oa…/272) or the app's link.</summary>
    internal static string AppInstanceId(string appIdOrLink)
    {
        var value = appIdOrLink.Trim();
        if (Uri.TryCreate(value, UriKind.Absolute, out var link) && link.Scheme is "https" or "http")
        {
            var segments = link.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(segments, "amazon_aws");
            value = at >= 0 && at + 1 < segments.Length ? segments[at + 1] : string.Empty;
        }

        var id = value.Split('/', 2)[0];
        return id.Length > 0 && id.All(char.IsAsciiLetterOrDigit)
            ? id
            : throw new KeymanException(ExitCodes.Config, $"\"{appIdOrLink}\" is not an Okta AWS app id the device authorization flow can use",
                "Set appid to the app's id, e.g. 0oa1b2c3d4EXAMPLE/272 (the part of the app's link after /home/amazon_aws/).");
    }
}
