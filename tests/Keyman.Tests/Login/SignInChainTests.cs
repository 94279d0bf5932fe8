using Keyman.Core;
using Keyman.Core.Login;
using Keyman.Core.Okta;
using Keyman.Tests.Support;

namespace Keyman.Tests.Login;

public sealed class SignInChainTests
{
    private static readonly SignInRequest Request = new("jane@example.com", "secret-password", null);

    private sealed class Flow(string name, string? cannotRun = null, Exception? fails = null) : ISignInFlow
    {
        public int Runs { get; private set; }

        public string Name => name;

        public string? CannotRun(SignInRequest request) => cannotRun;

        public Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken)
        {
            Runs++;
            return fails is null ? Task.FromResult(SignInResult.ToOkta(new OktaSession("sid-" + name, request.Username, null, null))) : Task.FromException<SignInResult>(fails);
        }
    }

    [Fact]
    public async Task TheFirstFlowThatCanRunGivesTheSession()
    {
        var skipped = new Flow("idx", cannotRun: "no app link");
        var classic = new Flow("classic");
        var session = await new SignInChain([skipped, classic], new RecordingLog()).SignInAsync(Request, CancellationToken.None);
        Assert.Equal("sid-classic", session.Session!.Id);
        Assert.Equal(0, skipped.Runs);
    }

    [Fact]
    public async Task ABrowserOnlyStepHandsOverToTheNextFlow()
    {
        var idx = new Flow("idx", fails: new KeymanException(ExitCodes.BrowserRequired, "needs FastPass", "use --device"));
        var device = new Flow("device");
        var log = new RecordingLog();
        var session = await new SignInChain([idx, device], log).SignInAsync(Request, CancellationToken.None);
        Assert.Equal("sid-device", session.Session!.Id);
        Assert.Contains(("WARNING", "needs FastPass; continuing with the device"), log.Lines);
    }

    [Fact]
    public async Task AWrongPasswordEndsTheChain()
    {
        var idx = new Flow("idx", fails: new KeymanException(ExitCodes.AuthenticationFailed, "wrong password"));
        var next = new Flow("next");
        var e = await Assert.ThrowsAsync<KeymanException>(() => new SignInChain([idx, next], new RecordingLog()).SignInAsync(Request, CancellationToken.None));
        Assert.Equal(ExitCodes.AuthenticationFailed, e.ExitCode);
        Assert.Equal(0, next.Runs);
    }

    [Fact]
    public async Task WhenNoFlowFinishesTheErrorSaysWhatEachOneSaid()
    {
        var skipped = new Flow("device", cannotRun: "no oidc_client_id");
        var idx = new Flow("idx", fails: new KeymanException(ExitCodes.BrowserRequired, "needs FastPass", "use --device"));
        var e = await Assert.ThrowsAsync<KeymanException>(() => new SignInChain([idx, skipped], new RecordingLog()).SignInAsync(Request, CancellationToken.None));
        Assert.Equal(ExitCodes.BrowserRequired, e.ExitCode);
        Assert.Contains("idx: needs FastPass", e.Message);
        Assert.Contains("device: no oidc_client_id", e.Message);
        Assert.Equal("use --device", e.Hint);
    }

    [Fact]
    public void TheRequestNeverShowsThePassword() => Assert.DoesNotContain("secret-password", Request.ToString());
}
