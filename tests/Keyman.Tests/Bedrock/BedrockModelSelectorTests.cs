using Keyman.Core;
using Keyman.Core.Bedrock;

namespace Keyman.Tests.Bedrock;

public class BedrockModelSelectorTests
{
    private static FoundationModelSummary Model(string id, params string[] inference) => new()
    {
        ModelId = id,
        ModelArn = "arn:aws:bedrock:us-east-1::foundation-model/" + id,
        ProviderName = "Anthropic",
        OutputModalities = ["TEXT"],
        InferenceTypesSupported = [.. inference],
        ModelLifecycle = new ModelLifecycle { Status = "ACTIVE" },
    };

    private static InferenceProfileSummary Profile(string geo, string modelId) => new()
    {
        InferenceProfileId = $"{geo}.{modelId}",
        Status = "ACTIVE",
        Models = [new InferenceProfileModel { ModelArn = "arn:aws:bedrock:us-east-1::foundation-model/" + modelId }],
    };

    private const string Sonnet37 = "anthropic.claude-3-7-sonnet-20250219-v1:0";
    private const string Sonnet35v2 = "anthropic.claude-3-5-sonnet-20241022-v2:0";
    private const string Haiku35 = "anthropic.claude-3-5-haiku-20241022-v1:0";

    [Theory]
    [InlineData(Sonnet37, 2025, 2, 19)]
    [InlineData("anthropic.claude-sonnet-4-5-20250929-v1:0", 2025, 9, 29)]
    [InlineData("anthropic.claude-3-5-sonnet-20240620-v1:0:18k", 2024, 6, 20)]
    public void Release_date_comes_from_the_model_id(string id, int y, int m, int d) =>
        Assert.Equal(new DateOnly(y, m, d), BedrockModelSelector.ReleaseDate(id));

    [Fact]
    public void No_date_is_null() => Assert.Null(BedrockModelSelector.ReleaseDate("anthropic.claude-v2:1"));

    [Theory]
    [InlineData("us-east-1", "us")]
    [InlineData("us-gov-west-1", "us-gov")]
    [InlineData("eu-central-1", "eu")]
    [InlineData("ap-northeast-1", "apac")]
    [InlineData("sa-east-1", null)]
    public void Geo_prefix_per_region(string region, string? geo) => Assert.Equal(geo, BedrockModelSelector.GeoPrefix(region));

    [Fact]
    public void Newest_claude_prefers_on_demand_and_matching_geo_profiles()
    {
        var models = new[]
        {
            Model("anthropic.claude-v2:1", "ON_DEMAND"),
            Model(Haiku35, "ON_DEMAND"),
            Model(Sonnet35v2, "INFERENCE_PROFILE"),
            Model(Sonnet37, "INFERENCE_PROFILE"),
            Model("amazon.nova-pro-v1:0", "ON_DEMAND"),
        };
        var profiles = new[] { Profile("apac", Sonnet37), Profile("eu", Sonnet37), Profile("us", Sonnet37), Profile("us", Sonnet35v2) };

        var us = BedrockModelSelector.NewestClaude(models, profiles, "us-east-1")!;
        Assert.Equal("us." + Sonnet37, us.InvokeId);
        Assert.Equal(Sonnet37, us.Model.ModelId);
        Assert.Equal("eu." + Sonnet37, BedrockModelSelector.NewestClaude(models, profiles, "eu-west-1")!.InvokeId);
        Assert.Equal("apac." + Sonnet37, BedrockModelSelector.NewestClaude(models, profiles, "ap-south-1")!.InvokeId);

        // Without any profile for the newer models, the newest on-demand one wins.
        var onDemand = BedrockModelSelector.NewestClaude(models, [], "us-east-1")!;
        Assert.Equal(Haiku35, onDemand.InvokeId);
        Assert.Null(onDemand.InferenceProfile);
    }

    [Fact]
    public void Global_profile_is_second_choice_and_legacy_models_come_last()
    {
        var legacy = Model("anthropic.claude-3-9-future-20300101-v1:0", "ON_DEMAND");
        legacy.ModelLifecycle!.Status = "LEGACY";
        var models = new[] { legacy, Model(Sonnet37, "INFERENCE_PROFILE") };
        var profiles = new[] { Profile("apac", Sonnet37), Profile("global", Sonnet37) };
        Assert.Equal("global." + Sonnet37, BedrockModelSelector.NewestClaude(models, profiles, "us-east-1")!.InvokeId);
        Assert.Equal(legacy.ModelId, BedrockModelSelector.NewestClaude([legacy], profiles, "us-east-1")!.InvokeId);
        Assert.Null(BedrockModelSelector.NewestClaude([Model("amazon.nova-pro-v1:0", "ON_DEMAND")], profiles, "us-east-1"));
    }

    [Fact]
    public void Same_date_prefers_the_higher_version()
    {
        var models = new[] { Model("anthropic.claude-x-20241022-v1:0", "ON_DEMAND"), Model("anthropic.claude-x-20241022-v2:0", "ON_DEMAND") };
        Assert.Equal("anthropic.claude-x-20241022-v2:0", BedrockModelSelector.NewestClaude(models, [], "us-east-1")!.InvokeId);
    }

    [Fact]
    public void Profile_to_use_instead_only_for_models_without_on_demand()
    {
        var models = new[] { Model(Sonnet37, "INFERENCE_PROFILE"), Model(Haiku35, "ON_DEMAND") };
        var profiles = new[] { Profile("us", Sonnet37), Profile("eu", Sonnet37), Profile("us", Haiku35) };
        Assert.Equal("eu." + Sonnet37, BedrockModelSelector.ProfileToUseInstead(Sonnet37, models, profiles, "eu-north-1"));
        Assert.Null(BedrockModelSelector.ProfileToUseInstead(Haiku35, models, profiles, "us-east-1"));
        Assert.Null(BedrockModelSelector.ProfileToUseInstead("anthropic.unknown", models, profiles, "us-east-1"));
    }

    [Fact]
    public void Disabled_profiles_are_skipped()
    {
        var disabled = Profile("us", Sonnet37);
        disabled.Status = "DISABLED";
        Assert.Null(BedrockModelSelector.InferenceProfileFor(Sonnet37, [disabled], "us-east-1"));
    }

    [Fact]
    public void Access_denied_without_resource_still_names_role_and_action()
    {
        var ex = BedrockErrors.FromResponse(403, "AccessDeniedException", """{"message":"User: arn:aws:sts::1:assumed-role/R/s is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows it."}""",
            new BedrockCallContext("ListFoundationModels", "us-east-1"));
        Assert.Equal(ExitCodes.BedrockAccessDenied, ex.ExitCode);
        Assert.Equal("Your role arn:aws:iam::1:role/R is not allowed bedrock:ListFoundationModels", ex.Message);
    }
}
