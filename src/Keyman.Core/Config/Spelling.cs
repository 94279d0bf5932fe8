namespace Keyman.Core.Config;

/// <summary>"Did you mean": the known word closest to a mistyped one (Levenshtein distance, case-insensitive).</summary>
public static class Spelling
{
    /// <summary>The candidate nearest <paramref name="word"/> when at most <paramref name="maxDistance"/> edits away, else null.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates, int maxDistance)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        var best = candidates.Select(c => (Word: c, Distance: Distance(c, word))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Word is not null && best.Distance <= maxDistance ? best.Word : null;
    }

    /// <summary>The number of single-character insertions, deletions and substitutions from one word to the other, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            }
        }

        return d[a.Length, b.Length];
    }
}
