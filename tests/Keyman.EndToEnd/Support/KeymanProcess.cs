using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Keyman.EndToEnd.Support;

/// <summary>What one run of the binary did.</summary>
public sealed record RunResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>
/// One expected prompt on stderr and how to answer it. The reply is computed when the prompt shows, from everything
/// on stderr so far (e.g. to pick a menu line, or to read the code the sandbox just sent).
/// </summary>
public sealed record Answer(string PromptPattern, Func<string, string> Reply)
{
    /// <summary>The Okta password prompt ("Okta password for jane@acme.okta.com: "), as a pattern to answer.</summary>
    public const string PasswordPrompt = "Okta password for \\S+( at \\S+)?: $";

    /// <summary>The start of the Okta password prompt, to count or rule out in a run's stderr.</summary>
    public const string PasswordPromptText = "Okta password for ";

    public static Answer With(string promptPattern, string reply) => new(promptPattern, _ => reply);

    public static Answer Computed(string promptPattern, Func<string> reply) => new(promptPattern, _ => reply());

    /// <summary>Answers a menu with the number of the line that contains <paramref name="label"/>.</summary>
    public static Answer Pick(string promptPattern, string label) => new(promptPattern, screen =>
    {
        var line = screen.Split('\n').Last(l => l.Contains(label, StringComparison.Ordinal) && l.StartsWith('['));
        return line[1..line.IndexOf(']', StringComparison.Ordinal)];
    });
}

/// <summary>
/// Runs a published binary the way a user would: arguments, an environment, and answers typed at its prompts in order
/// (like expect), keeping stdout and stderr apart for the assertions.
/// </summary>
public static class KeymanProcess
{
    /// <summary>The checkout the tests run from (the folder holding Keyman.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Keyman.slnx")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("Keyman.slnx not found above the test binaries");
        }
    }

    public static string Binary
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("KEYMAN_BIN");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return fromEnv;
            }

            var candidate = Path.Combine(RepositoryRoot, "artifacts", "publish", "keyman");
            return File.Exists(candidate)
                ? candidate
                : throw new InvalidOperationException("Publish Keyman first (bash scripts/publish.sh) or set KEYMAN_BIN.");
        }
    }

    /// <summary>
    /// Starts the binary and leaves it running (reup, serve): stdin and stdout are the caller's to use; stderr is
    /// collected in the background and read with the returned function.
    /// </summary>
    public static (Process Process, Func<string> StdErr) Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> env)
    {
        var process = Process.Start(StartInfo(Binary, args, env, null))!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        return (process, () => Snapshot(stderr));
    }

    public static Task<RunResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> env, params Answer[] answers) =>
        RunFileAsync(Binary, args, env, TimeSpan.FromSeconds(60), answers);

    /// <summary>Runs the binary with <paramref name="workingDirectory"/> as its current directory.</summary>
    public static Task<RunResult> RunInDirectoryAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, params Answer[] answers) =>
        RunCoreAsync(Binary, args, env, TimeSpan.FromSeconds(60), workingDirectory, answers);

    public static Task<RunResult> RunFileAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, TimeSpan timeout, params Answer[] answers) =>
        RunCoreAsync(file, args, env, timeout, null, answers);

    /// <summary>How a test starts the binary: redirected streams, no colour, and only the test's AWS settings.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Start from a clean slate: nothing of the developer's own AWS or Okta setup may leak into a test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static async Task<RunResult> RunCoreAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, TimeSpan timeout, string? workingDirectory, Answer[] answers)
    {
        var start = StartInfo(file, args, env, workingDirectory);
        using var process = Process.Start(start)!;
        // Prompts are matched against what a user would see: both streams, interleaved as they arrive.
        var screen = new StringBuilder();
        var stdoutText = new StringBuilder();
        var stderr = new StringBuilder();
        var stdoutDone = PumpAsync(process.StandardOutput, stdoutText, screen);
        var stderrDone = PumpAsync(process.StandardError, stderr, screen);
        var stdout = stdoutDone.ContinueWith(_ => Snapshot(stdoutText), TaskScheduler.Default);
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            var consumed = 0;
            foreach (var answer in answers)
            {
                var pattern = new Regex(answer.PromptPattern);
                while (true)
                {
                    timer.Token.ThrowIfCancellationRequested();
                    var text = Snapshot(screen);

                    var match = pattern.Match(text, consumed);
                    if (match.Success)
                    {
                        consumed = match.Index + match.Length;
                        await process.StandardInput.WriteLineAsync(answer.Reply(text));
                        await process.StandardInput.FlushAsync();
                        break;
                    }

                    if (process.HasExited)
                    {
                        await stderrDone;
                        throw new Xunit.Sdk.XunitException($"Keyman exited before the prompt /{answer.PromptPattern}/.\n{new RunResult(process.ExitCode, await stdout, Snapshot(stderr))}");
                    }

                    await Task.Delay(20, timer.Token);
                }
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(timer.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"Keyman did not finish within {timeout.TotalSeconds} s.\n--- stderr so far\n{Snapshot(stderr)}");
        }

        await stderrDone;
        return new RunResult(process.ExitCode, await stdout, Snapshot(stderr));
    }

    private static string Snapshot(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into, StringBuilder screen)
    {
        var buffer = new char[1024];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }

            lock (screen)
            {
                screen.Append(buffer, 0, read);
            }
        }
    }
}
