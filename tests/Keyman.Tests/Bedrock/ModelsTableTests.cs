using Keyman.Core.Bedrock;

namespace Keyman.Tests.Bedrock;

public sealed class ModelsTableTests
{
    private const string Sonnet45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    private const string Haiku3 = "anthropic.claude-3-haiku-20240307-v1:0";
    private const string Opus3 = "anthropic.claude-3-opus-20240229-v1:0";

    // Sonnet 4.5 only through a profile (served by "global."), Haiku 3 on demand, Opus 3 with no profile in this region.
    private static readonly BedrockCatalog Catalog = new("us-east-1",
    [
        new CatalogModel(Model(Sonnet45, "Claude Sonnet 4.5", "INFERENCE_PROFILE"), Profile("global", Sonnet45)),
        new CatalogModel(Model(Haiku3, "Claude 3 Haiku", "ON_DEMAND"), null),
        new CatalogModel(Model(Opus3, "Claude 3 Opus", "INFERENCE_PROFILE"), null),
    ], [Profile("global", Sonnet45)]);

    private static readonly string[] IdsToUse = ["global." + Sonnet45, Haiku3];

    private static FoundationModelSummary Model(string id, string name, string inference) => new()
    {
        ModelId = id,
        ModelName = name,
        ModelArn = "arn:aws:bedrock:us-east-1::foundation-model/" + id,
        ProviderName = "Anthropic",
        InferenceTypesSupported = [inference],
        ModelLifecycle = new ModelLifecycle { Status = "ACTIVE" },
    };

    private static InferenceProfileSummary Profile(string geo, string modelId) => new()
    {
        InferenceProfileId = $"{geo}.{modelId}",
        Status = "ACTIVE",
        Models = [new InferenceProfileModel { ModelArn = "arn:aws:bedrock:us-east-1::foundation-model/" + modelId }],
    };

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(200)]
    public void EveryIdToUseIsWholeOnOneLineAtAnyWidth(int width)
    {
        var lines = ModelsTable.From(Catalog, terminal: true).Fit(width);

        Assert.Equal(4, lines.Count);
        Assert.StartsWith(ModelsTable.IdHeader, lines[0], StringComparison.Ordinal);
        foreach (var id in IdsToUse)
        {
            // Whole, first on its line, and followed by a space or the line's end: never cut, never wrapped.
            var line = Assert.Single(lines, l => l.StartsWith(id, StringComparison.Ordinal));
            Assert.True(line.Length == id.Length || line[id.Length] == ' ', line);
        }

        Assert.Matches("^-( |$)", lines[3]);
    }

    [Fact]
    public void TheOnlyIdShownIsTheOneToUse()
    {
        var text = string.Join('\n', ModelsTable.From(Catalog, terminal: true).Fit(200));

        // The base ID of a model that needs a profile is not offered as something to copy.
        Assert.DoesNotContain("\n" + Sonnet45, text, StringComparison.Ordinal);
        Assert.Contains("global." + Sonnet45, text, StringComparison.Ordinal);
        Assert.Contains("needs an inference profile; none in us-east-1 serves " + Opus3, text, StringComparison.Ordinal);
    }

    [Fact]
    public void AtFortyColumnsOnlyTheIdsAreLeft()
    {
        var lines = ModelsTable.From(Catalog, terminal: true).Fit(40);

        Assert.Equal(["Model ID to use", "global." + Sonnet45, Haiku3, "-"], lines);
    }

    [Fact]
    public void AtEightyColumnsTheOtherColumnsAreCutToFit()
    {
        var lines = ModelsTable.From(Catalog, terminal: true).Fit(80);

        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length}: {l}"));
        Assert.Contains(lines, l => l.Contains("Claude Sonnet 4.5", StringComparison.Ordinal) && l.Contains("ACTIVE", StringComparison.Ordinal));
        Assert.EndsWith("…", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void AtTwoHundredColumnsNothingIsCut()
    {
        var lines = ModelsTable.From(Catalog, terminal: true).Fit(200);

        Assert.DoesNotContain(lines, l => l.Contains('…', StringComparison.Ordinal));
        Assert.Matches(@"^Model ID to use\s+Name\s+Status$", lines[0]);
        Assert.Matches(@"^anthropic\.claude-3-haiku-20240307-v1:0\s+Claude 3 Haiku\s+ACTIVE$", lines[2]);
    }

    [Fact]
    public void TabSeparatedKeepsEveryCellWholeAndServerTextOnItsLine()
    {
        var odd = new BedrockCatalog("us-east-1",
            [new CatalogModel(Model(Haiku3, "Claude\t3\nHaiku\u001b[2J", "ON_DEMAND"), null)], []);

        var lines = ModelsTable.From(odd, terminal: false).TabSeparated();

        Assert.Equal(["Model ID to use\tName\tStatus", $"{Haiku3}\tClaude 3 Haiku\u001b[2J\tACTIVE"], lines);
        Assert.Equal($"{Haiku3}  Claude 3 Haiku␛[2J  ACTIVE", ModelsTable.From(odd, terminal: true).Fit(200)[1]);
    }
}
