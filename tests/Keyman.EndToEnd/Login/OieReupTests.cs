using System.Diagnostics;
using System.Text;
using Keyman.EndToEnd.Delivery;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.EndToEnd.Login;

/// <summary>reup on an Okta Identity Engine org when Okta ends the session between two refreshes.</summary>
public sealed class OieReupTests
{
    private static int Count(string text, string what) => (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;

    [Fact]
    public async Task WhenTheSessionEndsMidReupItSignsInAgainThroughIdxAskingOnlyThePassword()
    {
        // Time runs 60 times faster for the credentials: 900 s last 15 s, so reup refreshes within seconds.
        await using var world = await World.StartAsync(new SandboxOptions { Scenario = ScenarioDocument.LoadBuiltIn("oie"), TimeScale = 60 });
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1oieDevAbCdEfG/272");
        var start = KeymanProcess.StartInfo(KeymanProcess.Binary, ["-r", "--duration", "900"], world.Env);
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        var pump = Task.Run(async () =>
        {
            // Read as it comes, not by lines: the password prompt ends without one.
            var buffer = new char[1024];
            int read;
            while ((read = await process.StandardError.ReadAsync(buffer)) > 0)
            {
                lock (stderr)
                {
                    stderr.Append(buffer, 0, read);
                }
            }
        });
        string Text()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        var clock = Stopwatch.StartNew();
        async Task WaitForAsync(string what, int count)
        {
            while (Count(Text(), what) < count)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited, $"no {count} × \"{what}\" in time:\n" + Text());
                await Task.Delay(100);
            }
        }

        try
        {
            await WaitForAsync(Answer.PasswordPromptText, 1);
            await process.StandardInput.WriteLineAsync(World.Password);
            await process.StandardInput.FlushAsync();
            await WaitForAsync("Wrote profile", 1);

            // Okta ends the session: the next refresh signs in again through IDX, from the same app's link.
            var expiredSeq = await world.LastSeqAsync();
            await world.PostControlAsync("sessions/expire");
            await WaitForAsync(Answer.PasswordPromptText, 2);
            await process.StandardInput.WriteLineAsync(World.Password);
            await process.StandardInput.FlushAsync();
            await WaitForAsync("Wrote profile", 2);

            var paths = (await world.RequestsAsync("okta", expiredSeq)).Select(e => e.GetProperty("path").GetString()).ToList();
            Assert.Contains("/idp/idx/introspect", paths);
            Assert.Contains("/idp/idx/identify", paths);
            Assert.DoesNotContain("/api/v1/authn", paths);
        }
        finally
        {
            ExecEnvConsoleTests.Signal(process.Id, "INT");
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await pump.WaitAsync(TimeSpan.FromSeconds(5));
        }

        var text = Text();
        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("The Okta session has ended; logging in again", text);
        Assert.DoesNotContain("Select", text);
        Assert.Equal(2, Count(text, Answer.PasswordPromptText));
    }
}
