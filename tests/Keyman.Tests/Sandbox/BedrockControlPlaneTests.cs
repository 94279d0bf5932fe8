using System.Net;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

public sealed class BedrockControlPlaneTests : BedrockTestBase
{
    [Fact]
    public async Task List_foundation_models_filters_by_provider_case_insensitively_and_by_modality()
    {
        var signer = await BedrockRoleSigner();
        var response = await Send(signer, HttpMethod.Get, "/foundation-models?byProvider=anthropic");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var models = (await Json(response))["modelSummaries"]!.AsArray();
        Assert.Contains(models, m => (string?)m!["modelId"] == "anthropic.claude-3-5-sonnet-20241022-v2:0");
        Assert.All(models, m => Assert.Equal("Anthropic", (string?)m!["providerName"]));
        var sonnet = models.Single(m => (string?)m!["modelId"] == "anthropic.claude-3-5-sonnet-20241022-v2:0")!;
        Assert.Equal("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0", (string?)sonnet["modelArn"]);
        Assert.Equal("Claude 3.5 Sonnet v2", (string?)sonnet["modelName"]);
        Assert.Equal(["INFERENCE_PROFILE"], sonnet["inferenceTypesSupported"]!.AsArray().Select(v => (string)v!));
        Assert.True((bool)sonnet["responseStreamingSupported"]!);
        Assert.Equal("ACTIVE", (string?)sonnet["modelLifecycle"]!["status"]);
        foreach (var field in new[] { "inputModalities", "outputModalities", "customizationsSupported" })
        {
            Assert.NotNull(sonnet[field] as JsonArray);
        }

        var embeddings = (await Json(await Send(signer, HttpMethod.Get, "/foundation-models?byOutputModality=EMBEDDING")))["modelSummaries"]!.AsArray();
        Assert.Equal(["amazon.titan-embed-text-v2:0"], embeddings.Select(m => (string)m!["modelId"]!));
        var onDemand = (await Json(await Send(signer, HttpMethod.Get, "/foundation-models?byInferenceType=ON_DEMAND&byProvider=Anthropic")))["modelSummaries"]!.AsArray();
        Assert.Contains(onDemand, m => (string?)m!["modelId"] == "anthropic.claude-3-haiku-20240307-v1:0");
        Assert.DoesNotContain(onDemand, m => (string?)m!["modelId"] == "anthropic.claude-3-5-sonnet-20241022-v2:0");
        var fineTuning = (await Json(await Send(signer, HttpMethod.Get, "/foundation-models?byCustomizationType=FINE_TUNING")))["modelSummaries"]!.AsArray();
        Assert.Equal(["amazon.titan-text-express-v1"], fineTuning.Select(m => (string)m!["modelId"]!));

        await AssertError(await Send(signer, HttpMethod.Get, "/foundation-models?byOutputModality=VIDEO"), HttpStatusCode.BadRequest, "ValidationException");
    }

    [Fact]
    public async Task Get_foundation_model_returns_details_or_resource_not_found()
    {
        var signer = await BedrockRoleSigner();
        var details = await Json(await Send(signer, HttpMethod.Get, "/foundation-models/anthropic.claude-3-haiku-20240307-v1%3A0"));
        Assert.Equal("anthropic.claude-3-haiku-20240307-v1:0", (string?)details["modelDetails"]!["modelId"]);
        await AssertError(await Send(signer, HttpMethod.Get, "/foundation-models/anthropic.claude-nope-v1%3A0"), HttpStatusCode.NotFound, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Inference_profiles_page_with_next_token_and_depend_on_the_region()
    {
        var signer = await BedrockRoleSigner();
        var first = await Json(await Send(signer, HttpMethod.Get, "/inference-profiles"));
        var page1 = first["inferenceProfileSummaries"]!.AsArray();
        Assert.Equal(10, page1.Count);
        var token = (string)first["nextToken"]!;
        var second = await Json(await Send(signer, HttpMethod.Get, $"/inference-profiles?nextToken={Uri.EscapeDataString(token)}"));
        var page2 = second["inferenceProfileSummaries"]!.AsArray();
        Assert.Null(second["nextToken"]);
        var ids = page1.Concat(page2).Select(p => (string)p!["inferenceProfileId"]!).ToList();
        Assert.Equal(13, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("us.anthropic.claude-3-5-sonnet-20241022-v2:0", ids);
        Assert.Contains("global.anthropic.claude-sonnet-4-20250514-v1:0", ids);
        Assert.DoesNotContain(ids, id => id.StartsWith("eu.", StringComparison.Ordinal) || id.StartsWith("apac.", StringComparison.Ordinal));

        var profile = page1.First(p => (string?)p!["inferenceProfileId"] == "us.anthropic.claude-3-5-sonnet-20241022-v2:0")!;
        Assert.Equal("arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0", (string?)profile["inferenceProfileArn"]);
        Assert.Equal("SYSTEM_DEFINED", (string?)profile["type"]);
        Assert.Equal("ACTIVE", (string?)profile["status"]);
        Assert.Contains(profile["models"]!.AsArray(), m => (string?)m!["modelArn"] == "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0");

        var small = await Json(await Send(signer, HttpMethod.Get, "/inference-profiles?maxResults=3&type=SYSTEM_DEFINED"));
        Assert.Equal(3, small["inferenceProfileSummaries"]!.AsArray().Count);
        Assert.NotNull(small["nextToken"]);
        Assert.Empty((await Json(await Send(signer, HttpMethod.Get, "/inference-profiles?type=APPLICATION")))["inferenceProfileSummaries"]!.AsArray());
        await AssertError(await Send(signer, HttpMethod.Get, "/inference-profiles?maxResults=0"), HttpStatusCode.BadRequest, "ValidationException");
        await AssertError(await Send(signer, HttpMethod.Get, "/inference-profiles?nextToken=garbage"), HttpStatusCode.BadRequest, "ValidationException");

        var eu = await Json(await Send(signer.With(region: "eu-west-1"), HttpMethod.Get, "/inference-profiles?maxResults=100"));
        var euIds = eu["inferenceProfileSummaries"]!.AsArray().Select(p => (string)p!["inferenceProfileId"]!).ToList();
        Assert.Contains("eu.anthropic.claude-3-7-sonnet-20250219-v1:0", euIds);
        Assert.DoesNotContain(euIds, id => id.StartsWith("us.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Roles_without_a_bedrock_policy_cannot_list_models()
    {
        var readOnly = await SamlSigner("0oa2multiAcctXyZ/137", ReadOnlyRole);
        await AssertError(await Send(readOnly, HttpMethod.Get, "/foundation-models"), HttpStatusCode.Forbidden, "AccessDeniedException",
            "User: arn:aws:sts::111111111111:assumed-role/ReadOnly/nomfa@example.com is not authorized to perform: bedrock:ListFoundationModels "
            + "because no identity-based policy allows the bedrock:ListFoundationModels action");
        var developer = await SamlSigner("0oa1dev2AbCdEfGh/272", DeveloperRole);
        Assert.Equal(HttpStatusCode.OK, (await Send(developer, HttpMethod.Get, "/foundation-models")).StatusCode);
    }

    [Fact]
    public async Task Throttle_fault_and_request_log()
    {
        var signer = await BedrockRoleSigner();
        Assert.Equal(HttpStatusCode.OK, (await PostJson("/_sandbox/faults", new { bedrockThrottle = 1 })).Status);
        await AssertError(await Send(signer, HttpMethod.Get, "/foundation-models"), (HttpStatusCode)429, "ThrottlingException",
            "Too many requests, please wait before trying again.");
        Assert.Equal(HttpStatusCode.OK, (await Send(signer, HttpMethod.Get, "/foundation-models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Invoke(signer, "us.anthropic.claude-3-5-sonnet-20241022-v2:0", GeorgiaBody())).StatusCode);

        var log = JsonNode.Parse(await Http.GetStringAsync("/_sandbox/requests"))!.AsArray();
        var bedrock = log.Where(e => ((string?)e!["service"])!.StartsWith("bedrock", StringComparison.Ordinal)).ToList();
        Assert.Equal([429, 200, 200], bedrock.Select(e => (int)e!["status"]!));
        Assert.Equal(["bedrock", "bedrock", "bedrock-runtime"], bedrock.Select(e => (string)e!["service"]!));
        Assert.Equal("/foundation-models", (string?)bedrock[0]!["path"]);
    }
}
