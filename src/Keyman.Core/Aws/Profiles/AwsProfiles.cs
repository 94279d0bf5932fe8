using System.Globalization;
using System.Text.RegularExpressions;
using Keyman.Core.Aws.Sts;
using Keyman.Core.Http;
using Keyman.Core.Ui;

namespace Keyman.Core.Aws.Profiles;

/// <summary>
/// Resolves credentials and region for a named AWS profile the way the AWS CLI does: environment keys (unless a profile
/// was given with --profile), else the profile in ~/.aws/config and ~/.aws/credentials (credentials-file keys win),
/// following role_arn + source_profile chains with sts:AssumeRole. Failures are typed with a fix and an exit code.
/// </summary>
public sealed class AwsProfiles
{
    public const string DefaultRegion = "us-east-1";
    public const string DefaultProfile = "default";

    private readonly IEnvironment _environment;
    private readonly ILog _log;
    private readonly TimeProvider _time;
    private readonly HttpPipeline? _pipeline;

    /// <param name="pipeline">The run's HTTP pipeline, for the STS calls of role chains (tests give theirs).</param>
    public AwsProfiles(IEnvironment environment, ILog log, TimeProvider? time = null, HttpPipeline? pipeline = null)
    {
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _time = time ?? TimeProvider.System;
        _pipeline = pipeline;
    }

    /// <summary>Retries of one STS call after throttling, 5xx and network errors.</summary>
    public int MaxErrorRetry { get; init; } = 2;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where assumed roles are cached (<see cref="AssumeRoleCache"/>); null: the AWS CLI's ~/.aws/cli/cache.</summary>
    public string? RoleCacheDirectory { get; init; }

    /// <summary>The profile to use and why: --profile, else AWS_PROFILE, else "default".</summary>
    public static (string Name, string Origin) ProfileName(string? explicitProfile, IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrWhiteSpace(explicitProfile))
        {
            return (explicitProfile.Trim(), "--profile");
        }

        var fromEnvironment = environment.Get("AWS_PROFILE")?.Trim();
        return string.IsNullOrEmpty(fromEnvironment) ? (DefaultProfile, "default") : (fromEnvironment, "AWS_PROFILE");
    }

    /// <summary>Profile names in the config and credentials files, config first, without duplicates.</summary>
    public IReadOnlyList<string> ListProfiles()
    {
        var (config, credentials) = LoadFiles(out _, out _);
        return ListProfiles(config, credentials);
    }

    /// <summary>Resolves everything that needs no network call.</summary>
    /// <exception cref="KeymanException">
    /// AwsProfileNotFound (profile missing or a '$' placeholder), AwsProfileInvalid (bad role_arn, missing source_profile,
    /// cycle, unsupported source), AwsCredentialsMissing (partial environment keys), Config (unreadable file).
    /// </exception>
    public AwsProfilePlan Plan(string? explicitProfile, string? explicitRegion)
    {
        var (profile, profileOrigin) = ProfileName(explicitProfile, _environment);
        var (config, credentials) = LoadFiles(out var configPath, out var credentialsPath);
        if (profile.StartsWith('$'))
        {
            throw PlaceholderProfile(profile, profileOrigin, config, credentials);
        }

        var exists = Merged(config, credentials, profile) is not null;
        var region = ResolveRegion(explicitRegion, profile, config, credentials, configPath, credentialsPath);

        if (explicitProfile is null && EnvironmentCredentials() is { } environmentCredentials)
        {
            if (!exists && profile != DefaultProfile)
            {
                throw NotFound(profile, profileOrigin, configPath, config, credentials);
            }

            if (profileOrigin == "AWS_PROFILE")
            {
                _log.Debug($"Using AWS credentials from the environment (AWS_ACCESS_KEY_ID); AWS_PROFILE={profile} only supplies the region. Unset AWS_ACCESS_KEY_ID to use the profile's credentials.");
            }

            return new AwsProfilePlan(profile, profileOrigin, region.Region, region.Origin, configPath, credentialsPath,
                profile, environmentCredentials, []);
        }

        if (!exists && profile != DefaultProfile)
        {
            throw NotFound(profile, profileOrigin, configPath, config, credentials);
        }

        var roles = new List<AwsRoleLink>();
        var visited = new List<string>();
        var current = profile;
        AwsSigningCredentials? baseCredentials = null;
        string? baseProcess = null;
        while (true)
        {
            visited.Add(current);
            var values = Merged(config, credentials, current);
            if (values is null)
            {
                // Only "default" may be absent at the top; a missing source profile is caught below.
                break;
            }

            var staticKeys = StaticCredentials(current, config, credentials, configPath, credentialsPath);
            var roleArn = Value(values, "role_arn");
            // botocore: the requested profile's role_arn wins over its own keys; a source profile's keys win over its role_arn.
            if (roleArn is null || (staticKeys is not null && current != profile))
            {
                if (staticKeys is null && Value(values, "credential_process") is { } process)
                {
                    // Run at ResolveAsync time, as the AWS SDKs do (e.g. `keyman credential-process --profile x`).
                    baseProcess = process;
                }

                if (staticKeys is null && (Value(values, "sso_session") is not null || Value(values, "sso_start_url") is not null))
                {
                    throw Unsupported(current, "sso_session / sso_start_url", configPath);
                }

                baseCredentials = staticKeys;
                break;
            }

            var source = Value(values, "source_profile");
            var credentialSource = Value(values, "credential_source");
            ValidateRoleArn(current, roleArn, configPath);
            var link = new AwsRoleLink(current, roleArn, source ?? credentialSource ?? "", Value(values, "role_session_name"),
                Value(values, "external_id"), ParseDuration(current, Value(values, "duration_seconds"), configPath));
            roles.Insert(0, link);

            if (source is null && credentialSource is null)
            {
                throw new KeymanException(ExitCodes.AwsProfileInvalid,
                    $"AWS profile '{current}' has role_arn but no source_profile in {configPath}",
                    $"Add 'source_profile = default' (the profile Keyman writes credentials to) under [{Header(current)}], as in the how-to's step 0.");
            }

            if (source is not null && credentialSource is not null)
            {
                throw new KeymanException(ExitCodes.AwsProfileInvalid,
                    $"AWS profile '{current}' has both source_profile and credential_source in {configPath}",
                    $"Keep only 'source_profile = default' under [{Header(current)}].");
            }

            if (credentialSource is not null)
            {
                if (!string.Equals(credentialSource, "Environment", StringComparison.Ordinal))
                {
                    throw Unsupported(current, $"credential_source = {credentialSource}", configPath);
                }

                baseCredentials = EnvironmentCredentials();
                current = "(environment)";
                break;
            }

            if (source!.StartsWith('$'))
            {
                throw new KeymanException(ExitCodes.AwsProfileInvalid,
                    $"source_profile of AWS profile '{current}' is the placeholder text {source} in {configPath}",
                    "Replace it with the profile Keyman writes credentials to, usually 'default'.");
            }

            if (source == current)
            {
                // A profile may name itself as source when it holds static keys (botocore allows this).
                baseCredentials = staticKeys;
                break;
            }

            if (visited.Contains(source))
            {
                throw new KeymanException(ExitCodes.AwsProfileInvalid,
                    $"The source_profile chain of AWS profile '{profile}' loops: {string.Join(" -> ", visited)} -> {source}",
                    $"Fix source_profile in {configPath} so the chain ends at a profile with credentials (usually 'default').");
            }

            if (Merged(config, credentials, source) is null)
            {
                throw new KeymanException(ExitCodes.AwsProfileInvalid,
                    $"AWS profile '{current}' names source_profile '{source}', which is in neither {configPath} nor {credentialsPath}",
                    source == DefaultProfile
                        ? $"Run keyman to log in; it writes [default] to {credentialsPath}."
                        : $"Fix source_profile under [{Header(current)}] (usually 'default'), or run keyman --profile {source}.");
            }

            current = source;
        }

        return new AwsProfilePlan(profile, profileOrigin, region.Region, region.Origin, configPath, credentialsPath,
            current, baseCredentials, roles, baseProcess);
    }

    /// <summary>Resolves the profile and assumes its roles, giving credentials to sign Bedrock requests with.</summary>
    /// <exception cref="KeymanException">
    /// Everything <see cref="Plan"/> throws; AwsCredentialsMissing / AwsCredentialsExpired for the base credentials;
    /// AssumeRoleRefused, AwsCredentialsExpired or Network from STS.
    /// </exception>
    public async Task<AwsSession> ResolveAsync(string? explicitProfile, string? explicitRegion, CancellationToken cancellationToken)
    {
        var plan = Plan(explicitProfile, explicitRegion);
        var credentials = plan.BaseCredentials;
        if (credentials is null && plan.BaseCredentialProcess is { } process)
        {
            credentials = await CredentialProcessRunner.RunAsync(process, plan.BaseProfile, cancellationToken).ConfigureAwait(false);
        }

        if (credentials is null)
        {
            var whose = plan.Roles.Count > 0 ? $"source profile '{plan.BaseProfile}' of AWS profile '{plan.Profile}'" : $"AWS profile '{plan.BaseProfile}'";
            throw new KeymanException(ExitCodes.AwsCredentialsMissing,
                $"The {whose} has no credentials in {plan.CredentialsPath}",
                plan.BaseProfile == DefaultProfile || plan.Roles.Count > 0
                    ? $"Run keyman to log in; it writes them to [{plan.BaseProfile}] in {plan.CredentialsPath}."
                    : $"Run keyman --profile {plan.BaseProfile} to log in.");
        }

        var now = _time.GetUtcNow();
        if (credentials.IsExpired(now))
        {
            throw new KeymanException(ExitCodes.AwsCredentialsExpired,
                $"The AWS credentials of {credentials.Describe()} expired at {AwsCredentials.FormatRfc3339(credentials.Expiration!.Value)}",
                "Run keyman to log in again.");
        }

        _log.Debug($"AWS profile {plan.Profile} ({plan.ProfileOrigin}), region {plan.Region} ({plan.RegionOrigin}); base credentials from {credentials.Describe()}");
        if (plan.Roles.Count > 0)
        {
            var sts = new StsClient(_environment, _log, _time, _pipeline) { MaxErrorRetry = MaxErrorRetry, Timeout = Timeout };
            var cache = new AssumeRoleCache(RoleCacheDirectory ?? AssumeRoleCache.DefaultDirectory(_environment), _log, _time);
            foreach (var link in plan.Roles)
            {
                if (cache.TryGet(link) is { } cached)
                {
                    credentials = cached;
                    continue;
                }

                // The session name is fixed here so that the cache entry can name the session STS made.
                var named = link with { RoleSessionName = link.RoleSessionName ?? $"keyman-{_time.GetUtcNow().ToUnixTimeSeconds()}" };
                credentials = await sts.AssumeRoleAsync(credentials, named, plan.Region, cancellationToken).ConfigureAwait(false);
                cache.Put(link, credentials, named.RoleSessionName!);
            }
        }

        return new AwsSession(plan, credentials);
    }

    private AwsSigningCredentials? EnvironmentCredentials()
    {
        var keyId = _environment.Get("AWS_ACCESS_KEY_ID")?.Trim();
        var secret = _environment.Get("AWS_SECRET_ACCESS_KEY")?.Trim();
        if (keyId is null && secret is null)
        {
            return null;
        }

        if (keyId is null || secret is null)
        {
            var (set, missing) = keyId is null ? ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID") : ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
            throw new KeymanException(ExitCodes.AwsCredentialsMissing, $"{set} is set but {missing} is not",
                $"Set both (and AWS_SESSION_TOKEN for temporary credentials), or unset {set} to use the AWS profile.");
        }

        var token = _environment.Get("AWS_SESSION_TOKEN")?.Trim() ?? _environment.Get("AWS_SECURITY_TOKEN")?.Trim();
        return new AwsSigningCredentials(keyId, secret, token, ParseExpiry(_environment.Get("AWS_CREDENTIAL_EXPIRATION")),
            AwsCredentialOrigin.Environment, null, null);
    }

    /// <summary>Static keys for a profile: the credentials file's win over the config file's (botocore's provider order).</summary>
    private static AwsSigningCredentials? StaticCredentials(string profile, IniFile config, IniFile credentials, string configPath, string credentialsPath)
    {
        if (Keys(credentials.Section(profile)) is { } fromCredentials)
        {
            return fromCredentials with { Origin = AwsCredentialOrigin.CredentialsFile, Profile = profile, FilePath = credentialsPath };
        }

        return Keys(config.ConfigProfile(profile)) is { } fromConfig
            ? fromConfig with { Origin = AwsCredentialOrigin.ConfigFile, Profile = profile, FilePath = configPath }
            : null;

        static AwsSigningCredentials? Keys(IReadOnlyDictionary<string, string>? section)
        {
            if (section is null || Value(section, "aws_access_key_id") is not { } keyId || Value(section, "aws_secret_access_key") is not { } secret)
            {
                return null;
            }

            var token = Value(section, "aws_session_token") ?? Value(section, "aws_security_token");
            var expiry = ParseExpiry(Value(section, "x_security_token_expires"));
            return new AwsSigningCredentials(keyId, secret, token, expiry, AwsCredentialOrigin.CredentialsFile, null, null);
        }
    }

    private (string Region, string Origin) ResolveRegion(string? explicitRegion, string profile, IniFile config, IniFile credentials, string configPath, string credentialsPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitRegion))
        {
            return (CheckRegion(explicitRegion.Trim(), "--region"), "--region");
        }

        foreach (var name in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (_environment.Get(name)?.Trim() is { Length: > 0 } value)
            {
                return (CheckRegion(value, name), name);
            }
        }

        // botocore merges the credentials file over the config file, so a region in the credentials file wins.
        if (credentials.Section(profile) is { } credentialsSection && Value(credentialsSection, "region") is { } fromCredentials)
        {
            return (CheckRegion(fromCredentials, $"region of profile '{profile}' in {credentialsPath}"), $"profile {profile} in {credentialsPath}");
        }

        if (config.ConfigProfile(profile) is { } section && Value(section, "region") is { } fromConfig)
        {
            return (CheckRegion(fromConfig, $"region of profile '{profile}' in {configPath}"), $"profile {profile} in {configPath}");
        }

        _log.Debug($"No region in --region, AWS_REGION, AWS_DEFAULT_REGION or profile '{profile}'; using {DefaultRegion}");
        return (DefaultRegion, "default");
    }

    private static string CheckRegion(string region, string where)
    {
        if (region.StartsWith('$'))
        {
            throw new KeymanException(ExitCodes.AwsProfileInvalid, $"The {where} is the placeholder text {region}",
                "Replace it with your AWS region from your DevOps team, e.g. us-east-1.");
        }

        if (!Regex.IsMatch(region, "^[a-z]{2}(-[a-z]+)+-\\d+$"))
        {
            throw new KeymanException(ExitCodes.AwsProfileInvalid, $"The {where} is not an AWS region: '{region}'",
                "Use a region name such as us-east-1 or eu-west-1.");
        }

        return region;
    }

    private static void ValidateRoleArn(string profile, string roleArn, string configPath)
    {
        if (roleArn.StartsWith('$'))
        {
            throw new KeymanException(ExitCodes.AwsProfileInvalid,
                $"role_arn of AWS profile '{profile}' is the placeholder text {roleArn} in {configPath}; the how-to's placeholder was not replaced",
                "Replace it with the role ARN from your DevOps team, e.g. role_arn = arn:aws:iam::123456789012:role/my-bedrock-role.");
        }

        if (!AwsArn.IsRoleArn(roleArn))
        {
            throw new KeymanException(ExitCodes.AwsProfileInvalid, $"role_arn of AWS profile '{profile}' is not a role ARN: '{roleArn}'",
                "A role ARN looks like arn:aws:iam::123456789012:role/my-bedrock-role.");
        }
    }

    private static int? ParseDuration(string profile, string? value, string configPath)
    {
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 900 || seconds > 43200)
        {
            throw new KeymanException(ExitCodes.AwsProfileInvalid, $"duration_seconds of AWS profile '{profile}' in {configPath} is '{value}'",
                "Use a number of seconds from 900 to 43200 (3600 at most for a role assumed from another role), or remove it.");
        }

        return seconds;
    }

    private static DateTimeOffset? ParseExpiry(string? value) =>
        value is not null && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    private (IniFile Config, IniFile Credentials) LoadFiles(out string configPath, out string credentialsPath)
    {
        configPath = AwsConfigFile.ResolvePath(_environment);
        credentialsPath = CredentialsFile.ResolvePath(_environment);
        return (Load(configPath, "the AWS config file", ExitCodes.Config), Load(credentialsPath, "the AWS credentials file", ExitCodes.CredentialsFile));

        static IniFile Load(string path, string what, int exitCode)
        {
            try
            {
                return IniFile.Load(path, what, exitCode);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KeymanException(exitCode, $"Cannot read {path}: {(ex is UnauthorizedAccessException ? "permission denied" : OneLine(ex.Message))}",
                    $"Check the owner and permissions of {path}.", ex);
            }
        }
    }

    /// <summary>The profile's keys from both files, credentials file winning; null when neither has the profile.</summary>
    private static Dictionary<string, string>? Merged(IniFile config, IniFile credentials, string profile)
    {
        var fromConfig = config.ConfigProfile(profile);
        var fromCredentials = credentials.Section(profile);
        if (fromConfig is null && fromCredentials is null)
        {
            return null;
        }

        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in new[] { fromConfig, fromCredentials })
        {
            foreach (var (key, value) in section ?? new Dictionary<string, string>())
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private static List<string> ListProfiles(IniFile config, IniFile credentials)
    {
        var names = new List<string>();
        foreach (var section in config.SectionNames)
        {
            var name = section == "default" ? section : section.StartsWith("profile ", StringComparison.Ordinal) ? section[8..].Trim() : null;
            if (name is { Length: > 0 } && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        foreach (var section in credentials.SectionNames)
        {
            if (!names.Contains(section))
            {
                names.Add(section);
            }
        }

        return names;
    }

    private static KeymanException NotFound(string profile, string origin, string configPath, IniFile config, IniFile credentials)
    {
        var names = ListProfiles(config, credentials);
        var source = origin == "AWS_PROFILE" ? $" (from AWS_PROFILE)" : origin == "--profile" ? " (from --profile)" : "";
        var available = names.Count > 0
            ? $"Existing profiles: {string.Join(", ", names)}. "
            : "No profiles exist yet. ";
        return new KeymanException(ExitCodes.AwsProfileNotFound, $"AWS profile '{profile}'{source} is not in {configPath}",
            available + $"Use one of them, or add [profile {profile}] with role_arn, source_profile and region (the how-to's step 0).");
    }

    private static KeymanException PlaceholderProfile(string profile, string origin, IniFile config, IniFile credentials)
    {
        var names = ListProfiles(config, credentials).Where(n => !n.StartsWith('$')).ToList();
        var what = origin == "--profile" ? "--profile" : "AWS_PROFILE";
        var hint = $"export AWS_PROFILE=<the name of your profile in ~/.aws/config>"
            + (names.Count > 0 ? $"; existing profiles: {string.Join(", ", names)}" : "")
            + ". If ~/.aws/config itself has [profile $AWS_PROFILE], rename that section too (the how-to's step 0).";
        return new KeymanException(ExitCodes.AwsProfileNotFound,
            $"{what} is the literal text {profile}; the how-to's placeholder was not replaced", hint);
    }

    private static KeymanException Unsupported(string profile, string what, string configPath) =>
        new(ExitCodes.AwsProfileInvalid, $"AWS profile '{profile}' in {configPath} uses {what}, which Keyman does not support",
            "Use a profile with static keys written by keyman (usually [default]) as source_profile, or run the command through the AWS CLI.");

    private static string Header(string profile) => profile == DefaultProfile ? "default" : $"profile {profile}";

    private static string? Value(IReadOnlyDictionary<string, string> section, string key) =>
        section.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string OneLine(string? message) => string.IsNullOrEmpty(message) ? "(no message)" : message.ReplaceLineEndings(" ");
}
