using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Keyman.Core.Aws.Profiles;
using Keyman.Core.Http;
using Keyman.Core.Ui;

namespace Keyman.Core.Aws.Sts;

/// <summary>
/// Every STS call Keyman makes — AssumeRoleWithSAML (unsigned), AssumeRole and GetCallerIdentity — through
/// AWSSDK.SecurityToken for the wire format, over the run's <see cref="HttpPipeline"/>: the SDK sends anonymously, the
/// pipeline's <see cref="AwsSigningHandler"/> signs (afresh for every attempt) and its <see cref="RetryHandler"/> is the
/// only retry. Every failure goes through <see cref="StsErrors"/>.
/// </summary>
public sealed class StsClient
{
    public const string SigningName = "sts";

    /// <summary>A duration STS refused is retried once with this (the original's behaviour).</summary>
    public const int FallbackDurationSeconds = 3600;

    /// <summary>AWS caps a session assumed from another role at one hour.</summary>
    public const int ChainedMaxDurationSeconds = 3600;

    private readonly IEnvironment _environment;
    private readonly ILog _log;
    private readonly TimeProvider _time;
    private readonly HttpPipeline _pipeline;

    /// <param name="pipeline">The run's HTTP pipeline (tests give theirs); null for a new one.</param>
    public StsClient(IEnvironment environment, ILog log, TimeProvider? time = null, HttpPipeline? pipeline = null)
    {
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _time = time ?? TimeProvider.System;
        _pipeline = pipeline ?? new HttpPipeline(environment);
    }

    /// <summary>Retries after throttling, 5xx and connections that never opened.</summary>
    public int MaxErrorRetry { get; init; } = 2;

    /// <summary>Deadline of one attempt, the whole answer included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest answer accepted (STS answers are a few KiB).</summary>
    public long MaxResponseBytes { get; init; } = 256 * 1024;

    internal Http.RetryPolicy Policy => new()
    {
        Service = "AWS STS",
        MaxAttempts = MaxErrorRetry + 1,
        AttemptTimeout = Timeout,
        TimeoutVariable = HttpTimeouts.Sts,
        MaxResponseBytes = MaxResponseBytes,
        NetworkFailures = NetworkRetry.UnsentOrIdempotent,
        IsRetryable = StsErrors.IsRetryable,
    };

    /// <summary>The endpoint STS calls go to for <paramref name="region"/>: AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL, else regional.</summary>
    public Uri Endpoint(string region) => new AwsEndpoints(_environment).Configured(AwsEndpoints.Sts) ?? AwsEndpoints.DefaultSts(region);

    /// <summary>
    /// Redeems a SAML assertion (no AWS credentials needed); a refused duration is retried once with 3600, with the same
    /// assertion: STS takes one assertion for any number of calls within its five minutes (sandbox README, "STS").
    /// </summary>
    /// <exception cref="KeymanException">StsRefused when STS refuses the assertion or role; Network when it cannot be reached.</exception>
    public async Task<AwsCredentials> AssumeRoleWithSamlAsync(
        AwsRole role, SamlAssertion assertion, int durationSeconds, string region, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(assertion);
        ArgumentException.ThrowIfNullOrEmpty(region);
        var call = StsCall.Saml(role, assertion, Endpoint(region), region, MaxErrorRetry + 1);
        _log.Info($"Assuming role: {role.RoleArn}");
        _log.Debug($"STS endpoint: {call.Endpoint}");
        if (assertion.SessionDuration is { } cap && cap < durationSeconds)
        {
            _log.Debug($"Okta's SessionDuration is {cap} s, less than the requested {durationSeconds} s; STS caps the session at {cap} s");
        }

        try
        {
            return await CallAsync(call, region, null, client => AssumeWithSamlAsync(client, role, assertion, durationSeconds, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException ex) when (durationSeconds != FallbackDurationSeconds && ex.InnerException is AmazonServiceException service && StsErrors.IsDurationRefused(service))
        {
            _log.Debug($"STS: {service.ErrorCode}: {call.Redact(service.Message)}");
            _log.Warning($"Error assuming session with duration {durationSeconds}. Retrying with {FallbackDurationSeconds}.");
        }

        return await CallAsync(call, region, null, client => AssumeWithSamlAsync(client, role, assertion, FallbackDurationSeconds, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>sts:AssumeRole for one link of a profile's chain, signed with <paramref name="source"/>.</summary>
    /// <exception cref="KeymanException">AssumeRoleRefused, AwsCredentialsExpired or Network.</exception>
    public Task<AwsSigningCredentials> AssumeRoleAsync(AwsSigningCredentials source, AwsRoleLink link, string region, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(link);
        var call = StsCall.AssumeRole(source, link, Endpoint(region), MaxErrorRetry + 1);
        var sessionName = link.RoleSessionName ?? $"keyman-{_time.GetUtcNow().ToUnixTimeSeconds()}";
        _log.Debug($"Assuming role: {link.RoleArn}");
        _log.Debug($"STS endpoint: {call.Endpoint}; session name {sessionName}; source credentials from {source.Describe()}");
        return CallAsync(call, region, source, async client =>
        {
            var request = new AssumeRoleRequest { RoleArn = link.RoleArn, RoleSessionName = sessionName };
            if (link.ExternalId is not null)
            {
                request.ExternalId = link.ExternalId;
            }

            if (link.DurationSeconds is { } duration)
            {
                request.DurationSeconds = duration;
            }

            var response = await client.AssumeRoleAsync(request, cancellationToken).ConfigureAwait(false);
            var issued = response.Credentials;
            if (issued is null || string.IsNullOrEmpty(issued.AccessKeyId) || string.IsNullOrEmpty(issued.SecretAccessKey)
                || string.IsNullOrEmpty(issued.SessionToken))
            {
                throw new KeymanException(ExitCodes.AssumeRoleRefused, $"AWS STS answered AssumeRole for {link.RoleArn} without complete credentials",
                    "Retry; if it persists, check AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL and any proxy in between.");
            }

            DateTimeOffset? expiration = issued.Expiration is { } e ? Utc(e) : null;
            _log.Debug($"Assumed {link.RoleArn}; credentials expire at {(expiration is { } x ? AwsCredentials.FormatRfc3339(x) : "(unknown)")}");
            return new AwsSigningCredentials(issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken, expiration,
                AwsCredentialOrigin.AssumedRole, link.Profile, null, link.RoleArn);
        }, cancellationToken);
    }

    /// <summary>
    /// Keyman's own role chaining (assume_role_arn / --assume-role): sts:AssumeRole into <paramref name="roleArn"/> with
    /// the credentials the SAML role just got. Chained sessions are capped at one hour by AWS, so longer durations are lowered.
    /// </summary>
    /// <exception cref="KeymanException">AssumeRoleRefused, AwsCredentialsExpired or Network, as for a profile's role_arn.</exception>
    public async Task<AwsCredentials> ChainAsync(AwsCredentials source, string roleArn, string profile, string region,
        string? sessionName, int durationSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(roleArn);
        var signing = new AwsSigningCredentials(source.AccessKeyId, source.SecretAccessKey, source.SessionToken, source.Expiration,
            AwsCredentialOrigin.AssumedRole, profile, null, source.AssumedRoleArn);
        var link = new AwsRoleLink(profile, roleArn, profile, sessionName, null, Math.Min(durationSeconds, ChainedMaxDurationSeconds));
        var issued = await AssumeRoleAsync(signing, link, region, cancellationToken).ConfigureAwait(false);
        return new AwsCredentials(issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken!,
            issued.Expiration ?? _time.GetUtcNow().AddSeconds(link.DurationSeconds!.Value), roleArn);
    }

    /// <summary>Asks STS who these credentials are (sts:GetCallerIdentity, which no IAM policy can deny).</summary>
    public Task<CallerIdentity> GetCallerIdentityAsync(AwsSigningCredentials credentials, string region, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var call = StsCall.CallerIdentity(credentials, Endpoint(region), MaxErrorRetry + 1);
        return CallAsync(call, region, credentials, async client =>
        {
            var response = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
            return new CallerIdentity(response.Account, response.Arn, response.UserId);
        }, cancellationToken);
    }

    private async Task<T> CallAsync<T>(StsCall call, string region, AwsSigningCredentials? signWith, Func<AmazonSecurityTokenServiceClient, Task<T>> send,
        CancellationToken cancellationToken)
    {
        try
        {
            using var client = CreateClient(region, signWith);
            return await send(client).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw StsErrors.Map(ex, call);
        }
    }

    private static async Task<AwsCredentials> AssumeWithSamlAsync(
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

        return new AwsCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken,
            Utc(credentials.Expiration.Value), response.AssumedRoleUser?.Arn);
    }

    private static DateTimeOffset Utc(DateTime value) =>
        new(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>
    /// The SDK client for one call: anonymous (the pipeline signs), no retries of its own, endpoint overrides resolved by
    /// Keyman from the injected environment.
    /// </summary>
    private AmazonSecurityTokenServiceClient CreateClient(string region, AwsSigningCredentials? signWith)
    {
        var configured = new AwsEndpoints(_environment).Configured(AwsEndpoints.Sts);
        var config = new AmazonSecurityTokenServiceConfig
        {
            IgnoreConfiguredEndpointUrls = true,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 0,
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        if (configured is not null)
        {
            config.ServiceURL = configured.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var signer = signWith is null ? null : new AwsRequestSigner(signWith, region, SigningName, _time);
        config.HttpClientFactory = new PipelineHttpClientFactory(() => _pipeline.CreateClient(Policy, _log, _time, HttpTarget.Aws, signer));
        return new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), config);
    }

    /// <summary>Hands the SDK HttpClients from the pipeline.</summary>
    private sealed class PipelineHttpClientFactory(Func<HttpClient> create) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => create();

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}
