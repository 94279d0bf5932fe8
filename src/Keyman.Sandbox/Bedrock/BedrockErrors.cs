using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// rest-json errors as Bedrock sends them: the status, x-amzn-ErrorType "Code:namespace" (clients keep the part
/// before ':'), x-amzn-RequestId and a {"message": ...} body.
/// </summary>
internal static class BedrockErrors
{
    private const string BedrockNamespace = "http://internal.amazon.com/coral/com.amazon.bedrock/";

    /// <summary>Errors from the AWS front door (authentication) carry the coral service namespace instead.</summary>
    private const string CoralNamespace = "http://internal.amazon.com/coral/com.amazon.coral.service/";

    public const string Malformed = "Malformed input request, please reformat your input and try again.";

    public static IResult Validation(string message) => Error(400, "ValidationException", message);

    public static IResult AccessDenied(string message) => Error(403, "AccessDeniedException", message);

    public static IResult Throttling() => Error(429, "ThrottlingException", "Too many requests, please wait before trying again.");

    public static IResult NotFound(string message) => Error(404, "ResourceNotFoundException", message);

    /// <summary>
    /// A bearer token that is not a valid API key: 403 with a capitalised "Message" and no error type (as users report
    /// it from the live service; the error type header is unconfirmed, so none is sent).
    /// </summary>
    public static IResult InvalidApiKey() =>
        new BedrockJsonResult(403, new JsonObject { ["Message"] = "Authentication failed: Please make sure your API Key is valid." }, null);

    public static IResult Error(int status, string type, string message, bool frontDoor = false) =>
        new BedrockJsonResult(status, new JsonObject { ["message"] = message }, type + ":" + (frontDoor ? CoralNamespace : BedrockNamespace));

    public static IResult Json(JsonNode body) => new BedrockJsonResult(200, body, null);

    /// <summary>AWS writes quotes and apostrophes as they are, not as \u0022 / \u0027.</summary>
    public static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

internal sealed class BedrockJsonResult(int status, JsonNode body, string? errorType, IReadOnlyDictionary<string, string>? headers = null) : IResult
{
    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = status;
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        if (errorType is not null)
        {
            http.Response.Headers["x-amzn-ErrorType"] = errorType;
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            http.Response.Headers[name] = value;
        }

        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body.ToJsonString(BedrockErrors.Wire));
    }
}
