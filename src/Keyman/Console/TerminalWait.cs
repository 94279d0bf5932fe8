using System.Globalization;

namespace Keyman.Cli.Console;

/// <summary>
/// The live wait line on a terminal's stderr: "Waiting for Duo Push… 12 s (Ctrl-C to cancel)", redrawn in place with
/// \r every second and erased when the wait ends. One at a time; <see cref="ConsoleLog"/> lifts it off the screen for a
/// log line and puts it back after, so the two never share a line.
/// </summary>
internal sealed class TerminalWait : IDisposable
{
    private const string EraseLine = "\r\u001b[K";

    private static readonly Lock Gate = new();
    private static TerminalWait? s_active;

    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly string _what;
    private readonly long _started;
    private readonly ITimer _timer;

    private TerminalWait(TextWriter writer, TimeProvider time, string what)
    {
        _writer = writer;
        _time = time;
        _what = what;
        _started = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Draw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public static IDisposable Start(TextWriter writer, TimeProvider time, string what)
    {
        var wait = new TerminalWait(writer, time, Core.Ui.TerminalText.Defuse(what));
        lock (Gate)
        {
            s_active?.EraseLocked();
            s_active = wait;
        }

        wait.Draw();
        return wait;
    }

    /// <summary>Before a log line goes to <paramref name="writer"/>: erases the wait line there, if one is shown.</summary>
    public static void Lift(TextWriter writer)
    {
        lock (Gate)
        {
            if (s_active is { } wait && ReferenceEquals(wait._writer, writer))
            {
                wait.Write(EraseLine);
            }
        }
    }

    /// <summary>After the log line: draws the wait line again.</summary>
    public static void Restore(TextWriter writer)
    {
        if (s_active is { } wait && ReferenceEquals(wait._writer, writer))
        {
            wait.Draw();
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (Gate)
        {
            if (ReferenceEquals(s_active, this))
            {
                EraseLocked();
                s_active = null;
            }
        }
    }

    private void Draw()
    {
        var seconds = (long)_time.GetElapsedTime(_started).TotalSeconds;
        lock (Gate)
        {
            if (ReferenceEquals(s_active, this))
            {
                Write(string.Create(CultureInfo.InvariantCulture, $"{EraseLine}{_what}… {seconds} s (Ctrl-C to cancel)"));
            }
        }
    }

    private void EraseLocked() => Write(EraseLine);

    private void Write(string text)
    {
        try
        {
            _writer.Write(text);
            _writer.Flush();
        }
        catch (IOException)
        {
            // The terminal went away; the wait goes on without its line.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
