using System.Text.RegularExpressions;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>
/// <c>keyman bedrock models</c> as a user meets it: in a terminal (script(1) gives one) the ID to use is whole on one
/// line however narrow the window; into a pipe, tab-separated lines with no colour and no box drawing.
/// </summary>
public sealed partial class ModelsLayoutTests
{
    private const string Sonnet45 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    private const string Haiku3 = "anthropic.claude-3-haiku-20240307-v1:0";

    [Theory]
    [InlineData("40")]
    [InlineData("80")]
    [InlineData("200")]
    public async Task InATerminalEveryIdToUseIsWholeOnItsLine(string columns)
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env["COLUMNS"] = columns;
        world.Env.Remove("NO_COLOR");

        var run = await KeymanProcess.RunFileAsync("script", ["-qec", $"'{KeymanProcess.Binary}' bedrock models", "/dev/null"], world.Env, TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString());
        var screen = run.StdOut.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var header = Array.FindIndex(screen, l => l.Contains("Model ID to use", StringComparison.Ordinal));
        Assert.True(header >= 0, run.StdOut);
        var lines = screen[header..].TakeWhile(l => l.Length > 0).ToList();
        foreach (var id in new[] { Sonnet45, Haiku3 })
        {
            Assert.Contains(lines, l => Regex.IsMatch(l, $"^{Regex.Escape(id)}( |$)"));
        }

        Assert.DoesNotContain('\t', run.StdOut);
        Assert.DoesNotMatch(BoxDrawing(), run.StdOut);
        // Only an ID longer than the window may pass its edge; every other line fits.
        var width = int.Parse(columns, System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(lines, l => Assert.True(Visible(l).Length <= width || Visible(l).Split(' ')[0].Length > width, l));
    }

    [Fact]
    public async Task IntoAPipeItIsTabSeparatedWithoutColour()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env.Remove("NO_COLOR");

        var run = await BedrockWorld.ShellAsync(world, $"'{KeymanProcess.Binary}' bedrock models | cut -f1");

        Assert.True(run.ExitCode == 0, run.ToString());
        var ids = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Model ID to use", ids[0]);
        Assert.Contains(Sonnet45, ids);
        Assert.Contains(Haiku3, ids);
        // Sonnet 4.5 needs an inference profile: its base ID is not offered to be copied.
        Assert.DoesNotContain(Sonnet45["us.".Length..], ids);
        Assert.DoesNotContain('\u001b', run.StdOut);
        Assert.DoesNotMatch(BoxDrawing(), run.StdOut);

        var ask = await world.RunAsync("bedrock", "ask", "--model-id", Sonnet45, "--max-tokens", "50", "What is the capital of Georgia?");
        Assert.True(ask.ExitCode == 0, ask.ToString());
    }

    private static string Visible(string line) => Regex.Replace(line, "\u001b\\[[0-9;]*m", "");

    [GeneratedRegex("[\u2500-\u257f]")]
    private static partial Regex BoxDrawing();
}
