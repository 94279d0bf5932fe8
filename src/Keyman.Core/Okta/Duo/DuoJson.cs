using System.Text.Json;

namespace Keyman.Core.Okta.Duo;

/// <summary>Duo's JSON answers: <c>{"stat":"OK","response":{…}}</c> or <c>{"stat":"FAIL","message":…}</c>.</summary>
internal sealed record DuoJson(bool Ok, string? Message, string? MessageEnum, IReadOnlyDictionary<string, string> Response)
{
    public string? this[string name] => Response.GetValueOrDefault(name);

    /// <summary>This answer with the txid of the prompt it answers (a status verdict does not repeat it).</summary>
    public DuoJson WithTxid(string txid) => this with { Response = new Dictionary<string, string>(Response, StringComparer.Ordinal) { ["txid"] = txid } };

    public static DuoJson Parse(DuoBrowser.Page page, string step)
    {
        try
        {
            using var document = JsonDocument.Parse(page.Body);
            var root = document.RootElement;
            var stat = root.TryGetProperty("stat", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in response.EnumerateObject())
                {
                    if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    {
                        values[property.Name] = property.Value.ToString();
                    }
                }

                // Verified Duo Push's code may come nested (aws-adfs reads risk_based_factor_selection_data.step_up_code).
                if (!values.ContainsKey("step_up_code") && response.TryGetProperty("risk_based_factor_selection_data", out var risk)
                    && risk.ValueKind == JsonValueKind.Object && risk.TryGetProperty("step_up_code", out var code) && code.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    values["step_up_code"] = code.ToString();
                }
            }

            return new DuoJson(string.Equals(stat, "OK", StringComparison.OrdinalIgnoreCase), Text(root, "message"), Text(root, "message_enum"), values);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: valid JSON whose strings hold an unpaired surrogate escape (\ud800), which no string can.
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo's answer to {step} is not the JSON Keyman expects (HTTP {(int)page.Status})",
                "Duo may have changed its prompt; choose another MFA factor and report this with --debug output.", e);
        }
    }

    /// <summary>A string or number as text; one holding an unpaired surrogate escape (valid JSON, not a valid string) makes the answer unreadable.</summary>
    internal static string Value(JsonElement value, string step)
    {
        try
        {
            return value.ToString();
        }
        catch (InvalidOperationException e)
        {
            throw new KeymanException(ExitCodes.MfaFailed, $"Duo's answer to {step} holds text Keyman cannot read",
                "Duo may have changed its prompt; choose another MFA factor and report this with --debug output.", e);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;
}
