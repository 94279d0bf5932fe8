using System.Diagnostics;
using System.Text.Json;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Scenario;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>Steps 4 and 5 of the how-to, literally with the AWS CLI, then the same with Keyman.</summary>
public sealed class HowToBedrockTests
{
    private const string Question = "What is the capital of Georgia?";
    private const string Atlanta = "The capital of Georgia is Atlanta. It is the most populous city in Georgia and serves as the state's economic and cultural center.";

    [Fact]
    public async Task Step4WithTheAwsCliAndWithKeymanListTheSameClaudeModels()
    {
        await using var world = await BedrockWorld.LoggedInAsync();

        // The how-to's v2 spelling has --no-cli-pager, which the v1 CLI here rejects; the rest is as written.
        var cli = await BedrockWorld.ShellAsync(world, "aws bedrock list-foundation-models | jq -r '.modelSummaries[].modelId' | grep claude");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var expected = cli.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Contains("anthropic.claude-3-5-sonnet-20241022-v2:0", expected);
        Assert.Contains("anthropic.claude-3-7-sonnet-20250219-v1:0", expected);
        Assert.Contains("anthropic.claude-3-5-haiku-20241022-v1:0", expected);

        var plain = await world.RunAsync("bedrock", "models", "--plain");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal(expected, plain.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet());

        var json = await world.RunAsync("bedrock", "models", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        var sonnet = document.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("modelId").GetString() == "anthropic.claude-3-5-sonnet-20241022-v2:0");
        Assert.True(sonnet.GetProperty("needsInferenceProfile").GetBoolean());
        Assert.Equal("us.anthropic.claude-3-5-sonnet-20241022-v2:0", sonnet.GetProperty("invokeWith").GetString());
        var haiku3 = document.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("modelId").GetString() == "anthropic.claude-3-haiku-20240307-v1:0");
        Assert.False(haiku3.GetProperty("needsInferenceProfile").GetBoolean());
        Assert.Contains(document.RootElement.GetProperty("inferenceProfiles").EnumerateArray(), p => p.GetProperty("inferenceProfileId").GetString() == "us.anthropic.claude-3-7-sonnet-20250219-v1:0");

        var table = await world.RunAsync("bedrock", "models");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith("Model ID to use\t", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("\nus.anthropic.claude-3-5-sonnet-20241022-v2:0\t", table.StdOut);
    }

    [Fact]
    public async Task Step5WithTheAwsCliAndWithKeymanGiveTheAtlantaAnswer()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var output = Path.Combine(world.Home, "output.json");

        // v1 CLI: the body goes as raw text without --cli-binary-format; the rest of the command is the how-to's.
        var cli = await BedrockWorld.ShellAsync(world, $$"""
            aws bedrock-runtime invoke-model \
              --model-id us.anthropic.claude-3-5-sonnet-20241022-v2:0 \
              --body '{
                "anthropic_version": "bedrock-2023-05-31",
                "max_tokens": 200,
                "messages": [
                  {"role": "user", "content": "{{Question}}"}
                ]
              }' \
              {{output}} && jq -r '.content[0].text' {{output}}
            """);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains("\"contentType\": \"application/json\"", cli.StdOut);
        Assert.EndsWith(Atlanta, cli.StdOut.Trim());

        var ask = await world.RunAsync("bedrock", "ask", "--model-id", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "--max-tokens", "200", Question);
        Assert.True(ask.ExitCode == 0, ask.ToString());
        Assert.Equal(Atlanta, ask.StdOut.Trim());

        var newest = await world.RunAsync("bedrock", "ask", Question);
        Assert.True(newest.ExitCode == 0, newest.ToString());
        Assert.Equal(Atlanta, newest.StdOut.Trim());
        Assert.Contains("Using model us.anthropic.", newest.StdErr);

        var streamed = await world.RunAsync("bedrock", "ask", "--stream", Question);
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        Assert.Equal(Atlanta, streamed.StdOut.Trim());

        var raw = await world.RunAsync("bedrock", "ask", "--raw", "--model-id", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", Question);
        Assert.True(raw.ExitCode == 0, raw.ToString());
        using var json = JsonDocument.Parse(raw.StdOut);
        Assert.Equal(Atlanta, json.RootElement.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("assistant", json.RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task QuestionFromStdinAndSystemPrompt()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var run = await KeymanProcess.RunFileAsync("/bin/bash", ["-c", $"echo '{Question}' | '{KeymanProcess.Binary}' bedrock ask --system 'Be brief.' --model-id anthropic.claude-3-haiku-20240307-v1:0"], world.Env, TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Atlanta, run.StdOut.Trim());
    }

    [Fact]
    public async Task MaxTokensCutsTheAnswerAndSaysSo()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var run = await world.RunAsync("bedrock", "ask", "--max-tokens", "3", "--model-id", "anthropic.claude-3-haiku-20240307-v1:0", Question);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("The capital of", run.StdOut.Trim());
        Assert.Contains("--max-tokens", run.StdErr);
    }

    [Fact]
    public async Task TheStreamedAnswersFirstWordsArriveBeforeTheLastAreSent()
    {
        var scenario = ScenarioDocument.LoadDefault();
        scenario.Bedrock.StreamDelayMs = 150; // ~22 words: the whole answer takes over 3 s to send
        await using var world = await BedrockWorld.LoggedInAsync(scenario);
        var start = new ProcessStartInfo(KeymanProcess.Binary, ["bedrock", "ask", "--stream", "--model-id", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", Question])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in world.Env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        var buffer = new char[64];
        var read = await process.StandardOutput.ReadAsync(buffer);
        var firstWords = clock.Elapsed;
        var rest = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var end = clock.Elapsed;

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(Atlanta, (new string(buffer, 0, read) + rest).Trim());
        Assert.True(end - firstWords > TimeSpan.FromSeconds(2), $"first words after {firstWords.TotalMilliseconds:0} ms, end after {end.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task DoctorPassesEveryCheckOfTheHowTo()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var run = await world.RunAsync("doctor");
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length); // the how-to's six links, plus which Okta sign-in the org gets
        Assert.All(lines, l => Assert.StartsWith("PASS", l));
        Assert.Contains("assumed-role/my-bedrock-role", run.StdOut);

        var json = await world.RunAsync("doctor", "--json", "--no-invoke");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StdOut);
        Assert.True(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("SKIP", document.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "Bedrock InvokeModel").GetProperty("status").GetString());
    }
}

/// <summary>"The newest Claude model the profile can use": a listed model may still be off for the account.</summary>
public sealed class ModelFallbackTests
{
    [Fact]
    public async Task WithoutModelIdTheNewestModelThatIsNotEnabledIsSkippedForTheNextNewest()
    {
        var scenario = ScenarioDocument.LoadDefault();
        var newest = scenario.Bedrock.Models
            .Where(m => m.ModelId.StartsWith("anthropic.claude", StringComparison.Ordinal))
            .OrderByDescending(m => System.Text.RegularExpressions.Regex.Match(m.ModelId, @"\d{8}").Value)
            .First();
        newest.Enabled = false;
        await using var world = await BedrockWorld.LoggedInAsync(scenario);

        var ask = await world.RunAsync("bedrock", "ask", "What is the capital of Georgia?");
        Assert.True(ask.ExitCode == 0, ask.ToString());
        Assert.StartsWith("The capital of Georgia is Atlanta.", ask.StdOut);
        Assert.Contains($"{newest.ModelId} is not available to this profile", ask.StdErr);
        Assert.Contains("Using model ", ask.StdErr[ask.StdErr.IndexOf("not available", StringComparison.Ordinal)..]);

        var doctor = await world.RunAsync("doctor");
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
    }
}
