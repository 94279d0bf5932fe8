using Keyman.Core.Aws.Profiles;

namespace Keyman.Core.Bedrock;

/// <summary>
/// Makes the Bedrock client a command uses: with AWS_BEARER_TOKEN_BEDROCK set, the API key as Authorization: Bearer (as the
/// AWS SDKs do, with no STS call); otherwise SigV4 with the profile's credentials, the role chain included.
/// </summary>
public static class BedrockConnection
{
    public static async Task<BedrockClient> OpenAsync(KeymanContext context, string? profile, string? region, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var profiles = new AwsProfiles(context.Environment, context.Log, context.Time, context.Http);
        BedrockClient client;
        if (BedrockAuth.BearerFromEnvironment(context.Environment) is { } bearer)
        {
            client = new BedrockClient(bearer, BearerRegion(profiles, context.Environment, profile, region), context.Environment, context.Log, context.Time, context.Http);
        }
        else
        {
            var session = await profiles.ResolveAsync(profile, region, cancellationToken).ConfigureAwait(false);
            client = new BedrockClient(session, context.Environment, context.Log, context.Time, context.Http);
        }

        context.Log.Debug($"Bedrock in {client.Region} with {client.Auth.Description}");
        return client;
    }

    /// <summary>
    /// An API key needs no profile, but the region still comes from --region, AWS_REGION, AWS_DEFAULT_REGION or the
    /// profile's region (when the profile can be read), else us-east-1.
    /// </summary>
    private static string BearerRegion(AwsProfiles profiles, IEnvironment environment, string? profile, string? region)
    {
        if (!string.IsNullOrWhiteSpace(region))
        {
            return region.Trim();
        }

        try
        {
            return profiles.Plan(profile, null).Region;
        }
        catch (KeymanException)
        {
            return environment.Get("AWS_REGION") ?? environment.Get("AWS_DEFAULT_REGION") ?? AwsProfiles.DefaultRegion;
        }
    }
}
