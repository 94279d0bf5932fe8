using System.Text;

namespace Keyman.Core.Delivery;

/// <summary>
/// Splits a <c>-C "…"</c> command into a program and its arguments the way a POSIX shell splits words (spaces,
/// 'single quotes', "double quotes", backslash escapes), without running a shell: no variables, globs, pipes or
/// redirections. Whoever needs those writes them through a shell explicitly, e.g. <c>-C "sh -c 'aws s3 ls | head'"</c>.
/// </summary>
public static class CommandLine
{
    public static IReadOnlyList<string> Split(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    inWord = true;
                    var close = command.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw Unbalanced(command, "'");
                    }

                    word.Append(command, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    for (i++; ; i++)
                    {
                        if (i >= command.Length)
                        {
                            throw Unbalanced(command, "\"");
                        }

                        if (command[i] == '"')
                        {
                            break;
                        }

                        // Inside double quotes a backslash escapes only $ ` " \ and a newline, as in sh.
                        if (command[i] == '\\' && i + 1 < command.Length && command[i + 1] is '$' or '`' or '"' or '\\' or '\n')
                        {
                            i++;
                        }

                        word.Append(command[i]);
                    }

                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 < command.Length)
                    {
                        i++;
                        word.Append(command[i]);
                    }

                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count == 0)
        {
            throw new KeymanException(ExitCodes.Usage, "The command to run is empty", "Give the command after -C, e.g. -C \"aws sts get-caller-identity\".");
        }

        return words;
    }

    private static KeymanException Unbalanced(string command, string quote) =>
        new(ExitCodes.Usage, $"The command has an unclosed {quote}: {command}", "Close the quote; Keyman splits the command like a shell does, without running one.");
}
