using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Login;

/// <summary>
/// Server certificates are trusted as .NET trusts them (SSL_CERT_FILE, every file of SSL_CERT_DIR), though Keyman
/// reads that store lazily: the sandbox's CA is accepted from either place, any other CA is refused in one line.
/// </summary>
public sealed class TlsTrustTests
{
    private static async Task<World> NomfaWorldAsync()
    {
        var world = await World.StartAsync();
        world.WithConfig("username: nomfa@example.com", "appid: 0oa1dev2AbCdEfGh/272");
        return world;
    }

    [Fact]
    public async Task TheSandboxCaInSslCertFileIsTrustedAndChildrenSeeTheUsersTrustVariables()
    {
        await using var world = await NomfaWorldAsync();
        var folder = Directory.CreateDirectory(Path.Combine(world.Home, "certs")).FullName;
        world.Env["SSL_CERT_DIR"] = folder;

        var run = await world.RunAsync(["exec", "--", "sh", "-c", "printf '%s|%s\\n' \"$SSL_CERT_FILE\" \"$SSL_CERT_DIR\""], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{world.CaFile}|{folder}\n", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSandboxCaAsAFileOfSslCertDirIsTrusted()
    {
        await using var world = await NomfaWorldAsync();
        var folder = Directory.CreateDirectory(Path.Combine(world.Home, "certs")).FullName;
        File.Copy(world.CaFile, Path.Combine(folder, "corporate-ca.pem")); // no hash link: .NET trusts it all the same
        world.Env["SSL_CERT_FILE"] = Path.Combine(world.Home, "no-such-file.pem");
        world.Env["SSL_CERT_DIR"] = folder;

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(world.CredentialsPath));
    }

    [Fact]
    public async Task AServerCertificateFromAnUntrustedCaIsRefusedWithExitThreeAndTheReason()
    {
        await using var world = await NomfaWorldAsync();
        var other = Path.Combine(world.Home, "other-ca.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=Not The Sandbox CA", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(other, ca.ExportCertificatePem());
        }

        world.Env["SSL_CERT_FILE"] = other;
        world.Env["SSL_CERT_DIR"] = Directory.CreateDirectory(Path.Combine(world.Home, "certs")).FullName;

        var run = await world.RunAsync([], Answer.With(Answer.PasswordPrompt, World.Password));

        Assert.True(run.ExitCode == 3, run.ToString());
        var error = Assert.Single(run.StdErr.Split('\n'), l => l.Contains("(ERROR)", StringComparison.Ordinal));
        Assert.Contains("refused: its certificate is not issued by a CA this machine trusts", error, StringComparison.Ordinal);
        Assert.Contains("Fix:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StdErr);
        Assert.False(File.Exists(world.CredentialsPath));
    }
}
