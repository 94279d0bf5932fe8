namespace Keyman.Core.Okta;

/// <summary>An Okta API error body ({errorCode, errorSummary, errorCauses}) turned into a user-facing failure.</summary>
public sealed class OktaApiException : KeymanException
{
    public OktaApiException(int httpStatus, string? errorCode, string? errorSummary, IReadOnlyList<string> errorCauses, string endpoint, string? hint = null)
        : base(ExitCodeFor(httpStatus, errorCode), BuildMessage(httpStatus, errorCode, errorSummary, errorCauses, endpoint), hint ?? HintFor(httpStatus, errorCode))
    {
        HttpStatus = httpStatus;
        ErrorCode = errorCode;
        ErrorSummary = errorSummary;
        ErrorCauses = errorCauses;
        Endpoint = endpoint;
    }

    public int HttpStatus { get; }

    /// <summary>Okta's code, e.g. E0000004; null when the body had none.</summary>
    public string? ErrorCode { get; }

    public string? ErrorSummary { get; }

    public IReadOnlyList<string> ErrorCauses { get; }

    /// <summary>The request path (never the query, which may hold a token).</summary>
    public string Endpoint { get; }

    internal static int ExitCodeFor(int httpStatus, string? errorCode) => errorCode switch
    {
        "E0000004" => ExitCodes.AuthenticationFailed,
        "E0000011" or "E0000005" => ExitCodes.OktaSessionExpired,
        "E0000047" => ExitCodes.RateLimited,
        "E0000064" => ExitCodes.PasswordExpired,
        "E0000068" => ExitCodes.MfaFailed,
        "E0000069" => ExitCodes.AccountLocked,
        _ when httpStatus == 429 => ExitCodes.RateLimited,
        _ => ExitCodes.OktaError,
    };

    private static string? HintFor(int httpStatus, string? errorCode) => errorCode switch
    {
        "E0000011" or "E0000005" => "Run keyman again to log in afresh.",
        "E0000069" => "Unlock the account through Okta's self-service unlock or ask your Okta administrator.",
        "E0000064" => "Change your password in the Okta web UI, then run keyman again.",
        _ when httpStatus >= 500 => "Okta may be having an outage; try again later.",
        _ => null,
    };

    private static string BuildMessage(int httpStatus, string? errorCode, string? errorSummary, IReadOnlyList<string> causes, string endpoint)
    {
        var summary = string.IsNullOrWhiteSpace(errorSummary) ? $"HTTP {httpStatus}" : errorSummary.Trim();
        var code = errorCode is null ? $"HTTP {httpStatus}" : $"{errorCode}, HTTP {httpStatus}";
        var text = $"Okta refused {endpoint}: {summary} ({code})";
        return causes.Count == 0 ? text : $"{text}: {string.Join("; ", causes)}";
    }
}
