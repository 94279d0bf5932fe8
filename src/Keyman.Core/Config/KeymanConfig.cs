namespace Keyman.Core.Config;

/// <summary>One AWS app of the <c>accounts</c> list: a friendly name and the Okta app ID ("0oaXXXX/272").</summary>
/// <param name="AssumeRoleArn">A role to assume after the SAML one for this app (overrides the top-level assume_role_arn).</param>
public sealed record AccountEntry(string Name, string AppId, string? AssumeRoleArn = null);

/// <summary>
/// The settings aws_okta_keyman reads from its YAML file and its flags. Every field is nullable so that a layer
/// (flags, file) can say "not given"; <see cref="Over"/> stacks the layers, and the login reads the merged result.
/// Each property is described by one entry of <see cref="ConfigKeys.All"/>.
/// </summary>
public sealed record KeymanConfig
{
    public string? Org { get; init; }

    public string? Username { get; init; }

    public string? AppId { get; init; }

    public IReadOnlyList<AccountEntry>? Accounts { get; init; }

    public string? Role { get; init; }

    public string? Account { get; init; }

    public string? Region { get; init; }

    public int? Duration { get; init; }

    public bool? Reup { get; init; }

    public string? DuoFactor { get; init; }

    public string? Factor { get; init; }

    public bool? PasswordCache { get; init; }

    public bool? PasswordReset { get; init; }

    public bool? Screen { get; init; }

    public bool? Console { get; init; }

    public string? Command { get; init; }

    public bool? Debug { get; init; }

    public bool? OktaPreview { get; init; }

    /// <summary>The AWS credentials profile to write. The original ignores <c>name:</c> in its file; Keyman honours it.</summary>
    public string? Name { get; init; }

    /// <summary>A role Keyman assumes with sts:AssumeRole after the SAML role; its credentials are what gets delivered.</summary>
    public string? AssumeRoleArn { get; init; }

    /// <summary>Seconds before expiry at which reup refreshes and credential-process stops using its cache.</summary>
    public int? RefreshBefore { get; init; }

    /// <summary>
    /// A PEM file of CA certificates to trust for HTTPS (a TLS-inspecting proxy's root), as an absolute path that
    /// existed and was a regular file when the config was read.
    /// </summary>
    public string? CaBundle { get; init; }

    /// <summary>The Okta OIDC native app for the device authorization flow (okta-aws-cli's OIDC client).</summary>
    public string? OidcClientId { get; init; }

    /// <summary>Sign in with the device authorization flow (a browser approves) instead of from the terminal.</summary>
    public bool? Device { get; init; }

    /// <summary>reup's default lead time: 10 minutes, like the original.</summary>
    public const int DefaultReupBefore = 600;

    /// <summary>credential-process's default: 15 minutes, when the AWS SDKs start refreshing themselves.</summary>
    public const int DefaultCacheBefore = 900;

    /// <summary>
    /// How long before expiry to refresh: the configured (or default) lead, but never more than a quarter of the
    /// credentials' whole lifetime, so short sessions (900 s, or a time-scaled sandbox) are still used for most of their life.
    /// </summary>
    public TimeSpan RefreshLead(TimeSpan lifetime, int defaultSeconds)
    {
        var lead = TimeSpan.FromSeconds(RefreshBefore ?? defaultSeconds);
        var quarter = lifetime / 4;
        return lead < quarter ? lead : quarter;
    }

    public const string DefaultRegion = "us-east-1";

    public const int DefaultDuration = 3600;

    public const int MinDuration = 900;

    public const int MaxDuration = 43200;

    public const string DefaultProfile = "default";

    public string EffectiveRegion => Region ?? DefaultRegion;

    public int EffectiveDuration => Duration ?? DefaultDuration;

    public string EffectiveProfile => Name ?? DefaultProfile;

    /// <summary>This layer's values where given, <paramref name="lower"/>'s otherwise, key by key of <see cref="ConfigKeys.All"/>.</summary>
    public KeymanConfig Over(KeymanConfig lower)
    {
        var merged = new KeymanConfig();
        foreach (var key in ConfigKeys.All)
        {
            merged = key.Set(merged, key.Get(this) ?? key.Get(lower));
        }

        return merged;
    }
}
