using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Keyman.Sandbox.Duo;

/// <summary>
/// Duo's Universal Prompt as its browser-less clients see it (gimme-aws-creds duo_universal.py and its tests, aws-adfs
/// _duo_universal_prompt_authenticator.py): /oauth/v1/authorize → /frame/frameless/v4/auth (plugin_form) → the login
/// form → POST /frame/prompt or /frame/v4/prompt → POST /frame/v4/status → POST /frame/v4/oidc/exit → Okta's callback.
/// JSON answers are <c>{"stat":"OK","response":{…}}</c> or <c>{"stat":"FAIL","code":…,"message":…}</c>.
/// The Identity Engine's Duo authenticator opens the same prompt through Duo Web v2's frame (<c>/frame/web/v1/auth?tx&amp;parent</c>,
/// as Duo-Web-v2.js and aws_okta_keyman duo.py do); its verdict names a <c>result_url</c> whose answer is the signed AUTH cookie.
/// </summary>
internal static class DuoPromptEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/oauth/v1/authorize", Authorize);
        app.MapGet("/frame/frameless/v4/auth", PluginPage);
        app.MapPost("/frame/frameless/v4/auth", PluginPosted);
        app.MapGet("/frame/v4/auth/prompt", LoginPage);
        app.MapPost("/frame/prompt", Prompt);
        app.MapPost("/frame/v4/prompt", Prompt);
        app.MapPost("/frame/v4/status", Status);
        app.MapPost("/frame/v4/oidc/exit", Exit);
        app.MapMethods("/frame/web/v1/auth", ["GET", "POST"], FrameAuth);
        app.MapPost("/frame/status/{txid}", FrameResult);
    }

    /// <summary>Duo Web v2's frame: a genuine, current TX value for a Duo user opens the prompt.</summary>
    private static IResult FrameAuth(HttpContext http, SandboxState state)
    {
        lock (state.Sync)
        {
            var duo = DuoState.Of(state);
            var username = DuoWebSignature.ReadRequest(duo, http.Request.Query["tx"], state.Now);
            var parent = http.Request.Query["parent"].ToString();
            if (username is null || parent.Length == 0 || !state.Users.TryGetValue(username, out var user)
                || user.Definition.Factors.FirstOrDefault(f => f.Duo is not null)?.Duo is not { } account)
            {
                return Fail(400, 40002, "Invalid request.");
            }

            if (account.Unavailable)
            {
                return Results.Content("<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html", statusCode: 503);
            }

            var flow = new DuoFlow { User = user, Duo = account, FrameParent = parent };
            duo.BySid[flow.Sid] = flow;
            return Results.Redirect($"/frame/frameless/v4/auth?sid={Uri.EscapeDataString(flow.Sid)}&tx={flow.Tx}");
        }
    }

    /// <summary>The frame's result: the AUTH cookie Duo-Web-v2.js joins with the APP half and posts to the page.</summary>
    private static async Task<IResult> FrameResult(HttpContext http, SandboxState state, string txid)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
        lock (state.Sync)
        {
            var sid = form?["sid"].ToString() is { Length: > 0 } posted ? posted : http.Request.Query["sid"].ToString();
            if (Find(state, sid) is not { IsFrame: true } flow || !flow.Transactions.TryGetValue(txid, out var tx) || tx.Result != "allow")
            {
                return Fail(400, 40002, "Invalid request.");
            }

            DuoState.Of(state).BySid.Remove(flow.Sid);
            return Ok(new JsonObject { ["cookie"] = DuoWebSignature.SignAuth(DuoState.Of(state), flow.User.Definition.Login, state.Now), ["parent"] = flow.FrameParent });
        }
    }

    private static IResult Authorize(HttpContext http, SandboxState state)
    {
        lock (state.Sync)
        {
            var duo = DuoState.Of(state);
            var payload = DuoOktaSide.ReadJwt(duo.ClientSecret, http.Request.Query["request"]);
            var oktaState = payload?["state"]?.GetValue<string>();
            if (http.Request.Query["client_id"] != DuoOktaSide.ClientId || oktaState is null || !duo.ByOktaState.TryGetValue(oktaState, out var flow))
            {
                return Fail(400, 40002, "Invalid request.");
            }

            if (flow.Duo.Unavailable)
            {
                return Results.Content("<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html", statusCode: 503);
            }

            return Results.Redirect($"/frame/frameless/v4/auth?sid={Uri.EscapeDataString(flow.Sid)}&tx={flow.Tx}");
        }
    }

    private static IResult PluginPage(HttpContext http, SandboxState state)
    {
        lock (state.Sync)
        {
            if (Find(state, http.Request.Query["sid"]) is not { } flow || http.Request.Query["tx"] != flow.Tx)
            {
                return Fail(400, 40002, "Invalid request.");
            }

            if (flow.Duo.NotEnrolled)
            {
                return Html("<!DOCTYPE html><html><head><title>Duo Security</title></head><body><main><h1>Protect your account</h1>" +
                    "<p>Your organization requires you to enroll in Duo. Let's set up a device.</p><a href=\"/frame/enroll/flow\">Next</a></main></body></html>");
            }

            if (flow.Duo.SinglePage && !flow.IsFrame)
            {
                // venth/aws-adfs #446: the single-page prompt's root element carries akey and authkey; JavaScript does the rest.
                return Html("<!DOCTYPE html><html><head><title>Duo Security</title></head><body>" +
                    $"<div id=\"root\" data-akey=\"{DuoSinglePageEndpoints.Akey}\" data-authkey=\"{flow.Authkey}\" data-req-trace-group=\"{flow.Tx[..12]}\"></div>" +
                    "<script src=\"/frame/static/prompt.js\"></script></body></html>");
            }

            var action = $"/frame/frameless/v4/auth?sid={Uri.EscapeDataString(flow.Sid)}&amp;tx={flow.Tx}";
            var inputs = new StringBuilder();
            foreach (var (name, value) in new[]
            {
                ("tx", flow.Tx), ("parent", "None"), ("_xsrf", flow.Xsrf), ("java_version", ""), ("flash_version", ""),
                ("screen_resolution_width", "1920"), ("screen_resolution_height", "1080"), ("color_depth", "24"),
                ("ch_ua_error", ""), ("client_hints", ""), ("is_cef_browser", "false"), ("is_ipad_os", "false"),
                ("is_ie_compatibility_mode", ""), ("is_user_verifying_platform_authenticator_available", "false"),
                ("user_verifying_platform_authenticator_available_error", ""), ("acting_ie_version", ""),
                ("react_support", "true"), ("react_support_error_message", ""),
            })
            {
                inputs.Append($"<input type=\"hidden\" name=\"{name}\" value=\"{WebUtility.HtmlEncode(value)}\">");
            }

            return Html("<!DOCTYPE html><html><head><title>Duo Security</title></head><body>" +
                $"<form id=\"plugin_form\" method=\"POST\" action=\"{action}\">{inputs}</form>" +
                "<script>document.getElementById('plugin_form').submit();</script></body></html>");
        }
    }

    private static async Task<IResult> PluginPosted(HttpContext http, SandboxState state)
    {
        var form = await http.Request.ReadFormAsync();
        lock (state.Sync)
        {
            if (Find(state, http.Request.Query["sid"]) is not { } flow || form["tx"] != flow.Tx || form["_xsrf"] != flow.Xsrf)
            {
                return Fail(400, 40002, "Invalid request.");
            }

            flow.PluginFormPosted = true;
            return Results.Redirect($"/frame/v4/auth/prompt?sid={Uri.EscapeDataString(flow.Sid)}", permanent: false, preserveMethod: false);
        }
    }

    private static IResult LoginPage(HttpContext http, SandboxState state)
    {
        lock (state.Sync)
        {
            if (Find(state, http.Request.Query["sid"]) is not { PluginFormPosted: true } flow)
            {
                return Fail(400, 40002, "Invalid request.");
            }

            var options = new StringBuilder();
            foreach (var device in flow.Duo.Devices)
            {
                options.Append($"<option value=\"{WebUtility.HtmlEncode(device.Key)}\">{WebUtility.HtmlEncode(device.Name)}</option>");
            }

            var preferred = flow.Duo.Devices.FirstOrDefault()?.Key ?? string.Empty;
            return Html("<!DOCTYPE html><html><head><title>Duo Security</title></head><body>" +
                "<form id=\"login-form\" action=\"/frame/v4/prompt\" method=\"post\">" +
                $"<input type=\"hidden\" name=\"sid\" value=\"{WebUtility.HtmlEncode(flow.Sid)}\">" +
                "<input type=\"hidden\" name=\"url\" value=\"/frame/v4/prompt\">" +
                "<input type=\"hidden\" name=\"enrollment_message\" value=\"\">" +
                "<input type=\"hidden\" name=\"itype\" value=\"okta\">" +
                "<input type=\"hidden\" name=\"preferred_factor\" value=\"Duo Push\">" +
                $"<input type=\"hidden\" name=\"preferred_device\" value=\"{WebUtility.HtmlEncode(preferred)}\">" +
                "<input type=\"hidden\" name=\"out_of_date\" value=\"\">" +
                "<input type=\"hidden\" name=\"days_out_of_date\" value=\"\">" +
                "<input type=\"hidden\" name=\"days_to_block\" value=\"None\">" +
                $"<input type=\"hidden\" name=\"_xsrf\" value=\"{flow.Xsrf}\">" +
                $"<select name=\"device\">{options}</select>" +
                "<input type=\"hidden\" name=\"factor\" value=\"\">" +
                "</form></body></html>");
        }
    }

    private static async Task<IResult> Prompt(HttpContext http, SandboxState state)
    {
        var form = await http.Request.ReadFormAsync();
        lock (state.Sync)
        {
            if (Find(state, form["sid"]) is not { PluginFormPosted: true } flow || form["_xsrf"] != flow.Xsrf)
            {
                return Fail(400, 40002, "Invalid request.");
            }

            var factor = form["factor"].ToString();
            var device = flow.Duo.Devices.FirstOrDefault(d => d.Key == form["device"]);
            var needed = factor switch { "Duo Push" => "push", "Phone Call" => "phone", "Passcode" => null, _ => "?" };
            if (needed == "?")
            {
                return Fail(200, 40002, "Invalid factor.");
            }

            if (needed is not null && (device is null || !device.Capabilities.Contains(needed)))
            {
                return Fail(200, 40003, $"This device is not capable of {factor}.");
            }

            var passcodeOk = false;
            if (factor == "Passcode")
            {
                var passcode = form["passcode"].ToString();
                passcodeOk = flow.Duo.Passcodes.Contains(passcode) && DuoState.Of(state).UsedPasscodes.Add(flow.User.Definition.Login + ":" + passcode);
            }

            var tx = new DuoTransaction { Txid = Guid.NewGuid().ToString("D"), Factor = factor, PasscodeOk = passcodeOk };
            flow.Transactions[tx.Txid] = tx;
            return Ok(new JsonObject { ["txid"] = tx.Txid });
        }
    }

    private static async Task<IResult> Status(HttpContext http, SandboxState state)
    {
        var form = await http.Request.ReadFormAsync();
        lock (state.Sync)
        {
            if (Find(state, form["sid"]) is not { } flow || !flow.Transactions.TryGetValue(form["txid"].ToString(), out var tx))
            {
                return Fail(200, 40002, "Invalid request.");
            }

            tx.Polls++;
            var decided = tx.Polls >= Math.Max(1, flow.Duo.AfterPolls);
            JsonObject response = tx.Factor switch
            {
                "Passcode" when tx.PasscodeOk => Verdict(flow, tx, "allow", "Success. Logging you in...", "valid_passcode"),
                "Passcode" => Verdict(flow, tx, "deny", "Incorrect passcode. Please try again.", "invalid_passcode"),
                "Phone Call" when !decided => tx.Polls == 1
                    ? new JsonObject { ["status_code"] = "calling", ["status"] = "Calling your phone..." }
                    : new JsonObject { ["status_code"] = "answered", ["status"] = "Answered. Press any key on your phone to log in." },
                "Phone Call" => Verdict(flow, tx, "allow", "Success. Logging you in...", "user_approved"),
                _ when !decided => Pushed(flow),
                _ => flow.Duo.Push switch
                {
                    "deny" => Verdict(flow, tx, "deny", "Login request denied.", "user_marked_fraud"),
                    "timeout" => Verdict(flow, tx, "timeout", "Login timed out.", "no_response"),
                    _ => Verdict(flow, tx, "allow", "Success. Logging you in...", "user_approved"),
                },
            };
            return Ok(response);
        }
    }

    internal static JsonObject Pushed(DuoFlow flow)
    {
        var pushed = new JsonObject { ["status_code"] = "pushed", ["status"] = "Pushed a login request to your device..." };
        if (flow.Duo.VerifiedPushCode is { } code)
        {
            pushed["step_up_code"] = code;
        }

        return pushed;
    }

    private static JsonObject Verdict(DuoFlow flow, DuoTransaction tx, string statusCode, string status, string reason)
    {
        tx.Result = statusCode;
        var verdict = new JsonObject
        {
            ["status_code"] = statusCode,
            ["status"] = status,
            ["result"] = statusCode == "allow" ? "SUCCESS" : "FAILURE",
            ["reason"] = reason,
        };
        if (!flow.IsFrame)
        {
            verdict["post_auth_action"] = "OIDC_EXIT";
        }
        else if (statusCode == "allow")
        {
            verdict["result_url"] = $"/frame/status/{tx.Txid}";
        }

        return verdict;
    }

    private static async Task<IResult> Exit(HttpContext http, SandboxState state)
    {
        var form = await http.Request.ReadFormAsync();
        lock (state.Sync)
        {
            if (Find(state, form["sid"]) is not { IsFrame: false } flow || form["_xsrf"] != flow.Xsrf
                || !flow.Transactions.TryGetValue(form["txid"].ToString(), out var tx) || tx.Result != "allow")
            {
                return Fail(400, 40002, "Invalid request.");
            }

            flow.Code = RandomTokens.Alphanumeric(32);
            var org = $"{http.Request.Scheme}://{http.Request.Host}";
            return Results.Redirect($"{org}/oauth2/v1/authorize/callback?state={flow.OktaState}&code={flow.Code}");
        }
    }

    internal static DuoFlow? Find(SandboxState state, string? sid) =>
        sid is not null && DuoState.Of(state).BySid.TryGetValue(sid, out var flow) ? flow : null;

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    internal static IResult Ok(JsonObject response) =>
        Results.Content(new JsonObject { ["stat"] = "OK", ["response"] = response }.ToJsonString(), "application/json");

    internal static IResult Fail(int status, int code, string message) =>
        Results.Content(new JsonObject { ["stat"] = "FAIL", ["code"] = code, ["message"] = message }.ToJsonString(), "application/json", statusCode: status);
}
