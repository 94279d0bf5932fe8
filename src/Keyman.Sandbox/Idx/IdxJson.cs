using System.Text.Json.Nodes;
using Keyman.Sandbox.Okta;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Idx;

/// <summary>
/// The IDX (ion+json) shapes, after the captured responses in okta/okta-signin-widget playground/mocks/data/idp/idx/:
/// remediation forms (rel, name, relatesTo, href, method, produces, value[], accepts), the hidden stateHandle field,
/// authenticator objects, messages with i18n keys, cancel and app.
/// </summary>
internal static class IdxJson
{
    public const string IonJson = "application/ion+json; okta-version=1.0.0";
    public const string Accepts = "application/json; okta-version=1.0.0";

    /// <summary>Okta sends the media type exactly so, with no charset parameter.</summary>
    public static IResult Ion(JsonNode body, int status = 200) => new IonResult(body.ToJsonString(), status);

    private sealed class IonResult(string json, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = IonJson;
            return httpContext.Response.WriteAsync(json);
        }
    }

    public static JsonObject Message(string message, string key, string cls = "ERROR") => new()
    {
        ["message"] = message,
        ["i18n"] = new JsonObject { ["key"] = key },
        ["class"] = cls,
    };

    public static JsonObject Messages(params JsonObject[] messages) => new() { ["type"] = "array", ["value"] = new JsonArray(messages) };

    /// <summary>error-401-session-expired.json: no remediation, only the message.</summary>
    public static IResult SessionExpired() => Ion(new JsonObject
    {
        ["version"] = "1.0.0",
        ["messages"] = Messages(Message("You have been logged out due to inactivity. Refresh or return to the sign in screen.", "idx.session.expired")),
    }, 401);

    public static JsonObject StateHandleField(string stateHandle) => new()
    {
        ["name"] = "stateHandle",
        ["required"] = true,
        ["value"] = stateHandle,
        ["visible"] = false,
        ["mutable"] = false,
    };

    public static JsonObject Form(string org, string name, string path, string stateHandle, IEnumerable<JsonObject> fields, string? relatesTo = null, int? refresh = null)
    {
        var form = new JsonObject { ["rel"] = new JsonArray("create-form"), ["name"] = name };
        if (relatesTo is not null)
        {
            form["relatesTo"] = new JsonArray(relatesTo);
        }

        form["href"] = org + path;
        form["method"] = "POST";
        form["produces"] = IonJson;
        if (refresh is not null)
        {
            form["refresh"] = refresh;
        }

        var value = new JsonArray();
        foreach (var field in fields)
        {
            value.Add(field);
        }

        value.Add(StateHandleField(stateHandle));
        form["value"] = value;
        form["accepts"] = Accepts;
        return form;
    }

    /// <summary>A credentials object field with one inner form (passcode, or questionKey + answer).</summary>
    public static JsonObject Credentials(params JsonObject[] inner) => new()
    {
        ["name"] = "credentials",
        ["type"] = "object",
        ["form"] = new JsonObject { ["value"] = new JsonArray(inner) },
        ["required"] = true,
    };

    public static JsonObject Field(string name, string label, bool secret = false, bool required = true)
    {
        var field = new JsonObject { ["name"] = name, ["label"] = label, ["required"] = required };
        if (secret)
        {
            field["secret"] = true;
        }

        return field;
    }

    /// <summary>An authenticator as listed in authenticators / authenticatorEnrollments / currentAuthenticator.</summary>
    public static JsonObject Authenticator(OieAuthenticator a, bool enrollment, IEnumerable<string>? methods = null)
    {
        var json = new JsonObject
        {
            ["type"] = a.Type,
            ["key"] = a.Key,
            ["id"] = enrollment ? a.EnrollmentId : a.Id,
            ["displayName"] = a.DisplayName,
        };
        if (enrollment)
        {
            json["authenticatorId"] = a.Id;
        }

        var list = new JsonArray();
        foreach (var m in methods ?? a.Methods)
        {
            list.Add(new JsonObject { ["type"] = m });
        }

        json["methods"] = list;
        if (enrollment && a.Key is "phone_number" or "okta_email")
        {
            json["profile"] = a.Key == "phone_number"
                ? new JsonObject { ["phoneNumber"] = a.Destination(a.Methods[0]) }
                : new JsonObject { ["email"] = a.Destination("email") };
        }

        return json;
    }

    /// <summary>One option of select-authenticator-authenticate (authenticator-verification-select-authenticator.json).</summary>
    public static JsonObject Option(OieAuthenticator a, IReadOnlyList<string> methods, int index, string listName)
    {
        var fields = new JsonArray(new JsonObject { ["name"] = "id", ["required"] = true, ["value"] = a.Id, ["mutable"] = false });
        if (methods.Count == 1)
        {
            // authenticator-verification-duo.json: Duo's option names the method "idp" although its methods say "duo".
            var method = a.Key == "duo" ? "idp" : methods[0];
            fields.Add(new JsonObject { ["name"] = "methodType", ["required"] = false, ["value"] = method, ["mutable"] = false });
        }
        else
        {
            var options = new JsonArray();
            foreach (var m in methods)
            {
                options.Add(new JsonObject { ["label"] = MethodLabel(m), ["value"] = m });
            }

            fields.Add(new JsonObject { ["name"] = "methodType", ["type"] = "string", ["required"] = false, ["options"] = options });
        }

        if (a.Key == "phone_number")
        {
            fields.Add(new JsonObject { ["name"] = "enrollmentId", ["required"] = true, ["value"] = a.EnrollmentId, ["mutable"] = false });
        }

        return new JsonObject
        {
            ["label"] = a.DisplayName,
            ["value"] = new JsonObject { ["form"] = new JsonObject { ["value"] = fields } },
            ["relatesTo"] = $"$.{listName}.value[{index}]",
        };
    }

    private static string MethodLabel(string method) => method switch
    {
        "signed_nonce" => "Use Okta FastPass",
        "push" => "Get a push notification",
        "totp" => "Enter a code",
        "sms" => "SMS",
        "voice" => "Voice call",
        _ => method,
    };

    public static JsonObject User(ScenarioUser user) => new()
    {
        ["type"] = "object",
        ["value"] = new JsonObject { ["id"] = user.Id, ["identifier"] = user.Login },
    };

    public static JsonObject App(ScenarioApp app) => new()
    {
        ["type"] = "object",
        ["value"] = new JsonObject { ["name"] = app.AppName, ["label"] = app.Label, ["id"] = app.AppInstanceId },
    };

    public static string Time(DateTimeOffset t) => OktaJson.Time(t);
}
