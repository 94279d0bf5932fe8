using System.Text;

namespace Keyman.Core.Ui;

/// <summary>
/// Makes text from another party safe to show on a terminal: every control character but line feed and tab (ESC,
/// and so CSI and OSC sequences such as OSC 52's clipboard write; BEL, backspace, carriage return, DEL, and the C1
/// controls, which some terminals obey as CSI or OSC too) is replaced by a visible stand-in.
/// </summary>
public static class TerminalText
{
    public static string Defuse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.AsSpan().IndexOfAnyInRange('\u0000', '\u001f');
        if (first < 0 && text.AsSpan().IndexOfAnyInRange('\u007f', '\u009f') < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n' or '\t':
                    builder.Append(c);
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    // A Windows line end is a line end, not a return to the line's start.
                    break;
                case < '\u0020':
                    builder.Append((char)(0x2400 + c)); // Unicode's control pictures: ESC shows as ␛
                    break;
                case '\u007f':
                    builder.Append('\u2421');
                    break;
                case >= '\u0080' and <= '\u009f':
                    builder.Append('\ufffd');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }
}
