using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;

namespace Keyman.Sandbox.Idx;

/// <summary>
/// On an Identity Engine org the Classic API still answers, with the limits Okta's upgrade guide lists
/// (okta-developer-docs docs/guides/oie-upgrade-api-changes): /api/v1/authn refuses <c>audience</c>, and
/// POST /api/v1/sessions?additionalFields=cookieToken is unsupported. App policies are reached only through the sign-in
/// page (AppPageEndpoints sends OIE app links there). The exact error bodies are not documented; these are Okta's
/// usual E0000001 validation shape.
/// </summary>
internal sealed class ClassicApiLimits(RequestDelegate next, SandboxState state)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (state.Settings.IsIdentityEngine && HttpMethods.IsPost(request.Method))
        {
            if (request.Path == "/api/v1/sessions" && request.Query["additionalFields"].ToString().Contains("cookieToken", StringComparison.Ordinal))
            {
                await Write(http, OktaJson.ValidationFailed("additionalFields", "cookieToken is not supported on this org."));
                return;
            }

            if (request.Path == "/api/v1/authn")
            {
                request.EnableBuffering();
                JsonNode? body = null;
                try
                {
                    body = await JsonNode.ParseAsync(request.Body);
                }
                catch (System.Text.Json.JsonException)
                {
                    // AuthnEndpoints answers malformed bodies itself.
                }

                request.Body.Position = 0;
                if (body is JsonObject json && json.ContainsKey("audience"))
                {
                    await Write(http, OktaJson.ValidationFailed("audience", "The audience parameter is not supported on this org."));
                    return;
                }
            }
        }

        await next(http);
    }

    private static Task Write(HttpContext http, IResult result) => result.ExecuteAsync(http);
}
