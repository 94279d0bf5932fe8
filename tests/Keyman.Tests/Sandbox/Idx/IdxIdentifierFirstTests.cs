using System.Net;
using System.Text.Json.Nodes;
using Keyman.Sandbox.Scenario;

namespace Keyman.Tests.Sandbox.Idx;

/// <summary>An org whose identify form asks the username only: the password comes as its own challenge.</summary>
public sealed class IdxIdentifierFirstTests : IdxTestBase
{
    protected override ScenarioDocument? Scenario
    {
        get
        {
            var scenario = ScenarioDocument.LoadBuiltIn("oie");
            scenario.Settings.IdentifierFirst = true;
            return scenario;
        }
    }

    [Fact]
    public async Task Identifier_then_password_challenge_then_the_second_factor()
    {
        var state = await Introspect(await StateTokenFromAppLink());
        var fields = Remediation(state, "identify")["value"]!.AsArray().Select(f => (string)f!["name"]!).ToList();
        Assert.Equal(["identifier", "rememberMe", "stateHandle"], fields);

        var (_, password) = await Submit(state, "identify", new JsonObject { ["identifier"] = "totp@example.com" });
        var form = Remediation(password, "challenge-authenticator");
        Assert.True((bool)form["value"]![0]!["form"]!["value"]![0]!["secret"]!);
        Assert.Equal("okta_password", (string?)password["currentAuthenticatorEnrollment"]!["value"]!["key"]);

        var (status, wrong) = await Submit(password, "challenge-authenticator", Passcode("nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("incorrectPassword", MessageKey(wrong));

        var (_, otp) = await Submit(wrong, "challenge-authenticator", Passcode(Password));
        Assert.Equal("google_otp", (string?)otp["currentAuthenticatorEnrollment"]!["value"]!["key"]);
        var (_, success) = await Submit(otp, "challenge-authenticator", Passcode(await TotpCode("totp@example.com", "GOOGLE")));
        await FollowSuccess(success);
    }
}
