namespace Keyman.Core.Aws;

/// <summary>
/// Endpoint overrides the way the AWS SDKs read them from the environment: AWS_ENDPOINT_URL_{SERVICE} first, then
/// AWS_ENDPOINT_URL; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns both off. With no override, the regional endpoint applies.
/// </summary>
public sealed class AwsEndpoints(IEnvironment environment)
{
    public const string Sts = "STS";
    public const string Bedrock = "BEDROCK";
    public const string BedrockRuntime = "BEDROCK_RUNTIME";

    /// <summary>The override for <paramref name="serviceKey"/> ("STS", "BEDROCK_RUNTIME"), or null to use the default endpoint.</summary>
    /// <exception cref="KeymanException">ExitCodes.Config when the variable is set but is not an absolute http(s) URL.</exception>
    public Uri? Configured(string serviceKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceKey);
        if (string.Equals(environment.Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var specific = "AWS_ENDPOINT_URL_" + serviceKey.ToUpperInvariant().Replace(' ', '_').Replace('-', '_');
        foreach (var name in new[] { specific, "AWS_ENDPOINT_URL" })
        {
            var value = environment.Get(name)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new KeymanException(ExitCodes.Config, $"{name} is not a valid http(s) URL: {value}",
                    $"Set {name} to a URL such as https://sts.eu-west-1.amazonaws.com, or unset it.");
            }

            return uri;
        }

        return null;
    }

    /// <summary>The regional STS endpoint the SDK uses when nothing is configured (for messages; the SDK resolves the real one).</summary>
    public static Uri DefaultSts(string region)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://sts.{region}.{suffix}");
    }
}
