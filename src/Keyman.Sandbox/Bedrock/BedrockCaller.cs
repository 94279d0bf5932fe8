using System.Text.RegularExpressions;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Keyman.Sandbox.Sts;

namespace Keyman.Sandbox.Bedrock;

/// <summary>The authenticated caller of a Bedrock request: sandbox-issued credentials and the signed region.</summary>
internal sealed partial record BedrockCaller(IssuedCredentials Credentials, string Region, SigV4Request Request)
{
    /// <summary>Both bedrock.* and bedrock-runtime.* are signed with the signing name "bedrock".</summary>
    public const string SigningName = "bedrock";

    /// <summary>
    /// Verifies the signature and the region. Returns the caller, or null after answering the request: with an
    /// error, or by dropping the connection when the region has no Bedrock (a real client can't even resolve
    /// bedrock.{region}.amazonaws.com there).
    /// </summary>
    public static async Task<(BedrockCaller? Caller, IResult? Failure)> AuthenticateAsync(HttpContext http, SandboxState state)
    {
        var request = await SigV4Request.FromHttpAsync(http.Request);
        if (request.Headers.TryGetValue("Authorization", out var authorization)
            && ScopeRegion().Match(authorization) is { Success: true } scope
            && !state.Scenario.Bedrock.Regions.Contains(scope.Groups[1].Value))
        {
            http.Abort();
            return (null, Results.Empty);
        }

        var result = StsEndpoints.Verifier(state).Verify(request, SigningName);
        if (!result.IsValid)
        {
            return (null, result.Failure switch
            {
                SigV4Failure.MissingAuthenticationToken => BedrockErrors.Error(403, "MissingAuthenticationTokenException", "Missing Authentication Token", frontDoor: true),
                SigV4Failure.IncompleteSignature => BedrockErrors.Error(403, "IncompleteSignatureException", result.Message, frontDoor: true),
                SigV4Failure.InvalidClientTokenId => BedrockErrors.Error(403, "UnrecognizedClientException", result.Message, frontDoor: true),
                SigV4Failure.ExpiredToken => BedrockErrors.Error(403, "ExpiredTokenException", result.Message, frontDoor: true),
                _ => BedrockErrors.Error(403, "InvalidSignatureException", result.Message, frontDoor: true),
            });
        }

        lock (state.Sync)
        {
            return (new BedrockCaller(state.Credentials[result.Key!.AccessKeyId], result.Region!, request), null);
        }
    }

    public ScenarioBedrockPermission? Permissions(SandboxState state) => state.Scenario.Bedrock.PermissionsOf(Credentials.RoleArn);

    /// <summary>IAM's wording when no identity-based policy allows an action (on a resource, for resource-level actions).</summary>
    public IResult NotAuthorized(string action, string? resource = null) =>
        BedrockErrors.AccessDenied(resource is null
            ? $"User: {Credentials.AssumedRoleArn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"
            : $"User: {Credentials.AssumedRoleArn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action");

    public string FoundationModelArn(string modelId) => $"arn:{Credentials.Partition}:bedrock:{Region}::foundation-model/{modelId}";

    public string InferenceProfileArn(string profileId) =>
        $"arn:{Credentials.Partition}:bedrock:{Region}:{Credentials.Account}:inference-profile/{profileId}";

    [GeneratedRegex(@"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")]
    private static partial Regex ScopeRegion();
}
