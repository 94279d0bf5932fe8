using System.Diagnostics;

namespace Keyman.Tests.Sandbox;

/// <summary>The keyman-sandbox executable: prints one line per service and writes the ready file.</summary>
public sealed class SandboxCliTests
{
    [Fact]
    public async Task Cli_prints_service_urls_and_writes_the_ready_file()
    {
        var readyFile = Path.Combine(Path.GetTempPath(), $"keyman-sandbox-{Guid.NewGuid():N}.url");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "keyman-sandbox.dll"), "--ready-file", readyFile, "--fault", "okta429=1" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var okta = await process.StandardOutput.ReadLineAsync(timeout.Token);
            var sts = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.Matches(@"^okta: http://127\.0\.0\.1:\d+$", okta);
            Assert.Equal(okta!.Replace("okta:", "sts:", StringComparison.Ordinal), sts);

            while (!File.Exists(readyFile))
            {
                await Task.Delay(50, timeout.Token);
            }

            var baseUrl = (await File.ReadAllTextAsync(readyFile, timeout.Token)).Trim();
            Assert.Equal(okta["okta: ".Length..], baseUrl);
            using var http = new HttpClient();
            var response = await http.PostAsync($"{baseUrl}/api/v1/authn", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), timeout.Token);
            Assert.Equal(429, (int)response.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            File.Delete(readyFile);
        }
    }
}
