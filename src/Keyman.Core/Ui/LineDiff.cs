using System.Text;

namespace Keyman.Core.Ui;

/// <summary>A unified diff of two small texts, line by line (longest common subsequence), with a few lines of context.</summary>
public static class LineDiff
{
    private const int MaxLines = 20_000;

    public static string Unified(string? before, string after, string fromName, string toName, int context = 2)
    {
        ArgumentNullException.ThrowIfNull(after);
        var a = Lines(before ?? "");
        var b = Lines(after);
        if (a.Length > MaxLines || b.Length > MaxLines)
        {
            return $"--- {fromName}\n+++ {toName}\n(too long to compare line by line: {a.Length} -> {b.Length} lines)\n";
        }

        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var script = new List<(char Op, string Line)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                script.Add((' ', a[x++]));
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                script.Add(('-', a[x++]));
            }
            else
            {
                script.Add(('+', b[y++]));
            }
        }

        var output = new StringBuilder().Append("--- ").Append(fromName).Append('\n').Append("+++ ").Append(toName).Append('\n');
        var changed = script.Select((s, i) => (s, i)).Where(t => t.s.Op != ' ').Select(t => t.i).ToList();
        if (changed.Count == 0)
        {
            return "";
        }

        var shown = new bool[script.Count];
        foreach (var i in changed)
        {
            for (var k = Math.Max(0, i - context); k <= Math.Min(script.Count - 1, i + context); k++)
            {
                shown[k] = true;
            }
        }

        // Each run of shown lines is one hunk, headed by where it is in both texts (as diff -u and git show it).
        int fromLine = 0, toLine = 0;
        for (var i = 0; i < script.Count;)
        {
            if (!shown[i])
            {
                Advance(script[i++].Op);
                continue;
            }

            var end = i;
            while (end < script.Count && shown[end])
            {
                end++;
            }

            var hunk = script.GetRange(i, end - i);
            var fromCount = hunk.Count(s => s.Op != '+');
            var toCount = hunk.Count(s => s.Op != '-');
            output.Append("@@ -").Append(Range(fromLine, fromCount)).Append(" +").Append(Range(toLine, toCount)).Append(" @@\n");
            foreach (var (op, line) in hunk)
            {
                output.Append(op).Append(line).Append('\n');
                Advance(op);
            }

            i = end;
        }

        return output.ToString();

        void Advance(char op)
        {
            fromLine += op == '+' ? 0 : 1;
            toLine += op == '-' ? 0 : 1;
        }
    }

    /// <summary>A hunk's range: its first line (1-based; the line before it when empty) and count.</summary>
    private static string Range(int before, int count) => $"{(count == 0 ? before : before + 1)},{count}";

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
