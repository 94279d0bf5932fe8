using System.Net;
using Keyman.Core;
using Keyman.Core.Okta;
using static Keyman.Tests.Okta.OktaFixtures;

namespace Keyman.Tests.Okta;

/// <summary>No password, passcode, answer, stateToken, sessionToken or sid reaches a log line, an exception or ToString().</summary>
public class OktaSecretsTests
{
    private const string Passcode = "482913";
    private const string Answer = "Michael Jordan";
    private const string StepUpToken = "00Xg1stepUPsecret-token";

    private static readonly string[] Secrets = [Password, Passcode, Answer, StateToken, SessionToken, SessionId, StepUpToken];

    private static void AssertClean(OktaHarness h, params object?[] things)
    {
        var texts = h.Log.Lines.Select(l => l.Message).ToList();
        foreach (var thing in things)
        {
            switch (thing)
            {
                case Exception e:
                    for (var x = e; x is not null; x = x.InnerException)
                    {
                        texts.Add(x.Message);
                        texts.Add((x as KeymanException)?.Hint ?? string.Empty);
                    }

                    break;
                case not null:
                    texts.Add(thing.ToString()!);
                    break;
            }
        }

        Assert.NotEmpty(h.Log.Lines);
        foreach (var text in texts)
        {
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task FullLoginWithEveryKindOfFactor()
    {
        using var h = new OktaHarness(mfa: new MfaOptions { MaxCodeAttempts = 1 }, answers: ["0", Passcode, "1", Answer]);
        h.Log.DebugEnabled = true;
        h.MfaRequired(GoogleTotp, Question);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Error("E0000068", "Invalid Passcode/Answer"), HttpStatusCode.Forbidden);
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", MfaRequired(GoogleTotp, Question));
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("ufsquestion1"), Success());
        h.SessionCreated();

        // First login: one wrong code is all that is allowed -> failure; second login answers the question.
        var failure = await Record(() => h.Authenticator.LoginAsync(Username, Password, CancellationToken.None));
        var session = await h.Authenticator.LoginAsync(Username, Password, CancellationToken.None);

        AssertClean(h, failure, session);
    }

    [Fact]
    public async Task FailuresDoNotLeak()
    {
        using var h = new OktaHarness(mfa: new MfaOptions { MaxCodeAttempts = 1 }, answers: Passcode);
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000004", "Authentication failed"), HttpStatusCode.Unauthorized);
        h.MfaRequired(GoogleTotp);
        h.Handler.OnJson(HttpMethod.Post, VerifyPath("uftgoogle123"), Error("E0000068", "Invalid Passcode/Answer"), HttpStatusCode.Forbidden);
        h.Handler.OnJson(HttpMethod.Post, "/api/v1/authn", Error("E0000011", "Invalid token provided"), HttpStatusCode.Unauthorized);
        h.Handler.Throw(HttpMethod.Post, "/api/v1/authn", () => new HttpRequestException("Connection refused"), sticky: true);

        var wrongPassword = await Record(() => h.Authenticator.LoginAsync(Username, Password, CancellationToken.None));
        var wrongCode = await Record(() => h.Authenticator.LoginAsync(Username, Password, CancellationToken.None));
        var staleStepUp = await Record(() => h.Authenticator.StepUpAsync(StepUpToken, CancellationToken.None));
        var network = await Record(() => h.Authenticator.StepUpAsync(StepUpToken, CancellationToken.None));

        Assert.All([wrongPassword, wrongCode, staleStepUp, network], Assert.NotNull);
        AssertClean(h, wrongPassword, wrongCode, staleStepUp, network);
    }

    [Fact]
    public async Task AppPageWithSessionTokenAndStepUp()
    {
        using var h = new OktaHarness();
        h.Client.SessionId = SessionId;
        h.Handler.OnRedirect("/home/amazon_aws/0oa1/272", "/login/second-factor?fromURI=%2Fapp");
        h.Handler.OnHtml("/login/second-factor", $"<html><body><script>var stateToken = '{StepUpToken}';</script></body></html>");
        h.Handler.OnHtml("/home/amazon_aws/0oa1/404", "nope", HttpStatusCode.NotFound);

        var page = await h.Authenticator.GetAppPageAsync("0oa1/272", SessionToken, CancellationToken.None);
        var missing = await Record(() => h.Authenticator.GetAppPageAsync("0oa1/404", SessionToken, CancellationToken.None));

        Assert.Equal(StepUpToken, page.StepUpStateToken);
        AssertClean(h, page, missing);
    }

    [Fact]
    public void RecordsHideSecrets()
    {
        var text = new OktaSession(SessionId, Username, DateTimeOffset.UnixEpoch, "Jane Doe").ToString()
            + new StepUpResult(SessionToken, null)
            + new AppPage(null, null, StepUpToken, null, new Uri(Base));
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("Jane Doe", text, StringComparison.Ordinal);
    }

    private static async Task<Exception?> Record(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (KeymanException e)
        {
            return e;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Unexpected prompt", StringComparison.Ordinal))
        {
            return e;
        }
    }
}
