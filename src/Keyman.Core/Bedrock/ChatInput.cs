namespace Keyman.Core.Bedrock;

/// <summary>
/// Gathers one chat message from input lines: a line ending in a backslash continues on the next line, and a line holding
/// only <c>"""</c> opens a block that runs until the next such line. Enter on any other line sends.
/// </summary>
public static class ChatInput
{
    public const string BlockFence = "\"\"\"";

    /// <param name="readLine">
    /// Reads one line, showing the prompt (true: a continuation line); null at the end of input (Ctrl-D).
    /// </param>
    /// <returns>The message (possibly blank, for the caller to skip), or null when the input ended before one began.</returns>
    public static async Task<string?> ReadMessageAsync(Func<bool, Task<string?>> readLine)
    {
        ArgumentNullException.ThrowIfNull(readLine);
        var line = await readLine(false).ConfigureAwait(false);
        if (line is null)
        {
            return null;
        }

        var lines = new List<string>();
        if (line.Trim() == BlockFence)
        {
            while (await readLine(true).ConfigureAwait(false) is { } inner && inner.Trim() != BlockFence)
            {
                lines.Add(inner);
            }

            return string.Join('\n', lines);
        }

        while (line.EndsWith('\\'))
        {
            lines.Add(line[..^1]);
            if (await readLine(true).ConfigureAwait(false) is not { } next)
            {
                return string.Join('\n', lines);
            }

            line = next;
        }

        lines.Add(line);
        return string.Join('\n', lines);
    }
}
