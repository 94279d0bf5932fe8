using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>The README's first command, scripts/demo.sh, as a new user runs it.</summary>
public sealed class DemoScriptTests
{
    private static string Script => Path.Combine(KeymanProcess.RepositoryRoot, "scripts", "demo.sh");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunsTheWholeJourneyAlsoWithAnAwsCliThatIgnoresAwsEndpointUrl(bool oldCli)
    {
        // An AWS CLI that predates AWS_ENDPOINT_URL (v2 before 2.13, e.g. Debian's 2.9): the demo must pass --endpoint-url.
        var bin = Directory.CreateTempSubdirectory("keyman-demo-").FullName;
        try
        {
            var realAws = Which("aws");
            var shim = Path.Combine(bin, "aws");
            await File.WriteAllTextAsync(shim, !oldCli ? $"#!/bin/sh\nexec {realAws} \"$@\"\n" : $"#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12'; exit 0; fi\nunset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_BEDROCK AWS_ENDPOINT_URL_BEDROCK_RUNTIME\nexec {realAws} \"$@\"\n");
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty);
            env["PATH"] = bin + ":" + env["PATH"];

            var run = await KeymanProcess.RunFileAsync("/bin/bash", [Script], env, TimeSpan.FromMinutes(10));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("demo: building Keyman", run.StdOut);
            if (oldCli)
            {
                Assert.Contains("aws-cli/2.9.19) predates AWS_ENDPOINT_URL", run.StdOut);
            }
            else
            {
                Assert.Contains("assumed-role/my-bedrock-role/", run.StdOut); // the how-to's chain through the AWS CLI
                Assert.Contains("anthropic.claude-3-5-sonnet-20241022-v2:0", run.StdOut);
            }

            Assert.Contains("assumed-role/my-developer-gateway-role/gina@example.com", run.StdOut); // the AWS CLI reached the sandbox
            Assert.Contains("Atlanta", run.StdOut);
            Assert.Contains("Done: Okta login with app-level MFA", run.StdOut);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public async Task SaysWhatIsMissingBeforeBuildingAnything()
    {
        var bin = Directory.CreateTempSubdirectory("keyman-demo-").FullName;
        try
        {
            foreach (var tool in new[] { "dirname", "dotnet", "curl" })
            {
                File.CreateSymbolicLink(Path.Combine(bin, tool), Which(tool));
            }

            var run = await KeymanProcess.RunFileAsync("/bin/bash", [Script], new Dictionary<string, string> { ["PATH"] = bin, ["HOME"] = bin }, TimeSpan.FromSeconds(30));

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("'jq' is needed", run.StdErr);
            Assert.Contains("'aws' is needed", run.StdErr);
            Assert.DoesNotContain("building", run.StdOut);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    private static string Which(string tool) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException($"{tool} is not on PATH");
}
