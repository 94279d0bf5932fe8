using System.Net;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.Tests.Sandbox;

/// <summary>timeScale: credential lifetimes shrink (and Expiration says so) while STS keeps AWS's 900-second minimum.</summary>
public sealed class DeliveryTimeScaleTests : DeliveryTestBase
{
    protected override ScenarioDocument? Scenario
    {
        get
        {
            var scenario = ScenarioDocument.LoadDefault();
            scenario.Settings.TimeScale = 60;
            return scenario;
        }
    }

    [Fact]
    public async Task A_900_second_session_lives_15_seconds_and_expiration_says_so()
    {
        var issuedAt = Clock.GetUtcNow();
        var creds = await SamlCredentials(900);
        Assert.InRange(creds.Expiration - issuedAt, TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(15));

        Clock.Advance(creds.Expiration - Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        var signer = new StsSigner(creds.AccessKeyId, creds.Secret, creds.Token, Clock.GetUtcNow());
        var (ok, _) = await Sts(new() { ["Action"] = "GetCallerIdentity" }, signer);
        Assert.Equal(HttpStatusCode.OK, ok);

        Clock.Advance(TimeSpan.FromSeconds(1));
        var late = new StsSigner(creds.AccessKeyId, creds.Secret, creds.Token, Clock.GetUtcNow());
        var (expired, xml) = await Sts(new() { ["Action"] = "GetCallerIdentity" }, late);
        Assert.Equal(HttpStatusCode.Forbidden, expired);
        Assert.Equal("ExpiredToken", StsValue(xml, "Code"));
        await AssertBadRequestPage(await GetSigninToken(SessionJson(creds)));
    }

    [Fact]
    public async Task Sts_still_rejects_durations_below_900()
    {
        var sid = await SessionFor();
        var saml = await SamlFor(sid, DevApp);
        var (status, xml) = await Sts(new()
        {
            ["Action"] = "AssumeRoleWithSAML", ["RoleArn"] = DeveloperRole, ["PrincipalArn"] = Provider, ["SAMLAssertion"] = saml, ["DurationSeconds"] = "899",
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationError", StsValue(xml, "Code"));
    }

    [Fact]
    public async Task Chained_credentials_are_scaled_too()
    {
        var chained = await ChainedCredentials(await SamlCredentials());
        Assert.InRange(chained.Expiration - Clock.GetUtcNow(), TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(60)); // 3600 / 60
    }

    [Fact]
    public async Task The_option_overrides_the_scenario_and_must_be_positive()
    {
        await using (var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Clock = Clock, TimeScale = 1 }))
        {
            Assert.Equal(1, sandbox.State.TimeScale);
            Assert.Equal(TimeSpan.FromSeconds(900), sandbox.State.ScaledLifetime(900));
        }

        await using (var sandbox = await SandboxHost.StartAsync(new SandboxOptions { Clock = Clock, TimeScale = 4 }))
        {
            Assert.Equal(TimeSpan.FromSeconds(900), sandbox.State.ScaledLifetime(3600));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => SandboxHost.StartAsync(new SandboxOptions { TimeScale = 0 }));
        Assert.Equal(60, Sandbox.State.TimeScale);
    }
}
