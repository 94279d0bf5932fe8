using System.Globalization;

namespace Keyman.Core.Bedrock;

/// <summary>The one-line token report of -v: which model, how many tokens in and out, and how the call was authenticated.</summary>
public static class TokenUsage
{
    public static string Describe(string modelId, int? inputTokens, int? outputTokens, BedrockAuth auth)
    {
        ArgumentNullException.ThrowIfNull(auth);
        var tokens = inputTokens is null && outputTokens is null
            ? "token usage not reported"
            : string.Create(CultureInfo.InvariantCulture,
                $"{inputTokens ?? 0} input + {outputTokens ?? 0} output = {(inputTokens ?? 0) + (outputTokens ?? 0)} tokens");
        return $"{modelId}: {tokens} ({auth.Description})";
    }
}
