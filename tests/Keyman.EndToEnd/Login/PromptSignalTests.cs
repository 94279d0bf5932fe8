using System.Diagnostics;
using System.Text;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// Ctrl-C, SIGTERM and SIGHUP while Keyman waits at a prompt: the read blocks where no cancellation token reaches, so
/// the signal handlers must end the process at once, with the terminal's echo back on.
/// </summary>
public sealed class PromptSignalTests
{
    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    public async Task ASignalAtThePasswordPromptEndsKeymanAtOnce(string signal, int expected)
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");

        var start = new ProcessStartInfo(KeymanProcess.Binary)
        {
            RedirectStandardInput = true,   // a pipe kept open: the prompt waits
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in world.Env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        var pump = Task.Run(async () =>
        {
            // Character by character: the prompt has no newline after it.
            var buffer = new char[256];
            int read;
            while ((read = await process.StandardError.ReadAsync(buffer)) > 0)
            {
                lock (stderr)
                {
                    stderr.Append(buffer, 0, read);
                }
            }
        });
        var stdout = process.StandardOutput.ReadToEndAsync();

        var waited = Stopwatch.StartNew();
        while (!Seen(stderr, Answer.PasswordPromptText) && waited.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
        {
            await Task.Delay(50);
        }

        await Task.Delay(200);   // from the prompt's text into the read
        Assert.False(process.HasExited, stderr.ToString());
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
        {
            await kill.WaitForExitAsync();
        }

        var stopped = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail($"keyman still waited at the prompt 5 s after SIG{signal}:\n{stderr}");
        }

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(2), $"took {stopped.Elapsed}");
        Assert.Equal(expected, process.ExitCode);
        await pump;
        Assert.Contains("Cancelled.", stderr.ToString());
        Assert.Equal(string.Empty, await stdout);
    }

    [Fact]
    public async Task SigtermAtTheTerminalPromptOfCredentialProcessRestoresTheEcho()
    {
        await using var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        var errors = Path.Combine(world.Home, "err.log");

        // In a script(1) terminal: credential-process prompts on /dev/tty with echo off; once the terminal shows -echo,
        // stop it as the AWS CLI's end would, then report its exit code and the terminal's echo setting.
        var script = $$"""
            '{{KeymanProcess.Binary}}' credential-process --profile sig </dev/null >/dev/null 2>'{{errors}}' &
            pid=$!
            i=0
            while ! stty -a </dev/tty | grep -q -- ' -echo '; do i=$((i+1)); [ $i -gt 300 ] && break; sleep 0.1; done
            kill -TERM $pid
            wait $pid
            echo "rc=$?"
            if stty -a </dev/tty | grep -q -- ' -echo '; then echo ECHO=off; else echo ECHO=on; fi
            read done
            """;
        var file = Path.Combine(world.Home, "sig.sh");
        await File.WriteAllTextAsync(file, script);
        // script(1) ends the terminal's input when its own stdin ends, so the one answer keeps it open until the report is out.
        var run = await KeymanProcess.RunFileAsync("script", ["-qec", $"sh '{file}'", "/dev/null"], world.Env, TimeSpan.FromSeconds(60),
            Answer.With("ECHO=o[nf]+", "done"));
        var log = File.Exists(errors) ? await File.ReadAllTextAsync(errors) : string.Empty;
        Assert.True(run.StdOut.Contains("rc=143", StringComparison.Ordinal), run + "\n" + log);
        Assert.Contains("ECHO=on", run.StdOut);
        Assert.Contains(Answer.PasswordPromptText, run.StdOut);
        Assert.Contains("Cancelled.", log);
    }

    private static bool Seen(StringBuilder text, string what)
    {
        lock (text)
        {
            return text.ToString().Contains(what, StringComparison.Ordinal);
        }
    }
}
