using Keyman.Core.Aws;

namespace Keyman.Core.Bedrock;

/// <summary>
/// How Bedrock requests are authenticated: SigV4 with AWS credentials, or a Bedrock API key sent as
/// <c>Authorization: Bearer</c> (smithy httpBearerAuth), which the AWS SDKs use whenever AWS_BEARER_TOKEN_BEDROCK is set.
/// </summary>
public abstract class BedrockAuth
{
    /// <summary>The variable the AWS SDKs read a Bedrock API key from.</summary>
    public const string BearerTokenVariable = "AWS_BEARER_TOKEN_BEDROCK";

    private BedrockAuth()
    {
    }

    /// <summary>What the user is told was used: "Bearer (AWS_BEARER_TOKEN_BEDROCK)" or "SigV4 via profile bedrock". Never the secret.</summary>
    public abstract string Description { get; }

    /// <summary>The API key from AWS_BEARER_TOKEN_BEDROCK, or null when unset or blank.</summary>
    public static BedrockAuth? BearerFromEnvironment(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.Get(BearerTokenVariable) is { } token && !string.IsNullOrWhiteSpace(token) ? new Bearer(token.Trim()) : null;
    }

    public static BedrockAuth FromCredentials(AwsSigningCredentials credentials, string? profile)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new SigV4(credentials, profile);
    }

    public override string ToString() => Description;

    public sealed class SigV4(AwsSigningCredentials credentials, string? profile) : BedrockAuth
    {
        public AwsSigningCredentials Credentials { get; } = credentials;

        public override string Description => Credentials.RoleArn is { } role
            ? $"SigV4 via profile {profile ?? "(environment)"} ({AwsArn.RoleOf(role)})"
            : $"SigV4 via profile {profile ?? "(environment)"}";
    }

    /// <summary>An API key; the value is only ever put in the Authorization header.</summary>
    public sealed class Bearer(string token) : BedrockAuth
    {
        internal string Token { get; } = token;

        public override string Description => $"Bearer ({BearerTokenVariable})";
    }
}
