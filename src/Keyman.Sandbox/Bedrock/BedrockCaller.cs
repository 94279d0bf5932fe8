using System.Text.RegularExpressions;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;
using Keyman.Sandbox.Sts;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// The authenticated caller of a Bedrock request: who it is (an assumed role, or the IAM user behind a Bedrock API key),
/// whose permissions apply, the region, and which kind of credential the request carried.
/// </summary>
internal sealed partial record BedrockCaller(string PrincipalArn, string PermissionsRoleArn, string Partition, string Account, string Region,
    SigV4Request Request, BedrockCredentialKind Kind)
{
    /// <summary>Both bedrock.* and bedrock-runtime.* are signed with the signing name "bedrock".</summary>
    public const string SigningName = "bedrock";

    /// <summary>
    /// Verifies the signature (SigV4) or the API key (<c>Authorization: Bearer</c>, smithy httpBearerAuth) and the region.
    /// Returns the caller, or null after answering the request: with an error, or by dropping the connection when the
    /// region has no Bedrock (a real client can't even resolve bedrock.{region}.amazonaws.com there).
    /// </summary>
    public static async Task<(BedrockCaller? Caller, IResult? Failure)> AuthenticateAsync(HttpContext http, SandboxState state)
    {
        var request = await SigV4Request.FromHttpAsync(http.Request);
        request.Headers.TryGetValue("Authorization", out var authorization);
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Bearer(http, state, request, authorization["Bearer ".Length..].Trim());
        }

        if (authorization is not null
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

        IssuedCredentials credentials;
        lock (state.Sync)
        {
            credentials = state.Credentials[result.Key!.AccessKeyId];
        }

        return (new BedrockCaller(credentials.AssumedRoleArn, credentials.RoleArn, credentials.Partition, credentials.Account, result.Region!, request,
            BedrockCredentialKind.SigV4), null);
    }

    /// <summary>
    /// An API key the sandbox issued and that has not expired; anything else is refused as Bedrock's front door does. A
    /// bearer request has no signed region: the region comes from the bedrock[-runtime].{region}.amazonaws.com host, else
    /// the first Bedrock region of the scenario (the sandbox serves every region on one address).
    /// </summary>
    private static (BedrockCaller?, IResult?) Bearer(HttpContext http, SandboxState state, SigV4Request request, string key)
    {
        var keys = http.RequestServices.GetRequiredService<BedrockApiKeys>();
        if (keys.Find(key, state.Now) is not { } issued)
        {
            return (null, BedrockErrors.InvalidApiKey());
        }

        var region = HostRegion().Match(http.Request.Host.Host) is { Success: true } m ? m.Groups[1].Value : state.Scenario.Bedrock.Regions.FirstOrDefault() ?? "us-east-1";
        if (!state.Scenario.Bedrock.Regions.Contains(region))
        {
            http.Abort();
            return (null, Results.Empty);
        }

        var parts = issued.UserArn.Split(':');
        return (new BedrockCaller(issued.UserArn, issued.PermissionsRoleArn, parts[1], parts[4], region, request, BedrockCredentialKind.Bearer), null);
    }

    public ScenarioBedrockPermission? Permissions(SandboxState state) => state.Scenario.Bedrock.PermissionsOf(PermissionsRoleArn);

    /// <summary>IAM's wording when no identity-based policy allows an action (on a resource, for resource-level actions).</summary>
    public IResult NotAuthorized(string action, string? resource = null) =>
        BedrockErrors.AccessDenied(resource is null
            ? $"User: {PrincipalArn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"
            : $"User: {PrincipalArn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action");

    public string FoundationModelArn(string modelId) => $"arn:{Partition}:bedrock:{Region}::foundation-model/{modelId}";

    public string InferenceProfileArn(string profileId) => $"arn:{Partition}:bedrock:{Region}:{Account}:inference-profile/{profileId}";

    [GeneratedRegex(@"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")]
    private static partial Regex ScopeRegion();

    [GeneratedRegex(@"^bedrock(?:-runtime)?(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")]
    private static partial Regex HostRegion();
}

/// <summary>What authenticated a Bedrock request.</summary>
internal enum BedrockCredentialKind
{
    SigV4,
    Bearer,
}
