using System.Net;
using System.Text.RegularExpressions;
using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Keyman.Core.Ui;

namespace Keyman.Core.Aws;

/// <summary>
/// Redeems a SAML assertion for temporary credentials with STS AssumeRoleWithSAML. The call is unsigned, so no AWS
/// credentials (and no AWS profile) are needed; the SDK's own retry handles throttling and 5xx, bounded by
/// <see cref="MaxErrorRetry"/>.
/// </summary>
public sealed class StsLogin
{
    public const int FallbackDurationSeconds = 3600;

    private readonly IEnvironment _environment;
    private readonly ILog _log;
    private readonly HttpMessageHandler? _handler;

    /// <param name="handler">Sends the HTTP requests instead of the SDK's own client (tests, proxies). Not disposed.</param>
    public StsLogin(IEnvironment environment, ILog log, HttpMessageHandler? handler = null)
    {
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _handler = handler;
    }

    /// <summary>Retries after throttling, 5xx and network errors (the SDK's standard mode, with backoff).</summary>
    public int MaxErrorRetry { get; init; } = 2;

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <exception cref="KeymanException">
    /// ExitCodes.StsRefused when STS refuses the assertion or role; ExitCodes.Network when STS cannot be reached.
    /// </exception>
    /// <param name="freshAssertion">
    /// Gets a new assertion from Okta for the retry with the fallback duration: STS takes an assertion once, even for
    /// a call it then refuses. Without it the retry sends the same assertion again.
    /// </param>
    public async Task<AwsCredentials> AssumeRoleWithSamlAsync(
        AwsRole role, SamlAssertion assertion, int durationSeconds, string region, CancellationToken cancellationToken,
        Func<CancellationToken, Task<SamlAssertion>>? freshAssertion = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentException.ThrowIfNullOrEmpty(region);

        var configured = new AwsEndpoints(_environment).Configured(AwsEndpoints.Sts);
        var endpoint = configured ?? AwsEndpoints.DefaultSts(region);
        AmazonSecurityTokenServiceClient client;
        try
        {
            client = CreateClient(region, configured);
        }
        catch (TypeInitializationException ex)
        {
            throw Map(ex, role, assertion, endpoint, region);
        }

        using var _ = client;

        _log.Info($"Assuming role: {role.RoleArn}");
        _log.Debug($"STS endpoint: {endpoint}");
        if (assertion.SessionDuration is { } cap && cap < durationSeconds)
        {
            _log.Debug($"Okta's SessionDuration is {cap} s, less than the requested {durationSeconds} s; STS caps the session at {cap} s");
        }

        try
        {
            return await AssumeAsync(client, role, assertion, durationSeconds, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (durationSeconds != FallbackDurationSeconds && IsDurationRefused(ex))
        {
            _log.Debug($"STS: {ex.ErrorCode}: {Redact(ex.Message, assertion)}");
            _log.Warning($"Error assuming session with duration {durationSeconds}. Retrying with {FallbackDurationSeconds}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Map(ex, role, assertion, endpoint, region);
        }

        if (freshAssertion is not null)
        {
            assertion = await freshAssertion(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await AssumeAsync(client, role, assertion, FallbackDurationSeconds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Map(ex, role, assertion, endpoint, region);
        }
    }

    private static async Task<AwsCredentials> AssumeAsync(
        AmazonSecurityTokenServiceClient client, AwsRole role, SamlAssertion assertion, int durationSeconds, CancellationToken cancellationToken)
    {
        var response = await client.AssumeRoleWithSAMLAsync(new AssumeRoleWithSAMLRequest
        {
            RoleArn = role.RoleArn,
            PrincipalArn = role.PrincipalArn,
            SAMLAssertion = assertion.Base64,
            DurationSeconds = durationSeconds,
        }, cancellationToken).ConfigureAwait(false);

        var credentials = response.Credentials;
        if (credentials is null || string.IsNullOrEmpty(credentials.AccessKeyId) || string.IsNullOrEmpty(credentials.SecretAccessKey)
            || string.IsNullOrEmpty(credentials.SessionToken) || credentials.Expiration is null)
        {
            throw new KeymanException(ExitCodes.StsRefused, "AWS STS answered without complete credentials",
                "Retry; if it persists, check AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and any proxy in between.");
        }

        var expiration = credentials.Expiration.Value;
        var utc = expiration.Kind == DateTimeKind.Unspecified
            ? DateTime.SpecifyKind(expiration, DateTimeKind.Utc)
            : expiration.ToUniversalTime();
        return new AwsCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken,
            new DateTimeOffset(utc, TimeSpan.Zero), response.AssumedRoleUser?.Arn);
    }

    private AmazonSecurityTokenServiceClient CreateClient(string region, Uri? configured) =>
        StsClients.Create(new AnonymousAWSCredentials(), region, configured, _handler, MaxErrorRetry, Timeout);

    private static bool IsDurationRefused(AmazonServiceException ex) =>
        string.Equals(ex.ErrorCode, "ValidationError", StringComparison.Ordinal)
        && (ex.Message.Contains("DurationSeconds", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("MaxSessionDuration", StringComparison.OrdinalIgnoreCase));

    private Exception Map(Exception ex, AwsRole role, SamlAssertion assertion, Uri endpoint, string region)
    {
        if (ex is KeymanException)
        {
            return ex;
        }

        if (ex is AmazonServiceException service && !string.IsNullOrEmpty(service.ErrorCode))
        {
            var detail = Redact(service.Message, assertion);
            return service.ErrorCode switch
            {
                "AccessDenied" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS refused role {role.RoleArn} for this SAML assertion: {detail}",
                    $"The role's trust policy must allow sts:AssumeRoleWithSAML from {role.PrincipalArn}, and that SAML provider must hold "
                    + "Okta's current metadata. Ask your DevOps/AWS admin.", ex),
                "ExpiredTokenException" or "ExpiredToken" => new KeymanException(ExitCodes.StsRefused,
                    "The SAML assertion expired before STS redeemed it",
                    "Check that this machine's clock is right (STS allows about 5 minutes), then run Keyman again.", ex),
                "InvalidIdentityToken" or "InvalidIdentityTokenException" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS rejected the SAML assertion for {role.RoleArn}: {detail}",
                    $"The SAML provider {role.PrincipalArn} in IAM may hold outdated Okta metadata (certificate); ask your AWS admin to update it.", ex),
                "IDPRejectedClaim" or "IDPRejectedClaimException" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS rejected a claim in the SAML assertion for {role.RoleArn}: {detail}",
                    "Check the Okta AWS app's attribute settings (Role, RoleSessionName, SessionDuration) with your Okta admin.", ex),
                "RegionDisabledException" => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS is not activated in region {region} for this account",
                    "Activate STS for the region in IAM (Account settings), or use another --region.", ex),
                "ValidationError" when IsDurationRefused(service) => new KeymanException(ExitCodes.StsRefused,
                    $"AWS refused the session duration for {role.RoleArn}: {detail}",
                    "Use a shorter --duration, or ask your AWS admin to raise the role's maximum session duration.", ex),
                // Not a refusal: the service was unavailable. Network (3) tells scripts and reup that a retry may work.
                _ when service.StatusCode >= HttpStatusCode.InternalServerError || IsThrottling(service.ErrorCode) =>
                    new KeymanException(ExitCodes.Network,
                        $"AWS STS at {endpoint} failed ({service.ErrorCode}) after {MaxErrorRetry + 1} attempts: {detail}",
                        "AWS may be throttling or having problems; wait a minute and retry.", ex),
                _ => new KeymanException(ExitCodes.StsRefused,
                    $"AWS STS refused role {role.RoleArn} ({service.ErrorCode}): {detail}",
                    "Run with --debug for details; check the role and the SAML provider with your AWS admin.", ex),
            };
        }

        // The SDK parses ~/.aws/config and ~/.aws/credentials once per process for its defaults and fails every
        // call after a malformed line. Name the file but not the line: it may hold a secret.
        if (ex is TypeInitializationException { InnerException: InvalidDataException data })
        {
            var file = Regex.Match(data.Message, @" in file (?<file>.+?) does not contain").Groups["file"].Value;
            return new KeymanException(ExitCodes.Config,
                file.Length > 0 ? $"The AWS SDK cannot parse {file}" : "The AWS SDK cannot parse the AWS config or credentials file",
                "Fix or remove the malformed line (every line must be a [section], key = value, or a comment), "
                + "or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere.", ex);
        }

        if (StsClients.IsNetworkFailure(ex))
        {
            return new KeymanException(ExitCodes.Network, $"Cannot reach AWS STS at {endpoint}",
                "Check your network, proxy (HTTPS_PROXY) and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, then retry.", ex);
        }

        return new KeymanException(ExitCodes.StsRefused, $"AWS STS call failed: {Redact(ex.Message, assertion)}",
            "Run with --debug for details.", ex);
    }

    private static bool IsThrottling(string code) =>
        code is "Throttling" or "ThrottlingException" or "RequestLimitExceeded" or "TooManyRequestsException";

    /// <summary>STS messages don't echo the assertion, but never let one through if they did.</summary>
    private static string Redact(string? message, SamlAssertion assertion)
    {
        if (string.IsNullOrEmpty(message))
        {
            return "(no message)";
        }

        var oneLine = message.ReplaceLineEndings(" ");
        return assertion.Base64.Length > 0 && oneLine.Contains(assertion.Base64, StringComparison.Ordinal)
            ? oneLine.Replace(assertion.Base64, "***", StringComparison.Ordinal)
            : oneLine;
    }
}
