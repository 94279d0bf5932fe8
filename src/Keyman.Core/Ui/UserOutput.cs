namespace Keyman.Core.Ui;

/// <summary>
/// Standard output: only what the user asked for (an answer, JSON, exports, keys, a URL). Commands write here and
/// never to the console, so a test reads exactly what a user would see. Text another party wrote goes through
/// <see cref="WriteText"/>, which defuses terminal control sequences when this is a terminal.
/// </summary>
public sealed class UserOutput(TextWriter writer, bool isTerminal = false)
{
    /// <summary>Drops everything: for code paths that print nothing.</summary>
    public static UserOutput Discard { get; } = new(TextWriter.Null);

    /// <summary>The writer itself, for renderers that take one (a table) and for raw output to a file or pipe.</summary>
    public TextWriter Writer => writer;

    /// <summary>True when a person's terminal shows this output (not a file or a pipe).</summary>
    public bool IsTerminal => isTerminal;

    /// <summary>Writes Keyman's own text and flushes, so that a reader of a pipe sees it at once.</summary>
    public void Write(string text)
    {
        writer.Write(text);
        writer.Flush();
    }

    public void WriteLine(string text = "")
    {
        writer.WriteLine(text);
        writer.Flush();
    }

    /// <summary>
    /// Writes text a server sent (a model's answer): on a terminal its control characters are shown, not obeyed, so
    /// it can neither repaint the screen nor set the clipboard; a file or pipe gets it as sent.
    /// </summary>
    public void WriteText(string text) => Write(isTerminal ? TerminalText.Defuse(text) : text);

    /// <summary><see cref="WriteText"/>, then a line end.</summary>
    public void WriteTextLine(string text)
    {
        WriteText(text);
        WriteLine();
    }
}
