using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Okta;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keyman.Sandbox.Duo;

/// <summary>
/// Duo's 2026 single-page Universal Prompt (venth/aws-adfs issue #446, <c>_duo_universal_prompt_authenticator.py</c>):
/// JSON endpoints under <c>/prompt/{akey}/</c> keyed by the page's authkey. <c>pre_authn/initialization</c> must come
/// first (payload answers 400 before it); <c>auth/payload</c> lists the factors with device pkeys; push
/// (<c>push/auth</c> → <c>push_txid</c>, <c>push/status</c> → <c>result.result</c> WAITING/SUCCESS/FAILURE), phone call
/// (<c>phone_call</c> → <c>txid</c>, <c>phone_call/poll</c> → <c>result</c> CALLING/SUCCESS), passcode (<c>mobile_otp</c>,
/// answered at once), then <c>finalize_auth</c> → <c>url</c> back to Okta's callback.
/// </summary>
internal static class DuoSinglePageEndpoints
{
    /// <summary>The Okta integration's application key in Duo (data-akey).</summary>
    public const string Akey = "DAKSANDBOXOKTA000001";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/prompt/{akey}/pre_authn/initialization", (HttpContext http, SandboxState state, string akey) => Step(http, state, akey, null, Initialize));
        app.MapGet("/prompt/{akey}/pre_authn/evaluation", (HttpContext http, SandboxState state, string akey) => Step(http, state, akey, null, (_, _, _) => DuoPromptEndpoints.Ok([])));
        app.MapGet("/prompt/{akey}/auth/payload", (HttpContext http, SandboxState state, string akey) => Step(http, state, akey, null, Payload));
        app.MapPost("/prompt/{akey}/auth/factors/push/auth", (HttpContext http, SandboxState state, string akey) => StepWithBody(http, state, akey, PushAuth));
        app.MapGet("/prompt/{akey}/auth/factors/push/status", (HttpContext http, SandboxState state, string akey) => Step(http, state, akey, null, PushStatus));
        app.MapPost("/prompt/{akey}/auth/factors/phone_call", (HttpContext http, SandboxState state, string akey) => StepWithBody(http, state, akey, CallAuth));
        app.MapGet("/prompt/{akey}/auth/factors/phone_call/poll", (HttpContext http, SandboxState state, string akey) => Step(http, state, akey, null, CallPoll));
        app.MapPost("/prompt/{akey}/auth/factors/mobile_otp", (HttpContext http, SandboxState state, string akey) => StepWithBody(http, state, akey, Passcode));
        app.MapGet("/prompt/{akey}/auth/finalize_auth", (HttpContext http, SandboxState state, string akey) => Step(http, state, akey, null, Finalize));
    }

    private static async Task<IResult> StepWithBody(HttpContext http, SandboxState state, string akey, Func<HttpContext, SandboxState, DuoFlow, JsonObject, IResult> handler)
    {
        var body = await OktaJson.ReadBodyAsync(http.Request);
        return body is null
            ? DuoPromptEndpoints.Fail(400, 40002, "Invalid request.")
            : Step(http, state, akey, OktaJson.String(body, "authkey"), (h, s, f) => handler(h, s, f, body));
    }

    private static IResult Step(HttpContext http, SandboxState state, string akey, string? authkey, Func<HttpContext, SandboxState, DuoFlow, IResult> handler)
    {
        authkey ??= http.Request.Query["authkey"].ToString();
        lock (state.Sync)
        {
            var flow = DuoState.Of(state).BySid.Values.FirstOrDefault(f => f.Duo.SinglePage && f.Authkey == authkey);
            if (akey != Akey || flow is null)
            {
                return DuoPromptEndpoints.Fail(400, 40002, "Invalid request.");
            }

            var initialize = http.Request.Path.Value?.EndsWith("/pre_authn/initialization", StringComparison.Ordinal) == true;
            return initialize || flow.SinglePageStarted ? handler(http, state, flow) : DuoPromptEndpoints.Fail(400, 40002, "Invalid request.");
        }
    }

    private static IResult Initialize(HttpContext http, SandboxState state, DuoFlow flow)
    {
        flow.SinglePageStarted = true;
        return DuoPromptEndpoints.Ok([]);
    }

    private static IResult Payload(HttpContext http, SandboxState state, DuoFlow flow)
    {
        var factors = new JsonArray();
        foreach (var device in flow.Duo.Devices)
        {
            if (device.Capabilities.Contains("push"))
            {
                factors.Add(new JsonObject { ["factor_type"] = "push", ["device_info"] = new JsonObject { ["pkey"] = device.Key, ["name"] = device.Name } });
            }

            if (device.Capabilities.Contains("phone"))
            {
                factors.Add(new JsonObject { ["factor_type"] = "phone_call", ["phone_info"] = new JsonObject { ["pkey"] = device.Key, ["name"] = device.Name, ["end_of_number"] = device.Name.Length >= 5 ? device.Name[^5..^1] : device.Name } });
            }
        }

        factors.Add(new JsonObject { ["factor_type"] = "mobile_otp" });
        return DuoPromptEndpoints.Ok(new JsonObject { ["auth_factors_context"] = new JsonObject { ["available_unified_auth_factors"] = new JsonObject { ["factors"] = factors } } });
    }

    private static IResult Start(DuoFlow flow, JsonObject body, string capability, string factor, string txidName)
    {
        var device = flow.Duo.Devices.FirstOrDefault(d => d.Key == OktaJson.String(body, "pkey"));
        if (device is null || !device.Capabilities.Contains(capability))
        {
            return DuoPromptEndpoints.Fail(200, 40003, $"This device is not capable of {factor}.");
        }

        var tx = new DuoTransaction { Txid = Guid.NewGuid().ToString("D"), Factor = factor };
        flow.Transactions[tx.Txid] = tx;
        var response = new JsonObject { [txidName] = tx.Txid };
        if (factor == "Duo Push" && flow.Duo.VerifiedPushCode is { } code)
        {
            response["step_up_code"] = code;
        }

        return DuoPromptEndpoints.Ok(response);
    }

    private static IResult PushAuth(HttpContext http, SandboxState state, DuoFlow flow, JsonObject body) => Start(flow, body, "push", "Duo Push", "push_txid");

    private static IResult CallAuth(HttpContext http, SandboxState state, DuoFlow flow, JsonObject body) => Start(flow, body, "phone", "Phone Call", "txid");

    private static IResult PushStatus(HttpContext http, SandboxState state, DuoFlow flow)
    {
        if (!flow.Transactions.TryGetValue(http.Request.Query["push_txid"].ToString(), out var tx) || tx.Factor != "Duo Push")
        {
            return DuoPromptEndpoints.Fail(400, 40002, "Invalid request.");
        }

        tx.Polls++;
        var result = tx.Polls < Math.Max(1, flow.Duo.AfterPolls) ? "WAITING" : flow.Duo.Push switch
        {
            "deny" => "FAILURE",
            "timeout" => "TIMEOUT",
            _ => "SUCCESS",
        };
        flow.Allowed |= result == "SUCCESS";
        return DuoPromptEndpoints.Ok(new JsonObject
        {
            ["result"] = new JsonObject
            {
                ["result"] = result,
                ["status_code"] = result switch { "WAITING" => "pushed", "SUCCESS" => "allow", "FAILURE" => "deny", _ => "timeout" },
                ["reason"] = result switch { "SUCCESS" => "user_approved", "FAILURE" => "user_marked_fraud", "TIMEOUT" => "no_response", _ => null },
            },
        });
    }

    private static IResult CallPoll(HttpContext http, SandboxState state, DuoFlow flow)
    {
        if (!flow.Transactions.TryGetValue(http.Request.Query["txid"].ToString(), out var tx) || tx.Factor != "Phone Call")
        {
            return DuoPromptEndpoints.Fail(400, 40002, "Invalid request.");
        }

        tx.Polls++;
        var done = tx.Polls >= Math.Max(1, flow.Duo.AfterPolls);
        flow.Allowed |= done;
        return DuoPromptEndpoints.Ok(new JsonObject { ["result"] = done ? "SUCCESS" : "CALLING" });
    }

    private static IResult Passcode(HttpContext http, SandboxState state, DuoFlow flow, JsonObject body)
    {
        var passcode = OktaJson.String(body, "mobile_otp") ?? string.Empty;
        if (!flow.Duo.Passcodes.Contains(passcode) || !DuoState.Of(state).UsedPasscodes.Add(flow.User.Definition.Login + ":" + passcode))
        {
            return DuoPromptEndpoints.Fail(200, 40004, "Incorrect passcode. Please try again.");
        }

        flow.Allowed = true;
        return DuoPromptEndpoints.Ok([]);
    }

    private static IResult Finalize(HttpContext http, SandboxState state, DuoFlow flow)
    {
        if (!flow.Allowed || flow.IsFrame)
        {
            return DuoPromptEndpoints.Fail(400, 40002, "Invalid request.");
        }

        flow.Code = RandomTokens.Alphanumeric(32);
        var org = $"{http.Request.Scheme}://{http.Request.Host}";
        return DuoPromptEndpoints.Ok(new JsonObject { ["url"] = $"{org}/oauth2/v1/authorize/callback?state={flow.OktaState}&code={flow.Code}" });
    }
}
