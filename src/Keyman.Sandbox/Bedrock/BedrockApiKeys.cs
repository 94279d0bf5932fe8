using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// Bedrock API keys the sandbox issued. A long-term key belongs to an IAM user named BedrockAPIKey-…, and its text is
/// "ABSK" followed by the base64 of "BedrockAPIKey-{id}-at-{account}:{secret}" (the shape of the keys the IAM console
/// issues). Only keys issued here, and not expired by the sandbox clock, are accepted.
/// </summary>
internal sealed class BedrockApiKeys
{
    public const string Prefix = "ABSK";

    private readonly Lock _sync = new();
    private readonly Dictionary<string, IssuedApiKey> _keys = new(StringComparer.Ordinal);

    public IssuedApiKey Issue(string permissionsRoleArn, DateTimeOffset now, TimeSpan? lifetime)
    {
        var parts = permissionsRoleArn.Split(':');
        var id = RandomTokens.Alphanumeric(4).ToLowerInvariant();
        var userName = "BedrockAPIKey-" + id;
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(45));
        var key = Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}-at-{parts[4]}:{secret}"));
        var issued = new IssuedApiKey(key, $"arn:{parts[1]}:iam::{parts[4]}:user/{userName}", permissionsRoleArn,
            "ACCA" + RandomTokens.Alphanumeric(17).ToUpperInvariant(), lifetime is { } l ? now + l : null);
        lock (_sync)
        {
            _keys[key] = issued;
        }

        return issued;
    }

    public IssuedApiKey? Find(string key, DateTimeOffset now)
    {
        lock (_sync)
        {
            return _keys.TryGetValue(key, out var issued) && (issued.Expiration is null || issued.Expiration > now) ? issued : null;
        }
    }

    /// <summary>
    /// POST /_sandbox/bedrock/api-keys {"permissionsOf"?: role ARN (default my-bedrock-role), "expiresInSeconds"?} issues a
    /// key whose user has the Bedrock permissions of that role in the scenario.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/_sandbox/bedrock/api-keys", async (HttpContext http, SandboxState state, BedrockApiKeys keys) =>
        {
            var body = await OktaJson.ReadBodyAsync(http.Request) ?? [];
            var role = (string?)body["permissionsOf"] ?? "arn:aws:iam::111111111111:role/my-bedrock-role";
            if (role.Split(':') is not { Length: 6 })
            {
                return Results.BadRequest(new { error = $"'permissionsOf' must be a role ARN, not '{role}'." });
            }

            TimeSpan? lifetime = body["expiresInSeconds"] is { } seconds ? TimeSpan.FromSeconds((int)seconds) : null;
            var issued = keys.Issue(role, state.Now, lifetime);
            return Results.Text(new JsonObject
            {
                ["apiKey"] = issued.Key,
                ["userArn"] = issued.UserArn,
                ["serviceSpecificCredentialId"] = issued.CredentialId,
                ["expiration"] = issued.Expiration?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            }.ToJsonString(), "application/json");
        });
    }
}

internal sealed record IssuedApiKey(string Key, string UserArn, string PermissionsRoleArn, string CredentialId, DateTimeOffset? Expiration);
