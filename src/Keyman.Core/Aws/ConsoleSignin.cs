using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Keyman.Core.Ui;

namespace Keyman.Core.Aws;

/// <summary>
/// Turns temporary credentials into an AWS console sign-in URL through the federation endpoint: getSigninToken
/// (POST, so the keys never sit in a URL), then an Action=login URL for the partition's console. The partition comes
/// from the SAML form's action (signin.aws.amazon.com, signin.amazonaws-us-gov.com, signin.amazonaws.cn);
/// KEYMAN_SIGNIN_ENDPOINT replaces the whole federation URL (tests, proxies): https, or http to a loopback host only.
/// </summary>
public sealed class ConsoleSignin(IEnvironment environment, HttpMessageHandler handler, ILog log)
{
    /// <summary>getSigninToken: a connection that never opened is tried again; the POST itself is not.</summary>
    public static readonly Http.RetryPolicy RetryPolicy = new()
    {
        Service = "AWS federation",
        MaxAttempts = 2,
        AttemptTimeout = TimeSpan.FromSeconds(30),
        MaxResponseBytes = 64 * 1024,
        IsRetryable = static _ => false,
    };

    public const string EndpointVariable = "KEYMAN_SIGNIN_ENDPOINT";

    /// <summary>AWS refuses a SessionDuration above one hour for role-chained credentials.</summary>
    public const int ChainedMaxDuration = 3600;

    /// <summary>The federation endpoint and console for the partition of <paramref name="samlFormAction"/> (or of the role ARN).</summary>
    public static (Uri Federation, Uri Destination) Endpoints(Uri? samlFormAction, string rolePartition)
    {
        var host = samlFormAction?.Host.ToLowerInvariant() ?? string.Empty;
        var partition = host.EndsWith("amazonaws-us-gov.com", StringComparison.Ordinal) ? "aws-us-gov"
            : host.EndsWith("amazonaws.cn", StringComparison.Ordinal) ? "aws-cn"
            : host.EndsWith("aws.amazon.com", StringComparison.Ordinal) ? "aws"
            : rolePartition;
        return partition switch
        {
            "aws-us-gov" => (new Uri("https://signin.amazonaws-us-gov.com/federation"), new Uri("https://console.amazonaws-us-gov.com/")),
            "aws-cn" => (new Uri("https://signin.amazonaws.cn/federation"), new Uri("https://console.amazonaws.cn/")),
            // A regional ACS (us-east-1.signin.aws.amazon.com) has a regional federation endpoint on the same host.
            _ when host.EndsWith(".signin.aws.amazon.com", StringComparison.Ordinal) =>
                (new Uri($"https://{host}/federation"), new Uri("https://console.aws.amazon.com/")),
            _ => (new Uri("https://signin.aws.amazon.com/federation"), new Uri("https://console.aws.amazon.com/")),
        };
    }

    /// <param name="issuer">Shown by AWS as where the user came from: the Okta org URL (custom domains included).</param>
    /// <param name="sessionDuration">Console session length in seconds (900..43200); null lets AWS decide.</param>
    public async Task<Uri> CreateLoginUrlAsync(AwsCredentials credentials, Uri? samlFormAction, string rolePartition, Uri issuer,
        int? sessionDuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var (federation, destination) = Endpoints(samlFormAction, rolePartition);
        if (environment.Get(EndpointVariable) is { } overridden)
        {
            if (!Uri.TryCreate(overridden.Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http"))
            {
                throw new KeymanException(ExitCodes.Config, $"{EndpointVariable} is not an http(s) URL: {overridden}",
                    $"Set {EndpointVariable} to the whole federation URL, e.g. https://signin.aws.amazon.com/federation, or unset it.");
            }

            // The AWS keys are POSTed there: plain http only to this machine (a local test server), never across a network.
            if (parsed.Scheme == Uri.UriSchemeHttp && !Okta.OktaOrg.IsLoopback(parsed))
            {
                throw new KeymanException(ExitCodes.Config, $"{EndpointVariable} uses http:// to {parsed.Host}; the AWS keys would travel unencrypted",
                    $"Use https://{parsed.Authority}{parsed.AbsolutePath}; plain http is accepted only for localhost, 127.0.0.0/8 and [::1].");
            }

            federation = parsed;
        }

        log.Debug($"Console federation endpoint: {federation}");
        var session = new MemoryStream();
        using (var writer = new Utf8JsonWriter(session))
        {
            writer.WriteStartObject();
            writer.WriteString("sessionId", credentials.AccessKeyId);
            writer.WriteString("sessionKey", credentials.SecretAccessKey);
            writer.WriteString("sessionToken", credentials.SessionToken);
            writer.WriteEndObject();
        }

        var form = new List<KeyValuePair<string, string>>
        {
            new("Action", "getSigninToken"),
            new("Session", Encoding.UTF8.GetString(session.ToArray())),
        };
        if (sessionDuration is { } duration)
        {
            form.Add(new("SessionDuration", duration.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        string token;
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var content = new FormUrlEncodedContent(form);
            using var response = await http.PostAsync(federation, content, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new KeymanException(ExitCodes.ConsoleSignin,
                    $"The AWS federation endpoint {federation} refused to issue a sign-in token (HTTP {(int)response.StatusCode})",
                    "The credentials may have expired or come from a chained role with a session over one hour; log in again, or use a shorter --duration.");
            }

            token = ReadToken(body) ?? throw new KeymanException(ExitCodes.ConsoleSignin,
                $"The AWS federation endpoint {federation} answered without a SigninToken", "Retry; check KEYMAN_SIGNIN_ENDPOINT and any proxy.");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new KeymanException(ExitCodes.Network, $"Cannot reach the AWS federation endpoint {federation}",
                "Check your network and proxy (HTTPS_PROXY), then retry.", e);
        }

        var query = $"?Action=login&Issuer={Uri.EscapeDataString(issuer.ToString())}&Destination={Uri.EscapeDataString(destination.ToString())}&SigninToken={Uri.EscapeDataString(token)}";
        return new Uri(federation.GetLeftPart(UriPartial.Path) + query);
    }

    /// <summary>
    /// Writes a page that sends the browser on to <paramref name="loginUrl"/>, for <c>--open</c>: the opener
    /// (xdg-open, open, start) takes what it opens as an argument, and another local user could read a sign-in URL
    /// there (ps); the page's path gives nothing away. It is 0600 in a fresh 0700 directory under
    /// <paramref name="parent"/> (the temp folder); delete it with <see cref="DeleteRedirectPage"/> once the browser has read it.
    /// </summary>
    public static string WriteRedirectPage(Uri loginUrl, string? parent = null)
    {
        ArgumentNullException.ThrowIfNull(loginUrl);
        var directory = parent is null ? Directory.CreateTempSubdirectory("keyman-console-").FullName
            : Directory.CreateDirectory(Path.Combine(parent, "keyman-console-" + Guid.NewGuid().ToString("N"))).FullName;
        var path = Path.Combine(directory, "aws-console-signin.html");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options), new UTF8Encoding(false)))
        {
            writer.Write(RedirectPage(loginUrl));
        }

        return path;
    }

    /// <summary>The page's HTML: a script redirect (no history entry), a meta refresh without script, and a link.</summary>
    public static string RedirectPage(Uri loginUrl)
    {
        ArgumentNullException.ThrowIfNull(loginUrl);
        var html = WebUtility.HtmlEncode(loginUrl.AbsoluteUri);
        var script = JavaScriptEncoder.Default.Encode(loginUrl.AbsoluteUri);
        return $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
            <meta http-equiv="refresh" content="0;url={html}">
            <title>AWS console sign-in</title>
            <script>location.replace("{script}");</script>
            </head><body><p><a href="{html}">Continue to the AWS console</a></p></body></html>

            """;
    }

    /// <summary>Deletes a page <see cref="WriteRedirectPage"/> wrote, and its directory; a failure is left to the temp cleaner.</summary>
    public static void DeleteRedirectPage(string path)
    {
        try
        {
            File.Delete(path);
            Directory.Delete(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only this user can read it, and the token in it lapses after 15 minutes.
        }
    }

    private static string? ReadToken(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("SigninToken", out var t)
                && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } value ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
