using System.Globalization;
using System.Text;
using Keyman.Core;
using Keyman.Core.Ui;

namespace Keyman.Cli.Console;

/// <summary>
/// Prompts on stderr and answers from the terminal (secrets without echo) or, when stdin is redirected, one line of
/// stdin per answer, so scripts and tests can drive Keyman. Prompts, menus and the live wait line are what the user must
/// act on: -q/--quiet, which quiets <see cref="ConsoleLog"/>, never hides them.
/// </summary>
internal sealed class ConsoleInteraction(TextReader input, TextWriter prompts, bool inputIsTerminal) : IInteraction
{
    public static ConsoleInteraction ForConsole(CliHost host) =>
        new(host.In, host.Error, host.InputIsTerminal) { WaitLine = host.ErrorIsTerminal ? host.Error : null, Time = host.Time };

    /// <summary>Where a wait shows live (stderr when it is a terminal); null: waits show nothing, the log lines say enough.</summary>
    public TextWriter? WaitLine { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IDisposable Wait(string what) => WaitLine is { } line ? TerminalWait.Start(line, Time, what) : WaitIndicator.None;

    public bool CanPrompt { get; init; } = true;

    // A prompt blocks in a read that no cancellation token reaches; the signal handlers in KeymanCli use these to end
    // the process at once instead, and to give the terminal its echo back first.
    private static int s_reading;
    private static volatile bool s_ttyEchoOff;
    private static volatile TextWriter? s_promptWriter;

    /// <summary>True while a prompt waits for an answer.</summary>
    public static bool PromptActive => Volatile.Read(ref s_reading) > 0;

    /// <summary>
    /// Called from a signal handler while a prompt waits: turns the terminal's echo back on (if /dev/tty reading turned
    /// it off) and ends the prompt's line where the user sees it. The console's own settings are restored by .NET at exit.
    /// </summary>
    public static void AbandonPrompt()
    {
        if (s_ttyEchoOff)
        {
            Stty("echo");
            s_ttyEchoOff = false;
        }

        if (s_promptWriter is { } writer && !ReferenceEquals(writer, System.Console.Error))
        {
            try
            {
                writer.WriteLine();
                writer.WriteLine("Cancelled.");
                writer.Flush();
            }
            catch (IOException)
            {
                // The terminal is gone (SIGHUP); nothing to tell.
            }
        }
    }

    /// <summary>Shows the prompt and reads a secret without echo; the default reads keys from the console.</summary>
    public Func<string, string?>? HiddenReader { get; init; }

    /// <summary>The terminal (/dev/tty) this interaction prompts on when it is not the console's own stderr.</summary>
    public TextWriter? Terminal { get; init; }

    /// <summary>
    /// For credential-process, whose stdin and stdout belong to the calling SDK: prompts and answers on the terminal
    /// (/dev/tty). Without a terminal nobody can answer, so <see cref="CanPrompt"/> is false.
    /// </summary>
    public static ConsoleInteraction ForTerminalDevice(TextWriter standardError)
    {
        if (OperatingSystem.IsWindows())
        {
            return new ConsoleInteraction(TextReader.Null, standardError, false) { CanPrompt = false };
        }

        try
        {
            var tty = new FileStream("/dev/tty", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 1);
            var reader = new StreamReader(tty, new UTF8Encoding(false), false, 1, leaveOpen: true);
            var writer = new StreamWriter(tty, new UTF8Encoding(false), 256, leaveOpen: true) { AutoFlush = true };
            return new ConsoleInteraction(reader, writer, inputIsTerminal: true) 
            {
                HiddenReader = prompt => ReadWithoutEcho(prompt, reader, writer),
                Terminal = writer,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ConsoleInteraction(TextReader.Null, standardError, false) { CanPrompt = false };
        }
    }

    private static string? ReadWithoutEcho(string prompt, TextReader reader, TextWriter writer)
    {
        // Echo goes off before the prompt shows, so that nothing typed after seeing it is echoed. The flag is set
        // first so that a signal arriving in between still restores the echo.
        s_ttyEchoOff = true;
        Stty("-echo");
        try
        {
            writer.Write(prompt);
            writer.Flush();
            return reader.ReadLine();
        }
        finally
        {
            Stty("echo");
            s_ttyEchoOff = false;
            writer.WriteLine();
        }
    }

    private static void Stty(string mode)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false, ArgumentList = { "-c", $"stty {mode} < /dev/tty" } };
            using var process = System.Diagnostics.Process.Start(start);
            process?.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No stty: the answer is echoed, which is better than no prompt at all.
        }
    }

    public Task<string> AskAsync(string prompt, bool secret, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!CanPrompt)
        {
            throw new KeymanException(ExitCodes.Usage, $"Keyman needs an answer to '{prompt.Trim()}' but cannot prompt (no terminal)",
                "Run keyman once in a terminal (with -P to keep the password in the keychain), then retry.");
        }

        // A prompt may quote a server (a factor's name); what it says is shown, never obeyed by the terminal.
        prompt = TerminalText.Defuse(prompt);
        var shown = prompt.EndsWith(' ') ? prompt : prompt + " ";
        string? answer;
        s_promptWriter = prompts;
        Interlocked.Increment(ref s_reading);
        try
        {
            if (secret && inputIsTerminal && HiddenReader is { } hidden)
            {
                answer = hidden(shown);
            }
            else
            {
                prompts.Write(shown);
                prompts.Flush();
                answer = secret && inputIsTerminal ? ReadHidden() : input.ReadLine();
            }
        }
        finally
        {
            Interlocked.Decrement(ref s_reading);
        }

        if (answer is null)
        {
            prompts.WriteLine();
            throw new KeymanException(
                ExitCodes.Usage,
                $"No answer to the prompt '{prompt.Trim()}': standard input ended",
                "Run keyman in a terminal, or pipe one answer per line into it.");
        }

        if (!inputIsTerminal && !secret)
        {
            // Echo what a script typed so that the transcript reads like a terminal session.
            prompts.WriteLine(answer);
        }
        else if (!inputIsTerminal)
        {
            prompts.WriteLine();
        }

        return Task.FromResult(answer.Trim('\r'));
    }

    public async Task<int> ChooseAsync(string title, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        if (!CanPrompt)
        {
            // Nobody can pipe an answer here (credential-process): the choice has to be made up front.
            throw new KeymanException(ExitCodes.Usage, $"Keyman must ask '{title}' ({rows.Count} choices) but cannot prompt (no terminal)",
                "Narrow the choice so that one remains (--role / --account, or appid and role in the Keyman config; "
                + "add them to the credential_process line), or run keyman once in a terminal.");
        }

        // Role names and account names come from the SAML assertion and AWS's page: shown, never obeyed.
        title = TerminalText.Defuse(title);
        header = header.Select(TerminalText.Defuse).ToList();
        rows = rows.Select(r => (IReadOnlyList<string>)r.Select(TerminalText.Defuse).ToList()).ToList();
        prompts.WriteLine(title);
        var widths = new int[header.Count];
        for (var c = 0; c < header.Count; c++)
        {
            widths[c] = Math.Max(header[c].Length, rows.Count == 0 ? 0 : rows.Max(r => c < r.Count ? r[c].Length : 0));
        }

        var indexWidth = $"[{rows.Count - 1}]".Length;
        prompts.WriteLine(new string(' ', indexWidth + 1) + Row(header, widths));
        for (var i = 0; i < rows.Count; i++)
        {
            prompts.WriteLine($"[{i}]".PadRight(indexWidth + 1) + Row(rows[i], widths));
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var answer = (await AskAsync("Selection:", secret: false, cancellationToken)).Trim();
            if (int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < rows.Count)
            {
                return index;
            }

            // A name as shown in the menu (a role, an account), whole and in any case, picks its line when only one has it.
            var named = answer.Length == 0 ? [] : Enumerable.Range(0, rows.Count)
                .Where(i => rows[i].Any(cell => string.Equals(cell.Trim(), answer, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            if (named.Count == 1)
            {
                return named[0];
            }

            prompts.WriteLine(named.Count > 1
                ? $"'{TerminalText.Defuse(answer)}' is on {named.Count} lines; enter the number of the one you mean."
                : $"'{TerminalText.Defuse(answer)}' is not one of the listed numbers or names; enter a number from 0 to {rows.Count - 1}, or a name as shown.");
        }

        throw new KeymanException(ExitCodes.Usage, "No valid selection after 5 tries", "Enter one of the numbers shown in brackets, or narrow the choice with --account / --role.");
    }

    private static string Row(IReadOnlyList<string> cells, int[] widths)
    {
        var builder = new StringBuilder();
        for (var c = 0; c < widths.Length; c++)
        {
            var cell = c < cells.Count ? cells[c] : string.Empty;
            builder.Append(c == widths.Length - 1 ? cell : cell.PadRight(widths[c] + 2));
        }

        return builder.ToString().TrimEnd();
    }

    private string ReadHidden()
    {
        var builder = new StringBuilder();
        while (true)
        {
            var key = System.Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    prompts.WriteLine();
                    return builder.ToString();
                case ConsoleKey.Backspace:
                    if (builder.Length > 0)
                    {
                        builder.Length--;
                    }

                    break;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        builder.Append(key.KeyChar);
                    }

                    break;
            }
        }
    }
}
