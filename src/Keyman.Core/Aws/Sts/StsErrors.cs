using System.Net;
using System.Text.RegularExpressions;
using Amazon.Runtime;

using Keyman.Core.Aws.Profiles;
using Keyman.Core.Http;

namespace Keyman.Core.Aws.Sts;

/// <summary>What an STS call was about, for its error messages.</summary>
internal sealed record StsCall(string Operation, Uri Endpoint, int Attempts, AwsRole? SamlRole = null, SamlAssertion? Assertion = null,
    string? Region = null, AwsSigningCredentials? Source = null, AwsRoleLink? Link = null)
{
    public static StsCall Saml(AwsRole role, SamlAssertion assertion, Uri endpoint, string region, int attempts) =>
        new("AssumeRoleWithSAML", endpoint, attempts, role, assertion, region);

    public static StsCall AssumeRole(AwsSigningCredentials source, AwsRoleLink link, Uri endpoint, int attempts) =>
        new("AssumeRole", endpoint, attempts, Source: source, Link: link);

    public static StsCall CallerIdentity(AwsSigningCredentials credentials, Uri endpoint, int attempts) =>
        new("GetCallerIdentity", endpoint, attempts, Source: credentials);

    public bool IsSaml => SamlRole is not null;

    /// <summary>One line, and never the assertion (STS messages don't echo it, but never let one through if they did).</summary>
    public string Redact(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return "(no message)";
        }

        var oneLine = message.ReplaceLineEndings(" ");
        return Assertion is { Base64.Length: > 0 } a && oneLine.Contains(a.Base64, StringComparison.Ordinal)
            ? oneLine.Replace(a.Base64, "***", StringComparison.Ordinal)
            : oneLine;
    }
}

/// <summary>The one mapping of every STS failure (SAML, AssumeRole, GetCallerIdentity) to a <see cref="KeymanException"/>.</summary>
internal static partial class StsErrors
{
    public static Exception Map(Exception ex, StsCall call)
    {
        if (ex is KeymanException)
        {
            return ex;
        }

        if (ex is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode))
        {
            return FromService(service, call);
        }

        // The SDK parses ~/.aws/config and ~/.aws/credentials once per process for its defaults and fails every
        // call after a malformed line. Name the file but not the line: it may hold a secret.
        if (ex is TypeInitializationException init)
        {
            var file = init.InnerException is InvalidDataException data ? FileInMessage().Match(data.Message).Groups["file"].Value : "";
            return new KeymanException(ExitCodes.Config,
                file.Length > 0 ? $"The AWS SDK cannot parse {file}" : "The AWS SDK cannot parse the AWS config or credentials file",
                "Run 'keyman doctor': it names the file, the line and what is wrong with it. Then fix or remove that line (every "
                + "line must be a [section], key = value, or a comment), or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere.", ex);
        }

        if (ExceptionChain.Find<ResponseTooLargeException>(ex) is { } tooLarge)
        {
            return new KeymanException(ExitCodes.Network, $"AWS STS at {call.Endpoint} sent an answer larger than {tooLarge.Limit / 1024} KiB",
                "A proxy or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL may point somewhere else; check them.", ex);
        }

        if (IsNetworkFailure(ex))
        {
            var why = ExceptionChain.Find<TimeoutException>(ex) is { } timeout ? $" ({timeout.Message})" : "";
            return new KeymanException(ExitCodes.Network, $"Cannot reach AWS STS at {call.Endpoint}{why}",
                "Check your network, proxy (HTTPS_PROXY) and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, then retry.", ex);
        }

        var refused = call.IsSaml ? ExitCodes.StsRefused : ExitCodes.AssumeRoleRefused;
        if (ExceptionChain.Find<System.Xml.XmlException>(ex) is { } xml)
        {
            // The parser's message quotes the answer (every unclosed element of a hostile one): only the place is shown.
            return new KeymanException(refused, $"AWS STS at {call.Endpoint} answered XML Keyman cannot read (line {xml.LineNumber}, position {xml.LinePosition})",
                "A proxy or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL may point somewhere else; check them, and run with --debug for details.", ex);
        }

        return new KeymanException(refused, call.IsSaml ? $"AWS STS call failed: {call.Redact(ex.Message)}" : $"AWS STS {call.Operation}{For(call)} failed: {call.Redact(ex.Message)}",
            "Run with --debug for details.", ex);
    }

    private static KeymanException FromService(AmazonServiceException service, StsCall call)
    {
        var detail = call.Redact(service.Message);
        var code = service.ErrorCode;

        // Not a refusal: the service was unavailable. Network (3) tells scripts and reup that a retry may work.
        if (service.StatusCode >= HttpStatusCode.InternalServerError || IsThrottling(code))
        {
            return new KeymanException(ExitCodes.Network,
                $"AWS STS at {call.Endpoint} failed ({code}) after {call.Attempts} attempts: {detail}",
                "AWS may be throttling or having problems; wait a minute and retry.", service);
        }

        if (call.IsSaml)
        {
            var role = call.SamlRole!;
            return code switch
            {
                "AccessDenied" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS refused role {role.RoleArn} for this SAML assertion: {detail}",
                    $"The role's trust policy must allow sts:AssumeRoleWithSAML from {role.PrincipalArn}, and that SAML provider must hold "
                    + "Okta's current metadata. Ask your DevOps/AWS admin.", service),
                "ExpiredTokenException" or "ExpiredToken" => new KeymanException(ExitCodes.StsRefused,
                    "The SAML assertion expired before STS redeemed it",
                    "Check that this machine's clock is right (STS allows about 5 minutes), then run Keyman again.", service),
                "InvalidIdentityToken" or "InvalidIdentityTokenException" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS rejected the SAML assertion for {role.RoleArn}: {detail}",
                    $"The SAML provider {role.PrincipalArn} in IAM may hold outdated Okta metadata (certificate); ask your AWS admin to update it.", service),
                "IDPRejectedClaim" or "IDPRejectedClaimException" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS rejected a claim in the SAML assertion for {role.RoleArn}: {detail}",
                    "Check the Okta AWS app's attribute settings (Role, RoleSessionName, SessionDuration) with your Okta admin.", service),
                "RegionDisabledException" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS is not activated in region {call.Region} for this account",
                    "Activate STS for the region in IAM (Account settings), or use another --region.", service),
                "ValidationError" when IsDurationRefused(service) => new KeymanException(ExitCodes.StsRefused,
                    $"AWS refused the session duration for {role.RoleArn}: {detail}",
                    "Use a shorter --duration, or ask your AWS admin to raise the role's maximum session duration.", service),
                _ => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS refused role {role.RoleArn} ({code}): {detail}",
                    "Run with --debug for details; check the role and the SAML provider with your AWS admin.", service),
            };
        }

        var source = call.Source!;
        switch (code)
        {
            case "ExpiredToken" or "ExpiredTokenException" or "RequestExpired":
                return new KeymanException(ExitCodes.AwsCredentialsExpired,
                    call.Link is null
                        ? $"AWS STS does not accept the credentials of {source.Describe()} ({code}: {detail})"
                        : $"The AWS credentials of {source.Describe()} are expired (STS: {detail})",
                    call.Link is null ? "They are expired or invalid: run keyman to log in again." : "Run keyman to log in again.", service);
            case "InvalidClientTokenId" or "UnrecognizedClientException" or "SignatureDoesNotMatch" or "IncompleteSignature":
                return new KeymanException(ExitCodes.AwsCredentialsExpired,
                    $"AWS STS does not accept the credentials of {source.Describe()} ({code}: {detail})",
                    call.Link is null
                        ? "They are expired or invalid: run keyman to log in again."
                        : "They are expired or invalid: run keyman to log in again. If that doesn't help, check this machine's clock.", service);
        }

        if (call.Link is not { } link)
        {
            return new KeymanException(ExitCodes.AssumeRoleRefused, $"AWS STS GetCallerIdentity failed ({code}): {detail}",
                "Run with --debug for details.", service);
        }

        switch (code)
        {
            case "AccessDenied" or "AccessDeniedException":
                var caller = CallerRole(detail);
                var from = caller ?? $"the role in {source.Describe()}";
                return new KeymanException(ExitCodes.AssumeRoleRefused,
                    $"AWS refused to let {from} assume {link.RoleArn} (role_arn of profile '{link.Profile}'): {detail}",
                    $"The trust policy of {link.RoleArn} must allow sts:AssumeRole from {from}"
                    + (link.ExternalId is not null ? " with the profile's external_id" : "")
                    + ", and that role needs sts:AssumeRole on it. Send this to your DevOps team; also check role_arn in the profile.", service);
            case "ValidationError" when detail.Contains("Duration", StringComparison.OrdinalIgnoreCase):
                return new KeymanException(ExitCodes.AssumeRoleRefused,
                    $"AWS refused duration_seconds {link.DurationSeconds} for {link.RoleArn}: {detail}",
                    $"Lower duration_seconds of profile '{link.Profile}' (roles assumed from another role are capped at 3600), or remove it.", service);
            case "RegionDisabledException":
                return new KeymanException(ExitCodes.AssumeRoleRefused,
                    $"AWS STS is not activated in the region of {call.Endpoint} for this account: {detail}",
                    "Use another region (--region or the profile's region), or ask DevOps to activate STS there.", service);
            default:
                return new KeymanException(ExitCodes.AssumeRoleRefused,
                    $"AWS STS refused AssumeRole for {link.RoleArn} ({code}): {detail}",
                    "Run with --debug for details; check role_arn of the profile with your DevOps team.", service);
        }
    }

    private static string For(StsCall call) => call.Link is { } link ? $" for {link.RoleArn}" : "";

    public static bool IsDurationRefused(AmazonServiceException ex) =>
        string.Equals(ex.ErrorCode, "ValidationError", StringComparison.Ordinal)
        && (ex.Message.Contains("DurationSeconds", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("MaxSessionDuration", StringComparison.OrdinalIgnoreCase));

    public static bool IsThrottling(string? code) =>
        code is "Throttling" or "ThrottlingException" or "RequestLimitExceeded" or "TooManyRequestsException";

    /// <summary>For the retry policy: 5xx, or a throttling error (STS says 400 Throttling) in the buffered body.</summary>
    public static bool IsRetryable(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return true;
        }

        if (status is not (400 or 429))
        {
            return false;
        }

        // The buffered body's stream is the one the SDK reads next: leave it open and rewound.
        var stream = response.Content.ReadAsStream();
        string text;
        using (var reader = new StreamReader(stream, leaveOpen: true))
        {
            text = reader.ReadToEnd();
        }

        stream.Position = 0;
        var code = ErrorCode().Match(text).Groups["code"].Value;
        return status == 429 || IsThrottling(code);
    }

    /// <summary>True when the call failed for want of a connection or an answer (anywhere in the inner chain), not by a refusal.</summary>
    public static bool IsNetworkFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is HttpRequestException or System.Net.Sockets.SocketException or TimeoutException or IOException or OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"User: arn:aws:sts::1:assumed-role/Dev/jane is not authorized…" -> arn:aws:iam::1:role/Dev.</summary>
    internal static string? CallerRole(string message)
    {
        var match = CallerArn().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var arn = match.Groups["arn"].Value;
        return AwsArn.RoleOf(arn);
    }

    [GeneratedRegex(@" in file (?<file>.+?) does not contain")]
    private static partial Regex FileInMessage();

    [GeneratedRegex(@"<Code>(?<code>[^<]*)</Code>")]
    private static partial Regex ErrorCode();

    [GeneratedRegex(@"User: (?<arn>arn:[\w-]+:(?:sts|iam)::\d+:[^\s]+)")]
    private static partial Regex CallerArn();
}
