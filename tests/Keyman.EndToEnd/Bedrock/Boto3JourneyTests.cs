using System.Text.Json;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>
/// The how-to's journey through boto3 (an SDK nobody here wrote) over the sandbox's HTTPS: Keyman's credentials file and
/// the role_arn + source_profile chain, then STS, Bedrock's model list and one Claude answer.
/// </summary>
public sealed class Boto3JourneyTests
{
    private const string Script = """
        import json, sys, boto3, botocore.exceptions
        session = boto3.Session(profile_name=sys.argv[1])
        out = {"arn": session.client("sts").get_caller_identity()["Arn"]}
        models = session.client("bedrock").list_foundation_models(byProvider="anthropic")["modelSummaries"]
        out["models"] = sorted(m["modelId"] for m in models)
        body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 200,
                           "messages": [{"role": "user", "content": [{"type": "text", "text": "What is the capital of Georgia?"}]}]})
        try:
            answer = session.client("bedrock-runtime").invoke_model(modelId="us.anthropic.claude-3-5-sonnet-20241022-v2:0", body=body)
            out["text"] = json.loads(answer["body"].read())["content"][0]["text"]
        except botocore.exceptions.ClientError as e:
            out["text"] = e.response["Error"]["Code"]
        print(json.dumps(out))
        """;

    [Theory]
    [InlineData("bedrock", "assumed-role/my-bedrock-role/", "Atlanta")]
    [InlineData("default", "assumed-role/Developer/nomfa@example.com", "AccessDeniedException")] // why the how-to chains a role
    public async Task Boto3ReadsKeymansProfileAndTheHowTosChain(string profile, string arnPart, string answer)
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        world.Env.Remove("AWS_PROFILE");

        var run = await RunPythonAsync(world, profile);

        using var result = JsonDocument.Parse(run.StdOut);
        Assert.Contains(arnPart, result.RootElement.GetProperty("arn").GetString());
        Assert.Contains("anthropic.claude-3-5-sonnet-20241022-v2:0", result.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains(answer, result.RootElement.GetProperty("text").GetString());
    }

    private static async Task<RunResult> RunPythonAsync(World world, string profile)
    {
        var script = Path.Combine(world.Home, "journey.py");
        await File.WriteAllTextAsync(script, Script);
        // The python3 on PATH, the one that has boto3 (the AWS CLI's), not necessarily the system's.
        var python = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "python3")).FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("python3 is not on PATH; the boto3 cross-check needs it.");
        var run = await KeymanProcess.RunFileAsync(python, [script, profile], world.Env, TimeSpan.FromSeconds(90));
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }
}
