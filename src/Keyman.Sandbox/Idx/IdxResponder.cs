using System.Text.Json.Nodes;
using Keyman.Sandbox.Hosting;

namespace Keyman.Sandbox.Idx;

/// <summary>Builds the IDX state a transaction's step answers with (the forms a client may submit next).</summary>
internal static class IdxResponder
{
    /// <summary>What the app's policy lets the user answer as the second factor, with the methods allowed for each.</summary>
    public static List<(OieAuthenticator Authenticator, List<string> Methods)> Allowed(IdxTransaction tx)
    {
        var all = tx.User is null ? [] : OieAuthenticator.For(tx.User);
        return tx.App.BrowserOnly switch
        {
            "fastpass" => [.. all.Where(a => a.Methods.Contains("signed_nonce")).Select(a => (a, new List<string> { "signed_nonce" }))],
            "security_key" => [.. all.Where(a => a.Key == "webauthn").Select(a => (a, a.Methods.ToList()))],
            _ => [.. all.Select(a => (a, a.Methods.ToList()))],
        };
    }

    public static IResult Respond(SandboxState state, string org, IdxTransaction tx, int status = 200, params JsonObject[] messages) =>
        IdxJson.Ion(Build(state, org, tx, messages), status);

    public static JsonObject Build(SandboxState state, string org, IdxTransaction tx, IReadOnlyList<JsonObject> messages)
    {
        var sh = tx.StateHandle;
        var body = new JsonObject
        {
            ["version"] = "1.0.0",
            ["stateHandle"] = sh,
            ["expiresAt"] = IdxJson.Time(tx.ExpiresAt),
            ["intent"] = "LOGIN",
        };
        var remediation = new JsonArray();
        var allMessages = new List<JsonObject>(messages);
        var user = tx.User;
        var enrollments = user is null ? [] : new List<OieAuthenticator> { OieAuthenticator.Password(user) }.Concat(OieAuthenticator.For(user)).ToList();

        JsonObject SelectForm()
        {
            var options = new JsonArray();
            foreach (var (a, methods) in Allowed(tx))
            {
                options.Add(IdxJson.Option(a, methods, enrollments.FindIndex(e => e.Key == a.Key), "authenticatorEnrollments"));
            }

            return IdxJson.Form(org, "select-authenticator-authenticate", "/idp/idx/challenge", sh,
                [new JsonObject { ["name"] = "authenticator", ["type"] = "object", ["options"] = options }]);
        }

        switch (tx.Step)
        {
            case IdxStep.Identify:
                var fields = new List<JsonObject> { IdxJson.Field("identifier", "Username") };
                if (!state.Settings.IdentifierFirst)
                {
                    // identify-with-password.json: the password rides on the identify form.
                    fields.Add(IdxJson.Credentials(IdxJson.Field("passcode", "Password", secret: true)));
                    body["currentAuthenticator"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["value"] = new JsonObject { ["type"] = "password", ["key"] = "okta_password", ["id"] = OieAuthenticator.PasswordId, ["displayName"] = "Password", ["methods"] = new JsonArray(new JsonObject { ["type"] = "password" }) },
                    };
                }

                fields.Add(new JsonObject { ["name"] = "rememberMe", ["label"] = "Keep me signed in", ["type"] = "boolean" });
                remediation.Add(IdxJson.Form(org, "identify", "/idp/idx/identify", sh, fields));
                break;
            case IdxStep.Password:
                // error-authenticator-verify-password.json: the password as its own challenge.
                remediation.Add(IdxJson.Form(org, "challenge-authenticator", "/idp/idx/challenge/answer", sh,
                    [IdxJson.Credentials(IdxJson.Field("passcode", "Password", secret: true))], "$.currentAuthenticatorEnrollment"));
                body["currentAuthenticatorEnrollment"] = new JsonObject { ["type"] = "object", ["value"] = IdxJson.Authenticator(enrollments[0], enrollment: true) };
                break;
            case IdxStep.SelectAuthenticator:
                remediation.Add(SelectForm());
                break;
            case IdxStep.Challenge:
                var current = tx.Current!;
                var method = tx.CurrentMethod!;
                var value = IdxJson.Authenticator(current, enrollment: true, [method]);
                JsonObject[] inner;
                if (method == "security_question")
                {
                    // authenticator-verification-security-question.json
                    var factor = current.Factors[0];
                    var key = factor.Profile.GetValueOrDefault("question") ?? "custom";
                    var question = factor.Profile.GetValueOrDefault("questionText") ?? key;
                    inner = [new JsonObject { ["name"] = "questionKey", ["label"] = question, ["required"] = true, ["value"] = key, ["visible"] = false, ["mutable"] = false }, IdxJson.Field("answer", "answer")];
                    value["profile"] = new JsonObject { ["questionKey"] = key, ["question"] = question };
                    value["contextualData"] = new JsonObject { ["enrolledQuestion"] = new JsonObject { ["question"] = question, ["questionKey"] = key } };
                }
                else if (method == "webauthn")
                {
                    // authenticator-verification-webauthn.json
                    inner = [IdxJson.Field("clientData", "Client Data"), IdxJson.Field("authenticatorData", "Authenticator Data"), IdxJson.Field("signatureData", "Signature Data")];
                    value["contextualData"] = new JsonObject
                    {
                        ["challengeData"] = new JsonObject { ["challenge"] = RandomTokens.Alphanumeric(20), ["userVerification"] = "required", ["extensions"] = new JsonObject { ["appid"] = org } },
                    };
                }
                else if (method == "duo")
                {
                    // authenticator-verification-duo.json: the widget hands host and signedToken to Duo Web v2's frame and
                    // posts Duo's signed response back as signatureData. Duo's host is the sandbox itself.
                    inner = [new JsonObject { ["name"] = "signatureData", ["label"] = "Assertion From Duo", ["required"] = true, ["visible"] = false }];
                    value["contextualData"] = new JsonObject
                    {
                        ["integrationType"] = "IFRAME",
                        ["host"] = new Uri(org).Authority,
                        ["signedToken"] = Duo.DuoWebSignature.SignRequest(Duo.DuoState.Of(state), tx.User!.Definition.Login, state.Now),
                        ["script"] = $"{org}/js/sections/duo/Duo-Web-v2.6.js",
                    };
                }
                else
                {
                    inner = [IdxJson.Field("passcode", "Enter code")];
                }

                if (method is "sms" or "voice" or "email")
                {
                    // authenticator-verification-phone-sms.json / -email.json: resend rides on the enrollment.
                    value["resend"] = IdxJson.Form(org, "resend", "/idp/idx/challenge/resend", sh, []);
                }

                remediation.Add(IdxJson.Form(org, "challenge-authenticator", "/idp/idx/challenge/answer", sh, [IdxJson.Credentials(inner)], "$.currentAuthenticatorEnrollment"));
                remediation.Add(SelectForm());
                body["currentAuthenticatorEnrollment"] = new JsonObject { ["type"] = "object", ["value"] = value };
                break;
            case IdxStep.Poll:
                remediation.Add(IdxJson.Form(org, "challenge-poll", "/idp/idx/authenticators/poll", sh, [], "$.currentAuthenticator", refresh: 4000));
                remediation.Add(SelectForm());
                var ov = IdxJson.Authenticator(tx.Current!, enrollment: false, [tx.CurrentMethod!]);
                if (tx.CurrentMethod == "signed_nonce")
                {
                    // authenticator-verification-okta-verify-signed-nonce-loopback.json: Okta Verify on this device answers a loopback probe.
                    ov["contextualData"] = new JsonObject
                    {
                        ["challenge"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["value"] = new JsonObject { ["challengeMethod"] = "LOOPBACK", ["challengeRequest"] = RandomTokens.Alphanumeric(40), ["domain"] = "http://localhost", ["ports"] = new JsonArray("2000", "6511", "6512", "6513") },
                        },
                    };
                }
                else if (tx.Current!.FactorFor("push").Push is { NumberChallenge: true } push)
                {
                    // authenticator-verification-number-challenge.json: correctAnswer is a string.
                    ov["contextualData"] = new JsonObject { ["correctAnswer"] = push.CorrectAnswer.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                }

                ov["resend"] = IdxJson.Form(org, "resend", "/idp/idx/challenge/resend", sh, []);
                body["currentAuthenticator"] = new JsonObject { ["type"] = "object", ["value"] = ov };
                break;
            case IdxStep.PushRejected:
                // authenticator-verification-okta-verify-reject-push.json: a "resend" form that challenges again.
                allMessages.Add(tx.PushOutcome == "timeout"
                    ? IdxJson.Message("Your push notification has expired.", "oktaverify.timeout")
                    : IdxJson.Message("You have chosen to reject this login.", "api.authn.poll.error.push_rejected"));
                var again = new JsonObject
                {
                    ["name"] = "authenticator",
                    ["type"] = "object",
                    ["label"] = "Okta Verify",
                    ["value"] = new JsonObject
                    {
                        ["form"] = new JsonObject
                        {
                            ["value"] = new JsonArray(
                                new JsonObject { ["name"] = "id", ["value"] = tx.Current!.Id, ["required"] = true, ["mutable"] = false },
                                new JsonObject { ["name"] = "methodType", ["value"] = "push", ["label"] = "PUSH", ["required"] = true, ["mutable"] = false }),
                        },
                    },
                };
                remediation.Add(IdxJson.Form(org, "resend", "/idp/idx/challenge", sh, [again], "$.currentAuthenticator"));
                remediation.Add(SelectForm());
                body["currentAuthenticator"] = new JsonObject { ["type"] = "object", ["value"] = IdxJson.Authenticator(tx.Current!, enrollment: false, ["push"]) };
                break;
            case IdxStep.ExpiredPassword:
                // authenticator-expired-password.json
                remediation.Add(IdxJson.Form(org, "reenroll-authenticator", "/idp/idx/challenge/answer", sh,
                    [IdxJson.Credentials(IdxJson.Field("passcode", "New password", secret: true))], "$.currentAuthenticator"));
                var pwd = IdxJson.Authenticator(enrollments[0], enrollment: false);
                pwd["settings"] = new JsonObject
                {
                    ["complexity"] = new JsonObject { ["minLength"] = 8, ["minLowerCase"] = 1, ["minUpperCase"] = 1, ["minNumber"] = 1, ["minSymbol"] = 0, ["excludeUsername"] = true },
                    ["age"] = new JsonObject { ["minAgeMinutes"] = 0, ["historyCount"] = 4 },
                };
                body["currentAuthenticator"] = new JsonObject { ["type"] = "object", ["value"] = pwd };
                break;
            case IdxStep.Enroll:
                // authenticator-enroll-select-authenticator.json: the policy needs an authenticator the user has not set up.
                var enrollOptions = new JsonArray();
                var choices = new[]
                {
                    new OieAuthenticator("okta_verify", "app", "Okta Verify", "aut1ovOktaVerify0001", "", ["push", "totp"], []),
                    new OieAuthenticator("google_otp", "app", "Google Authenticator", "aut1gaGoogleOtp00001", "", ["otp"], []),
                    new OieAuthenticator("phone_number", "phone", "Phone", "aut1phPhone000000001", "", ["sms", "voice"], []),
                };
                var orgAuthenticators = new JsonArray();
                for (var i = 0; i < choices.Length; i++)
                {
                    enrollOptions.Add(new JsonObject
                    {
                        ["label"] = choices[i].DisplayName,
                        ["value"] = new JsonObject { ["form"] = new JsonObject { ["value"] = new JsonArray(new JsonObject { ["name"] = "id", ["required"] = true, ["value"] = choices[i].Id, ["mutable"] = false }) } },
                        ["relatesTo"] = $"$.authenticators.value[{i}]",
                    });
                    orgAuthenticators.Add(IdxJson.Authenticator(choices[i], enrollment: false));
                }

                remediation.Add(IdxJson.Form(org, "select-authenticator-enroll", "/idp/idx/credential/enroll", sh,
                    [new JsonObject { ["name"] = "authenticator", ["required"] = true, ["type"] = "object", ["options"] = enrollOptions }]));
                body["authenticators"] = new JsonObject { ["type"] = "array", ["value"] = orgAuthenticators };
                break;
            case IdxStep.Denied:
                // end-user-remediation-*.json: device assurance failed; nothing to submit.
                allMessages.Add(IdxJson.Message("Your device doesn't meet the security requirements", "idx.error.code.access_denied.device_assurance.remediation.title"));
                allMessages.Add(IdxJson.Message("To sign in, make the following updates. Then, access the app again.", "idx.error.code.access_denied.device_assurance.remediation.explanation"));
                allMessages.Add(IdxJson.Message("Sign in with Okta Verify on a managed device", "idx.error.code.access_denied.device_assurance.remediation.use_managed_device"));
                break;
            case IdxStep.Success:
                // success.json
                body["success"] = new JsonObject { ["name"] = "success-redirect", ["href"] = $"{org}/login/token/redirect?stateToken={tx.RedirectToken}" };
                break;
        }

        if (remediation.Count > 0)
        {
            body["remediation"] = new JsonObject { ["type"] = "array", ["value"] = remediation };
        }

        if (allMessages.Count > 0)
        {
            body["messages"] = IdxJson.Messages([.. allMessages]);
        }

        if (user is not null && tx.Step is not (IdxStep.Enroll or IdxStep.Success or IdxStep.Denied))
        {
            var allowed = new JsonArray();
            foreach (var (a, methods) in Allowed(tx))
            {
                allowed.Add(IdxJson.Authenticator(a, enrollment: false, methods));
            }

            body["authenticators"] ??= new JsonObject { ["type"] = "array", ["value"] = allowed };
            var list = new JsonArray();
            foreach (var e in enrollments)
            {
                list.Add(IdxJson.Authenticator(e, enrollment: true));
            }

            body["authenticatorEnrollments"] = new JsonObject { ["type"] = "array", ["value"] = list };
        }

        if (user is not null)
        {
            body["user"] = IdxJson.User(user.Definition);
        }

        if (tx.Step != IdxStep.Denied)
        {
            body["cancel"] = IdxJson.Form(org, "cancel", "/idp/idx/cancel", sh, []);
        }

        body["app"] = IdxJson.App(tx.App);
        return body;
    }
}
