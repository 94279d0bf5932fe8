using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Keyman.Tests.Sandbox;

/// <summary>The keyman-sandbox executable: prints one line per service and writes the ready file and its CA beside it.</summary>
public sealed class SandboxCliTests
{
    [Fact]
    public async Task Cli_prints_service_urls_and_writes_the_ready_file_and_the_CA_that_https_clients_trust()
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
            Assert.Matches(@"^okta: https://127\.0\.0\.1:\d+$", okta);
            Assert.Equal(okta!.Replace("okta:", "sts:", StringComparison.Ordinal), sts);

            while (!File.Exists(readyFile))
            {
                await Task.Delay(50, timeout.Token);
            }

            var lines = (await File.ReadAllTextAsync(readyFile, timeout.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", lines[0]);
            Assert.Equal(okta["okta: ".Length..], lines[1]);
            var caFile = Path.ChangeExtension(readyFile, ".ca.pem");
            Assert.True(File.Exists(caFile), "the CA is written beside the ready file");

            // An https client that trusts the written CA (nothing else) gets through; one that doesn't, can't.
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile, timeout.Token)));
            using var trusting = new HttpClient(new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy } });
            var response = await trusting.PostAsync($"{lines[1]}/api/v1/authn", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), timeout.Token);
            Assert.Equal(429, (int)response.StatusCode);
            using var untrusting = new HttpClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync($"{lines[1]}/api/v1/authn", timeout.Token));

            // Plain http stays available.
            var plain = await untrusting.PostAsync($"{lines[0]}/api/v1/authn", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), timeout.Token);
            Assert.Equal(400, (int)plain.StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            File.Delete(readyFile);
            File.Delete(Path.ChangeExtension(readyFile, ".ca.pem"));
        }
    }
}
