using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Sandbox.Okta;

/// <summary>Okta's JSON shapes: error objects, transactions, users and factors.</summary>
internal static class OktaJson
{
    public static string OrgUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    /// <summary>Okta timestamps: ISO 8601 UTC with milliseconds.</summary>
    public static string Time(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static IResult Json(JsonNode body, int status = 200) =>
        Results.Text(body.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);

    public static IResult Error(int status, string code, string summary, params string[] causes)
    {
        var errorCauses = new JsonArray();
        foreach (var cause in causes)
        {
            errorCauses.Add(new JsonObject { ["errorSummary"] = cause });
        }

        return Json(new JsonObject
        {
            ["errorCode"] = code,
            ["errorSummary"] = summary,
            ["errorLink"] = code,
            ["errorId"] = RandomTokens.OktaErrorId(),
            ["errorCauses"] = errorCauses,
        }, status);
    }

    public static IResult AuthenticationFailed() => Error(401, "E0000004", "Authentication failed");

    public static IResult InvalidToken() => Error(401, "E0000011", "Invalid token provided");

    public static IResult InvalidSession() => Error(403, "E0000005", "Invalid session");

    public static IResult NotFound(string what) => Error(404, "E0000007", $"Not found: Resource not found: {what}");

    public static IResult InvalidPasscode(string cause = "Your passcode doesn't match our records. Please try again.") =>
        Error(403, "E0000068", "Invalid Passcode/Answer", cause);

    public static IResult UserLocked() => Error(403, "E0000069", "User Locked");

    public static IResult WrongState() =>
        Error(403, "E0000079", "This operation is not allowed in the current authentication state.");

    public static IResult ValidationFailed(string field, string cause) =>
        Error(400, "E0000001", $"Api validation failed: {field}", $"{field}: {cause}");

    public static IResult MalformedBody() => Error(400, "E0000003", "The request body was not well-formed.");

    /// <summary>Reads a JSON object body; null when the body isn't one (then E0000003).</summary>
    public static async Task<JsonObject?> ReadBodyAsync(HttpRequest request)
    {
        try
        {
            var node = await JsonNode.ParseAsync(request.Body);
            return node as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? String(JsonObject body, string name) =>
        body.TryGetPropertyValue(name, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static JsonObject User(ScenarioUser user) => new()
    {
        ["id"] = user.Id,
        ["passwordChanged"] = "2024-01-15T16:20:34.000Z",
        ["profile"] = new JsonObject
        {
            ["login"] = user.Login,
            ["firstName"] = user.FirstName,
            ["lastName"] = user.LastName,
            ["locale"] = user.Locale,
            ["timeZone"] = user.TimeZone,
        },
    };

    public static string VerifyHref(string org, ScenarioFactor factor) => $"{org}/api/v1/authn/factors/{factor.Id}/verify";

    private static JsonObject Post(string href, string? name = null)
    {
        var link = new JsonObject();
        if (name is not null)
        {
            link["name"] = name;
        }

        link["href"] = href;
        link["hints"] = new JsonObject { ["allow"] = new JsonArray("POST") };
        return link;
    }

    public static JsonObject Link(string href, string? name = null) => Post(href, name);

    public static JsonObject FactorProfile(ScenarioFactor factor)
    {
        var profile = new JsonObject();
        foreach (var (key, value) in factor.Profile)
        {
            profile[key] = value;
        }

        return profile;
    }

    /// <summary>A factor as listed in MFA_REQUIRED's _embedded.factors.</summary>
    public static JsonObject Factor(string org, ScenarioFactor factor) => new()
    {
        ["id"] = factor.Id,
        ["factorType"] = factor.FactorType,
        ["provider"] = factor.Provider,
        ["vendorName"] = factor.VendorName ?? factor.Provider,
        ["profile"] = FactorProfile(factor),
        ["_links"] = new JsonObject { ["verify"] = Post(VerifyHref(org, factor)) },
    };

    public static JsonObject Cancel(string org) => Post($"{org}/api/v1/authn/cancel");

    /// <summary>The transaction as /api/v1/authn returns it, in its current status.</summary>
    public static JsonObject Transaction(string org, AuthnTransaction tx, SandboxState? state = null)
    {
        var user = tx.User.Definition;
        var body = new JsonObject
        {
            ["stateToken"] = tx.StateToken,
            ["expiresAt"] = Time(tx.ExpiresAt),
            ["status"] = tx.Status,
        };
        switch (tx.Status)
        {
            case "MFA_REQUIRED":
                var factors = new JsonArray();
                foreach (var factor in user.Factors)
                {
                    factors.Add(Factor(org, factor));
                }

                var embedded = new JsonObject { ["user"] = User(user), ["factors"] = factors };
                if (tx.Kind == TransactionKind.AppStepUp && state is not null)
                {
                    AddStepUpContext(embedded, org, state, tx);
                }

                body["_embedded"] = embedded;
                body["_links"] = new JsonObject { ["cancel"] = Cancel(org) };
                break;
            case "MFA_CHALLENGE":
                var challenged = user.Factors.First(f => f.Id == tx.ChallengedFactorId);
                body["factorResult"] = tx.FactorResult ?? "CHALLENGE";
                body["_embedded"] = new JsonObject { ["user"] = User(user), ["factor"] = ChallengedFactor(challenged, tx) };
                body["_links"] = ChallengeLinks(org, challenged, tx);
                break;
            case "MFA_ENROLL":
                body["_embedded"] = new JsonObject { ["user"] = User(user), ["factors"] = EnrollableFactors(org) };
                body["_links"] = new JsonObject { ["cancel"] = Cancel(org) };
                break;
            case "PASSWORD_EXPIRED":
                body["_embedded"] = new JsonObject
                {
                    ["user"] = User(user),
                    ["policy"] = new JsonObject
                    {
                        ["complexity"] = new JsonObject
                        {
                            ["minLength"] = 8, ["minLowerCase"] = 1, ["minUpperCase"] = 1, ["minNumber"] = 1, ["minSymbol"] = 0,
                        },
                    },
                };
                body["_links"] = new JsonObject
                {
                    ["next"] = Post($"{org}/api/v1/authn/credentials/change_password", "changePassword"),
                    ["cancel"] = Cancel(org),
                };
                break;
        }

        return body;
    }

    /// <summary>What a step-up transaction says about itself: the MFA policy, the app it is for, and that app's SAML issuer.</summary>
    public static void AddStepUpContext(JsonObject embedded, string org, SandboxState state, AuthnTransaction tx)
    {
        var app = state.Scenario.Apps.FirstOrDefault(a => a.AppInstanceId == tx.StepUpAppInstanceId);
        embedded["policy"] = new JsonObject
        {
            ["allowRememberDevice"] = false,
            ["rememberDeviceLifetimeInMinutes"] = 0,
            ["rememberDeviceByDefault"] = false,
            ["factorsPolicyInfo"] = new JsonObject(),
        };
        if (app is null)
        {
            return;
        }

        embedded["target"] = new JsonObject
        {
            ["type"] = "APP",
            ["name"] = app.AppName,
            ["label"] = app.Label,
            ["_links"] = new JsonObject
            {
                ["logo"] = new JsonObject { ["name"] = "medium", ["href"] = $"{org}/assets/img/logos/{app.AppName}.png", ["type"] = "image/png" },
            },
        };
        embedded["authentication"] = new JsonObject
        {
            ["protocol"] = "SAML2.0",
            ["issuer"] = new JsonObject { ["id"] = app.AppInstanceId, ["name"] = app.Label, ["uri"] = state.Settings.SamlIssuer },
        };
    }

    private static JsonObject ChallengedFactor(ScenarioFactor factor, AuthnTransaction tx)
    {
        var json = new JsonObject
        {
            ["id"] = factor.Id,
            ["factorType"] = factor.FactorType,
            ["provider"] = factor.Provider,
            ["vendorName"] = factor.VendorName ?? factor.Provider,
            ["profile"] = FactorProfile(factor),
        };
        if (factor.FactorType == "push" && tx.FactorResult == "WAITING" && factor.Push is { NumberChallenge: true } push)
        {
            // Okta Verify number matching: the client must show this number to the user.
            json["_embedded"] = new JsonObject { ["challenge"] = new JsonObject { ["correctAnswer"] = push.CorrectAnswer } };
        }
        else if (factor.FactorType == "webauthn")
        {
            json["_embedded"] = new JsonObject
            {
                ["challenge"] = new JsonObject
                {
                    ["challenge"] = RandomTokens.Alphanumeric(20),
                    ["userVerification"] = "preferred",
                    ["extensions"] = new JsonObject(),
                },
            };
        }

        return json;
    }

    private static JsonObject ChallengeLinks(string org, ScenarioFactor factor, AuthnTransaction tx)
    {
        var verify = VerifyHref(org, factor);
        var links = new JsonObject();
        if (factor.FactorType == "push")
        {
            // While waiting the client polls the same href; after REJECTED/TIMEOUT it may send a new push.
            links["next"] = Post(verify, tx.FactorResult == "WAITING" ? "poll" : "verify");
            links["resend"] = new JsonArray(Post(verify + "/resend", "push"));
        }
        else
        {
            links["next"] = Post(verify, "verify");
            if (factor.FactorType is "sms" or "call" or "email")
            {
                links["resend"] = new JsonArray(Post(verify + "/resend", factor.FactorType));
            }
        }

        links["prev"] = Post($"{org}/api/v1/authn/previous", "prev");
        links["cancel"] = Cancel(org);
        return links;
    }

    private static JsonArray EnrollableFactors(string org)
    {
        var list = new JsonArray();
        foreach (var (type, provider) in new[] { ("token:software:totp", "OKTA"), ("push", "OKTA"), ("token:software:totp", "GOOGLE"), ("sms", "OKTA") })
        {
            list.Add(new JsonObject
            {
                ["factorType"] = type,
                ["provider"] = provider,
                ["vendorName"] = provider,
                ["status"] = "NOT_SETUP",
                ["enrollment"] = "REQUIRED",
                ["_links"] = new JsonObject { ["enroll"] = Post($"{org}/api/v1/authn/factors") },
            });
        }

        return list;
    }
}
