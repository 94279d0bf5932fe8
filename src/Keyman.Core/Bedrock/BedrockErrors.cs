using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keyman.Core.Http;

namespace Keyman.Core.Bedrock;

/// <summary>A failure Bedrock reported, with the AWS error type and HTTP status when known.</summary>
public sealed class BedrockException(int exitCode, string message, string? hint, string? errorType, int? statusCode, Exception? inner = null)
    : KeymanException(exitCode, message, hint, inner)
{
    /// <summary>The AWS error type, e.g. "AccessDeniedException", "throttlingException".</summary>
    public string? ErrorType { get; } = errorType;

    public int? StatusCode { get; } = statusCode;
}

/// <summary>What the error mapping knows about the call that failed.</summary>
public sealed record BedrockCallContext(string Operation, string Region, string? ModelId = null, string? RoleArn = null, Uri? Endpoint = null);

/// <summary>Maps Bedrock's rest-json errors and in-stream exceptions to typed, actionable failures.</summary>
public static partial class BedrockErrors
{
    /// <summary>The error type from x-amzn-ErrorType ("Type:http://…" or "ns#Type"), else the body's "__type"/"code", else null.</summary>
    public static string? ParseErrorType(string? header, string? bodyType = null)
    {
        foreach (var candidate in new[] { header, bodyType })
        {
            if (string.IsNullOrWhiteSpace(candidate))
            {
                continue;
            }

            var value = candidate.Trim();
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                value = value[..colon];
            }

            var hash = value.LastIndexOf('#');
            if (hash >= 0)
            {
                value = value[(hash + 1)..];
            }

            if (value.Length > 0)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Maps a non-success HTTP response.</summary>
    /// <param name="inferenceProfile">For the on-demand ValidationException: the inference profile to use instead, if known.</param>
    public static BedrockException FromResponse(int status, string? errorTypeHeader, string? body, BedrockCallContext context, string? inferenceProfile = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parsed = ParseBody(body);
        var type = ParseErrorType(errorTypeHeader, parsed?.Type) ?? TypeFromStatus(status);
        var message = OneLine(parsed?.Text) ?? (string.IsNullOrWhiteSpace(body) || body.TrimStart().StartsWith('<') ? $"HTTP {status}" : OneLine(Truncate(body, 300))!);
        return Map(type, message, status, context, inferenceProfile);
    }

    /// <summary>Maps an in-stream :message-type=exception (":exception-type") or :message-type=error (":error-code").</summary>
    public static BedrockException FromStreamMessage(EventStreamMessage message, BedrockCallContext context)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        if (message.MessageType == "error")
        {
            var code = message.StringHeader(":error-code") ?? "UnknownError";
            var text = message.StringHeader(":error-message") ?? "(no message)";
            return Map(code, OneLine(text)!, null, context, null);
        }

        var type = message.StringHeader(":exception-type") ?? "UnknownException";
        var body = ParseBody(System.Text.Encoding.UTF8.GetString(message.Payload));
        return Map(type, OneLine(body?.Text) ?? "(no message)", null, context, null);
    }

    /// <summary>Maps a failure to send or receive (DNS, connection, TLS, timeout).</summary>
    public static KeymanException FromNetwork(Exception ex, BedrockCallContext context)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(context);
        var host = context.Endpoint?.Host ?? "Bedrock";
        var dns = ExceptionChain.Find<SocketException>(ex) is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }
            || ExceptionChain.Find<HttpRequestException>(ex) is { HttpRequestError: HttpRequestError.NameResolutionError };
        var timeout = ExceptionChain.Find<TimeoutException>(ex) is not null || ex is TaskCanceledException;
        var what = dns ? "the name does not resolve" : timeout ? "the request timed out" : OneLine(ex.Message);
        return new KeymanException(ExitCodes.Network,
            $"Cannot reach Bedrock in {context.Region} at {host} ({what}; is Bedrock available there?)",
            "Check the region (--region, AWS_REGION, or the profile's region; Bedrock runs in e.g. us-east-1, us-west-2, eu-central-1), "
            + "your network and proxy (HTTPS_PROXY), and AWS_ENDPOINT_URL_BEDROCK / AWS_ENDPOINT_URL_BEDROCK_RUNTIME / AWS_ENDPOINT_URL.", ex);
    }

    /// <summary>Whether the error is worth retrying after a backoff.</summary>
    /// <summary>Throttling and server-side failures, by error type or status: worth another attempt after a pause.</summary>
    public static bool IsRetryable(int? statusCode, string? errorType) =>
        errorType is { } type && (IsThrottling(type) || Normalize(type) is "serviceunavailableexception" or "internalserverexception")
        || statusCode is 429 or 500 or 502 or 503 or 504;

    /// <summary>Bedrock's answer to a bearer token that is not a valid API key.</summary>
    internal static bool IsApiKeyRefused(string message) =>
        message.Contains("API Key", StringComparison.OrdinalIgnoreCase) && message.Contains("Authentication failed", StringComparison.OrdinalIgnoreCase);

    internal static bool IsOnDemandUnsupported(string? message) =>
        message is not null && message.Contains("on-demand throughput", StringComparison.OrdinalIgnoreCase)
        && message.Contains("inference profile", StringComparison.OrdinalIgnoreCase);

    internal static BedrockErrorBody? ParseBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, BedrockJsonContext.Default.BedrockErrorBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static BedrockException Map(string type, string message, int? status, BedrockCallContext context, string? inferenceProfile)
    {
        var model = context.ModelId;
        var role = context.RoleArn ?? "(the role of your AWS profile)";
        var region = context.Region;
        if (IsApiKeyRefused(message))
        {
            return new BedrockException(ExitCodes.AwsCredentialsExpired,
                $"Bedrock refused the API key in {BedrockAuth.BearerTokenVariable} (expired, revoked or mistyped): {message}",
                $"Create a new Bedrock API key, or unset {BedrockAuth.BearerTokenVariable} to sign with your AWS profile instead.", type, status);
        }

        switch (Normalize(type))
        {
            case "accessdeniedexception" or "accessdenied":
                if (message.Contains("don't have access to the model", StringComparison.OrdinalIgnoreCase)
                    || message.Contains("do not have access to the model", StringComparison.OrdinalIgnoreCase))
                {
                    return new BedrockException(ExitCodes.BedrockModelNotEnabled,
                        $"Model access for {model ?? "this model"} is not enabled in this AWS account in {region}: {message}",
                        $"Enable access to the model in the Bedrock console (Model access) for the account and region {region}, or ask your DevOps team to; "
                        + "or pick a model you have access to (keyman bedrock models).", type, status);
                }

                var denied = AccessDeniedRegex().Match(message);
                if (denied.Success)
                {
                    var who = Amazon(denied.Groups["user"].Value);
                    var action = denied.Groups["action"].Value;
                    var resource = denied.Groups["resource"].Success ? denied.Groups["resource"].Value : model;
                    var on = resource is null ? "" : $" on {resource}";
                    return new BedrockException(ExitCodes.BedrockAccessDenied,
                        $"Your role {who} is not allowed {action}{on}",
                        $"Send this to your DevOps team: role {who} needs an IAM policy allowing {action}{on} (region {region}). AWS said: {message}",
                        type, status);
                }

                return new BedrockException(ExitCodes.BedrockAccessDenied,
                    $"Bedrock denied {context.Operation}{(model is null ? "" : $" on {model}")} for {role}: {message}",
                    $"Send this to your DevOps team: role {role} needs bedrock permissions for {context.Operation} in {region}.", type, status);

            case "validationexception":
                if (IsOnDemandUnsupported(message))
                {
                    return new BedrockException(ExitCodes.BedrockModelInvalid,
                        $"Model {model} can't be invoked by its own ID (on-demand throughput isn't supported); it needs an inference profile",
                        inferenceProfile is not null
                            ? $"Use the inference profile {inferenceProfile} instead (--model {inferenceProfile})."
                            : "Use the ID of an inference profile that contains it (keyman bedrock models lists them, e.g. us.<model id>).",
                        type, status);
                }

                if (message.Contains("model identifier is invalid", StringComparison.OrdinalIgnoreCase))
                {
                    return new BedrockException(ExitCodes.BedrockModelInvalid,
                        $"Bedrock does not know the model ID '{model}' in {region}",
                        "keyman bedrock models lists the model and inference profile IDs you can use.", type, status);
                }

                return new BedrockException(ExitCodes.BedrockRequestInvalid, $"Bedrock rejected the request{For(model)}: {message}",
                    "Check the prompt and options (e.g. --max-tokens); --debug shows the request.", type, status);

            case "resourcenotfoundexception":
                return new BedrockException(ExitCodes.BedrockModelInvalid, $"Bedrock found no such resource{For(model)} in {region}: {message}",
                    "keyman bedrock models lists the model and inference profile IDs available in this region.", type, status);

            case "expiredtokenexception" or "expiredtoken" or "unrecognizedclientexception" or "invalidsignatureexception"
                or "invalidclienttokenid" or "signaturedoesnotmatch" or "incompletesignatureexception" or "missingauthenticationtokenexception":
                var clock = Normalize(type) is "invalidsignatureexception" or "signaturedoesnotmatch" ? " If it persists, check this machine's clock." : "";
                return new BedrockException(ExitCodes.AwsCredentialsExpired,
                    $"The AWS credentials are expired or invalid ({type}: {message})", "Run keyman to log in again." + clock, type, status);

            case var t when IsThrottling(t):
                return new BedrockException(ExitCodes.BedrockThrottled, $"Bedrock is throttling requests{For(model)} ({type}): {message}",
                    "Wait a minute and retry; if it keeps happening, ask your DevOps team about the account's Bedrock quotas in " + region + ".", type, status);

            case "modeltimeoutexception" or "modelerrorexception" or "modelstreamerrorexception" or "internalserverexception"
                or "serviceunavailableexception" or "internalfailure" or "serviceunavailable":
                return new BedrockException(ExitCodes.BedrockServiceError, $"Bedrock failed{For(model)} ({type}): {message}",
                    "Retry in a moment; if it persists, try another model or region.", type, status);

            default:
                var code = status switch
                {
                    403 => ExitCodes.BedrockAccessDenied,
                    404 => ExitCodes.BedrockModelInvalid,
                    >= 400 and < 500 => ExitCodes.BedrockRequestInvalid,
                    _ => ExitCodes.BedrockServiceError,
                };
                return new BedrockException(code, $"Bedrock {context.Operation} failed{For(model)} ({type}{(status is null ? "" : $", HTTP {status}")}): {message}",
                    "Run with --debug for details.", type, status);
        }
    }

    private static string For(string? model) => model is null ? "" : $" for model {model}";

    private static bool IsThrottling(string type) =>
        Normalize(type) is "throttlingexception" or "throttling" or "toomanyrequestsexception" or "modelnotreadyexception" or "servicequotaexceededexception";

    private static string Normalize(string type) => type.ToLowerInvariant();

    private static string TypeFromStatus(int status) => status switch
    {
        403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        429 => "ThrottlingException",
        500 => "InternalServerException",
        503 => "ServiceUnavailableException",
        _ => $"HTTP{status}",
    };

    /// <summary>An assumed-role session ARN names the role more usefully as the IAM role ARN.</summary>
    private static string Amazon(string arn) => Aws.AwsArn.RoleOf(arn);

    private static string? OneLine(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.ReplaceLineEndings(" ").Trim();

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    [GeneratedRegex(@"User: (?<user>\S+) is not authorized to perform: (?<action>[\w:-]+?)(?: on resource: (?<resource>\S+?))?(?=[.,]?(?:\s|$))")]
    private static partial Regex AccessDeniedRegex();
}
