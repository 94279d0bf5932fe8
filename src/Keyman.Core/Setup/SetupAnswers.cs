namespace Keyman.Core.Setup;

/// <summary>How the AWS profiles get the source credentials: the how-to's credentials-file chain, or credential_process.</summary>
public enum ProfileStyle
{
    /// <summary>Keyman writes short-lived keys to the source profile of ~/.aws/credentials; [profile bedrock] chains on it.</summary>
    RoleChain,

    /// <summary>The source profile runs <c>keyman credential-process</c> whenever a tool needs credentials.</summary>
    CredentialProcess,
}

/// <summary>What <c>keyman setup</c> was given on the command line; null where a flag was left out.</summary>
public sealed record SetupRequest
{
    public string? Org { get; init; }

    public string? Username { get; init; }

    public string? AppId { get; init; }

    public string? Role { get; init; }

    /// <summary>The Bedrock role DevOps hands out; "none" (or "-") for none.</summary>
    public string? BedrockRoleArn { get; init; }

    public string? Region { get; init; }

    public string? Style { get; init; }

    /// <summary>The profile to use for Bedrock (the one with role_arn; the source profile when there is no Bedrock role).</summary>
    public string? Profile { get; init; }

    public string? SourceProfile { get; init; }

    /// <summary>No question at all: every answer from flags (or the files as they are), every problem a one-line error.</summary>
    public bool NonInteractive { get; init; }

    /// <summary>stdout is for the JSON result only: the diff goes to the log (stderr) instead.</summary>
    public bool Json { get; init; }

    /// <summary>Write without asking (implied by <see cref="NonInteractive"/>).</summary>
    public bool Yes { get; init; }

    /// <summary>The Keyman config to write.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>True when <see cref="ConfigPath"/> is not the default one, so credential_process names it.</summary>
    public bool ConfigPathGiven { get; init; }

    /// <summary>The keyman binary, for the credential_process line.</summary>
    public string? KeymanBinary { get; init; }
}

/// <summary>The answers the setup works from, each one valid.</summary>
public sealed record SetupAnswers
{
    public const string DefaultBedrockProfile = "bedrock";
    public const string DefaultChainSource = "default";
    public const string DefaultProcessSource = "keyman";

    public required string Org { get; init; }

    public required string Username { get; init; }

    public string? AppId { get; init; }

    public string? Role { get; init; }

    public string? BedrockRoleArn { get; init; }

    public required string Region { get; init; }

    public ProfileStyle Style { get; init; }

    /// <summary>The profile that holds (or makes) the SAML role's credentials.</summary>
    public required string SourceProfile { get; init; }

    /// <summary>The profile with the Bedrock role's role_arn; unused when there is no Bedrock role.</summary>
    public string BedrockProfile { get; init; } = DefaultBedrockProfile;

    /// <summary>The profile to use for Bedrock: the role chain's when a Bedrock role is set, else the source itself.</summary>
    public string ProfileToUse => BedrockRoleArn is null ? SourceProfile : BedrockProfile;
}
