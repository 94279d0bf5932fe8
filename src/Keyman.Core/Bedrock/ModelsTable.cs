using System.Text;
using Keyman.Core.Ui;

namespace Keyman.Core.Bedrock;

/// <summary>
/// What <c>keyman bedrock models</c> shows: one row a model with the ID to pass to <c>ask</c>, <c>--model-id</c> or
/// Claude Code (the model's own ID when it can be invoked on demand, else its inference profile's), its name and status.
/// IDs are copied by hand, so they are never wrapped nor cut: on a narrow terminal the other columns shrink or go.
/// </summary>
public sealed class ModelsTable
{
    public const string IdHeader = "Model ID to use";

    private const string Gap = "  ";

    // A column narrower than this says nothing useful: it is dropped instead of cut further.
    private const int MinWidth = 8;

    private static readonly string[] Headers = [IdHeader, "Name", "Status"];

    private ModelsTable(string region, IReadOnlyList<string[]> rows)
    {
        Region = region;
        Rows = rows;
    }

    public string Region { get; }

    /// <summary>The cells of each model, in the order of the headers; a model with no usable ID has "-" as its ID.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    public string Title => $"Foundation models in {Region}";

    /// <summary>
    /// The rows of <paramref name="catalog"/>. Text from the server keeps to its cell (tabs and line ends become
    /// spaces) and, for a <paramref name="terminal"/>, has its control characters shown instead of obeyed.
    /// </summary>
    public static ModelsTable From(BedrockCatalog catalog, bool terminal)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        string Clean(string text)
        {
            var oneLine = text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
            return terminal ? TerminalText.Defuse(oneLine) : oneLine;
        }

        var rows = catalog.Models
            .Select(m => new[]
            {
                m.InvokeId is { } id ? Clean(id) : "-",
                Clean(m.Model.ModelName ?? string.Empty),
                m.InvokeId is null
                    ? $"needs an inference profile; none in {catalog.Region} serves {Clean(m.Model.ModelId)}"
                    : Clean(m.Model.ModelLifecycle?.Status ?? string.Empty),
            })
            .ToList();
        return new ModelsTable(catalog.Region, rows);
    }

    /// <summary>
    /// Aligned columns for a terminal <paramref name="width"/> characters wide: the ID column at its full width always
    /// (even past the edge), then the name and the status, each cut with "…" or dropped when the rest does not fit.
    /// The first line is the header.
    /// </summary>
    public IReadOnlyList<string> Fit(int width)
    {
        var natural = Enumerable.Range(0, Headers.Length)
            .Select(c => Rows.Select(r => r[c].Length).Append(Headers[c].Length).Max())
            .ToArray();
        var widths = new int[Headers.Length];
        widths[0] = natural[0];
        var used = natural[0];

        // First every other column that fits at its smallest useful width, in order; then the room left widens them.
        for (var c = 1; c < Headers.Length; c++)
        {
            var least = Math.Min(natural[c], MinWidth);
            if (used + Gap.Length + least <= width)
            {
                widths[c] = least;
                used += Gap.Length + least;
            }
        }

        for (var c = 1; c < Headers.Length; c++)
        {
            if (widths[c] > 0)
            {
                var more = Math.Min(natural[c] - widths[c], width - used);
                widths[c] += more;
                used += more;
            }
        }

        return [Line(Headers, widths), .. Rows.Select(r => Line(r, widths))];
    }

    /// <summary>For a file or a pipe: the header, then one tab-separated line a model, nothing cut.</summary>
    public IReadOnlyList<string> TabSeparated() => [string.Join('\t', Headers), .. Rows.Select(r => string.Join('\t', r))];

    private static string Line(IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var c = 0; c < cells.Count; c++)
        {
            if (widths[c] == 0)
            {
                continue;
            }

            if (line.Length > 0)
            {
                line.Append(Gap);
            }

            var cell = cells[c];
            line.Append(cell.Length <= widths[c] ? cell.PadRight(widths[c]) : string.Concat(cell.AsSpan(0, widths[c] - 1), "…"));
        }

        return line.ToString().TrimEnd();
    }
}
