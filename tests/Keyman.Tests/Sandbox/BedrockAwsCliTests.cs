using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Keyman.Tests.Sandbox;

/// <summary>
/// The AWS CLI (v1, botocore) is the independent check of the emulation: it must sign, call and parse both Bedrock
/// endpoints with sandbox-issued credentials of my-bedrock-role. Without `aws` on PATH this test fails, never skips.
/// </summary>
public sealed class BedrockAwsCliTests : BedrockTestBase
{
    [Fact]
    public async Task Aws_cli_lists_models_and_invokes_claude_through_the_sandbox()
    {
        var signer = await BedrockRoleSigner();
        var workDir = Directory.CreateTempSubdirectory("keyman-bedrock-cli-");
        try
        {
            var (code, stdout, stderr) = await Aws(signer, workDir.FullName, "bedrock", "list-foundation-models", "--by-provider", "Anthropic");
            Assert.True(code == 0, stderr);
            var ids = JsonNode.Parse(stdout)!["modelSummaries"]!.AsArray().Select(m => (string)m!["modelId"]!).ToList();
            Assert.Contains("anthropic.claude-3-5-sonnet-20241022-v2:0", ids);

            var outFile = Path.Combine(workDir.FullName, "output.json");
            (code, stdout, stderr) = await Aws(signer, workDir.FullName, "bedrock-runtime", "invoke-model",
                "--model-id", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "--body", GeorgiaBody(), outFile);
            Assert.True(code == 0, stderr);
            Assert.Equal("application/json", (string?)JsonNode.Parse(stdout)!["contentType"]);
            Assert.Equal(AtlantaAnswer, (string?)JsonNode.Parse(await File.ReadAllTextAsync(outFile))!["content"]![0]!["text"]);

            (code, _, stderr) = await Aws(signer, workDir.FullName, "bedrock-runtime", "invoke-model",
                "--model-id", "anthropic.claude-3-5-sonnet-20241022-v2:0", "--body", GeorgiaBody(), outFile);
            Assert.NotEqual(0, code);
            Assert.Contains("(ValidationException)", stderr, StringComparison.Ordinal);
            Assert.Contains("with on-demand throughput isn't supported", stderr, StringComparison.Ordinal);

            (code, stdout, stderr) = await Aws(signer, workDir.FullName, "bedrock", "list-inference-profiles", "--page-size", "4");
            Assert.True(code == 0, stderr);
            Assert.Equal(13, JsonNode.Parse(stdout)!["inferenceProfileSummaries"]!.AsArray().Count); // the CLI followed nextToken
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }

    private async Task<(int Code, string Stdout, string Stderr)> Aws(BedrockSigner signer, string workDir, params string[] args)
    {
        var start = new ProcessStartInfo("aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_ENDPOINT_URL"] = Base;
        start.Environment["AWS_ACCESS_KEY_ID"] = signer.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = signer.Secret;
        start.Environment["AWS_SESSION_TOKEN"] = signer.Token;
        start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(workDir, "config");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(workDir, "credentials");
        start.Environment.Remove("AWS_PROFILE");
        start.Environment["AWS_PAGER"] = "";

        // Process.Start throws Win32Exception when `aws` is missing: the test fails, it is not skipped.
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
