using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;

namespace Keyman.Core.Okta.Duo;

/// <summary>
/// Duo's 2026 single-page Universal Prompt, served to some tenants instead of the form-based one (venth/aws-adfs issue
/// #446, <c>aws_adfs/_duo_universal_prompt_authenticator.py</c>): the page carries <c>data-akey</c>/<c>data-authkey</c>
/// instead of a plugin form, and JSON endpoints under <c>/prompt/{akey}/</c> keyed by the authkey do the rest:
/// <c>pre_authn/initialization</c>, <c>pre_authn/evaluation</c>, <c>auth/payload</c> (factors and devices),
/// <c>auth/factors/push/auth</c> + <c>push/status</c>, <c>auth/factors/phone_call</c> + <c>phone_call/poll</c>,
/// <c>auth/factors/mobile_otp</c>, then <c>auth/finalize_auth</c>, whose <c>url</c> leads back to Okta.
/// </summary>
internal sealed class DuoSinglePage
{
    private const string BrowserFeatures =
        """{"touch_supported":false,"platform_authenticator_status":"unavailable","webauthn_supported":false,"screen_resolution_height":1080,"screen_resolution_width":1920,"screen_color_depth":24,"is_uvpa_available":false,"client_capabilities_uvpa":false}""";

    private readonly DuoBrowser _browser;
    private readonly string _akey;
    private readonly string _authkey;

    private DuoSinglePage(DuoBrowser browser, string akey, string authkey)
    {
        _browser = browser;
        _akey = akey;
        _authkey = authkey;
    }

    /// <summary>The single-page prompt when the page is one (an element with data-authkey and data-akey), else null.</summary>
    public static DuoSinglePage? Find(DuoBrowser browser, DuoBrowser.Page page)
    {
        var root = new HtmlParser().ParseDocument(page.Body).QuerySelector("[data-authkey]");
        var akey = root?.GetAttribute("data-akey");
        var authkey = root?.GetAttribute("data-authkey");
        return string.IsNullOrWhiteSpace(akey) || string.IsNullOrWhiteSpace(authkey) || akey.Any(c => !char.IsAsciiLetterOrDigit(c))
            ? null
            : new DuoSinglePage(browser, akey, authkey);
    }

    /// <summary>Starts the prompt's session and returns the devices Duo offers for each factor type (push, phone_call).</summary>
    public async Task<ILookup<string, DuoDevice>> OpenAsync(CancellationToken cancellationToken)
    {
        await GetAsync("pre_authn/initialization", [("is_ipad", "false")], "starting the prompt", cancellationToken).ConfigureAwait(false);
        try
        {
            // The page's own risk evaluation; not needed to start a factor, so a failure here is not the user's.
            await GetAsync("pre_authn/evaluation", [("browser_features", BrowserFeatures), ("local_trust_choice", "undecided")], "the evaluation", cancellationToken).ConfigureAwait(false);
        }
        catch (KeymanException)
        {
        }

        var payload = await GetAsync("auth/payload", [("browser_features", BrowserFeatures)], "listing the factors", cancellationToken).ConfigureAwait(false);
        var context = payload.TryGetProperty("auth_factors_context", out var c) && c.ValueKind == JsonValueKind.Object ? c : payload;
        var devices = new List<(string Type, DuoDevice Device)>();
        if (context.TryGetProperty("available_unified_auth_factors", out var available) && available.ValueKind == JsonValueKind.Object
            && available.TryGetProperty("factors", out var factors) && factors.ValueKind == JsonValueKind.Array)
        {
            foreach (var factor in factors.EnumerateArray())
            {
                var info = Object(factor, "device_info") ?? Object(factor, "phone_info");
                if (Text(factor, "factor_type") is { } type && info is { } i && Text(i, "pkey") is { Length: > 0 } pkey)
                {
                    devices.Add((type, new DuoDevice(pkey, Text(i, "name") ?? Text(i, "end_of_number") ?? pkey)));
                }
            }
        }

        return devices.DistinctBy(d => (d.Type, d.Device.Key)).ToLookup(d => d.Type, d => d.Device);
    }

    /// <summary>Starts a push or a call on the device; returns its transaction id (and Verified Push's code, if any).</summary>
    public async Task<(string Txid, string? StepUpCode)> StartAsync(DuoMethod method, DuoDevice device, CancellationToken cancellationToken)
    {
        var path = method == DuoMethod.Push ? "auth/factors/push/auth" : "auth/factors/phone_call";
        var answer = await PostAsync(path, ("pkey", device.Key), cancellationToken).ConfigureAwait(false)
            ?? throw new KeymanException(ExitCodes.MfaUnavailable, $"Duo refused to start {method.MenuName()}",
                "Choose another Duo method (-d passcode or -d call), or check your devices in Duo.");
        var txid = Text(answer, "push_txid") ?? Text(answer, "txid")
            ?? throw new KeymanException(ExitCodes.MfaFailed, $"Duo started {method.MenuName()} without a transaction id", "Run keyman again.");
        return (txid, Text(answer, "step_up_code"));
    }

    /// <summary>One status check, in the form-based prompt's words (status_code pushed, calling, allow, deny, timeout).</summary>
    public async Task<DuoJson> PollAsync(DuoMethod method, string txid, bool sawGoodNews, CancellationToken cancellationToken)
    {
        var response = method == DuoMethod.Push
            ? await GetAsync("auth/factors/push/status", [("push_txid", txid), ("saw_good_news", sawGoodNews ? "true" : "false")], "the status check", cancellationToken).ConfigureAwait(false)
            : await GetAsync("auth/factors/phone_call/poll", [("txid", txid)], "the status check", cancellationToken).ConfigureAwait(false);
        // A push nests its result as an object; a call answers it as a bare string.
        var detail = Object(response, "result") ?? response;
        var result = (Text(detail, "result") ?? Text(response, "result") ?? Text(detail, "status_code") ?? string.Empty).ToUpperInvariant();
        var code = result switch
        {
            "SUCCESS" or "ALLOW" => "allow",
            "FAILURE" or "DENY" or "FRAUD" or "ERROR" => "deny",
            "TIMEOUT" => "timeout",
            _ => method == DuoMethod.Push ? "pushed" : Text(detail, "status_code") ?? "calling",
        };
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["status_code"] = code };
        if ((Text(detail, "status") ?? Text(detail, "reason")) is { } status)
        {
            values["status"] = status;
        }

        return new DuoJson(true, null, null, values);
    }

    /// <summary>A passcode (mobile_otp is answered at once): true when Duo accepted it.</summary>
    public async Task<bool> PasscodeAsync(string passcode, CancellationToken cancellationToken) =>
        await PostAsync("auth/factors/mobile_otp", ("mobile_otp", passcode), cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Ends Duo's part: the URL that leads back to Okta.</summary>
    public async Task<Uri> FinalizeAsync(CancellationToken cancellationToken)
    {
        var answer = await GetAsync("auth/finalize_auth", [], "finishing", cancellationToken).ConfigureAwait(false);
        return Text(answer, "url") is { Length: > 0 } url && Uri.TryCreate(_browser.Duo($"prompt/{_akey}/"), url, out var next)
            ? next
            : throw new KeymanException(ExitCodes.MfaFailed, "Duo approved the sign-in but named no way back to Okta",
                "Duo may have changed its prompt; run keyman again and report this with --debug output if it persists.");
    }

    private async Task<JsonElement> GetAsync(string path, (string Name, string Value)[] query, string step, CancellationToken cancellationToken)
    {
        var parameters = new[] { ("authkey", _authkey) }.Concat(query).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}");
        var page = await _browser.GetAsync(_browser.Duo($"prompt/{_akey}/{path}?{string.Join('&', parameters)}"), follow: false, cancellationToken, "application/json").ConfigureAwait(false);
        return Read(page, step) ?? throw new KeymanException(ExitCodes.MfaFailed, $"Duo's prompt failed while {step} (HTTP {(int)page.Status})",
            "Run keyman again; if it persists, Duo may have changed its prompt: report this with --debug output.");
    }

    /// <summary>A JSON POST of the authkey and one value; null when Duo answers FAIL (a refused factor or passcode).</summary>
    private async Task<JsonElement?> PostAsync(string path, (string Name, string Value) value, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("authkey", _authkey);
            writer.WriteString(value.Name, value.Value);
            writer.WriteEndObject();
        }

        var page = await _browser.PostJsonAsync(_browser.Duo($"prompt/{_akey}/{path}"), Encoding.UTF8.GetString(buffer.ToArray()), cancellationToken).ConfigureAwait(false);
        return Read(page, path);
    }

    /// <summary>The "response" of a <c>{"stat":"OK"}</c> answer; null for FAIL.</summary>
    private static JsonElement? Read(DuoBrowser.Page page, string step)
    {
        try
        {
            using var document = JsonDocument.Parse(page.Body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "stat") is not "OK")
            {
                return null;
            }

            return root.TryGetProperty("response", out var response) ? response.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo's answer to {step} is not the JSON Keyman expects (HTTP {(int)page.Status})",
                "Duo may have changed its prompt; choose another MFA factor and report this with --debug output.", e);
        }
    }

    private static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? DuoJson.Value(value, "the prompt") : null;
}
