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

        for (var i = 0; i < script.Count; i++)
        {
            if (!shown[i])
            {
                if (i > 0 && shown[i - 1])
                {
                    output.Append("@@\n");
                }

                continue;
            }

            output.Append(script[i].Op).Append(script[i].Line).Append('\n');
        }

        return output.ToString();
    }

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
