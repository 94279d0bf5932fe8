using Keyman.Core.Ui;

namespace Keyman.Tests.Ui;

/// <summary>The diffs setup and setup claude-code show: hunks headed by where they are, and nothing after the last change's context.</summary>
public sealed class LineDiffTests
{
    private static readonly string Ten = string.Join("\n", Enumerable.Range(1, 10)) + "\n";

    [Fact]
    public void AChangeNearTheTopEndsWithItsContextAndNoEmptyHunkHeader()
    {
        var diff = LineDiff.Unified(Ten, Ten.Replace("2\n", "two\n", StringComparison.Ordinal), "a", "b");

        Assert.Equal("--- a\n+++ b\n@@ -1,4 +1,4 @@\n 1\n-2\n+two\n 3\n 4\n", diff);
    }

    [Fact]
    public void TwoChangesFarApartAreTwoHunksEachWithItsLines()
    {
        var after = Ten.Replace("2\n", "two\n", StringComparison.Ordinal).Replace("9\n", "nine\n", StringComparison.Ordinal);

        var diff = LineDiff.Unified(Ten, after, "a", "b");

        Assert.Equal("--- a\n+++ b\n@@ -1,4 +1,4 @@\n 1\n-2\n+two\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n-9\n+nine\n 10\n", diff);
        Assert.DoesNotContain("\n@@\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void ANewFileIsOneHunkOfAddedLines()
    {
        Assert.Equal("--- a (new)\n+++ a\n@@ -0,0 +1,2 @@\n+x\n+y\n", LineDiff.Unified(null, "x\ny\n", "a (new)", "a"));
    }
}
