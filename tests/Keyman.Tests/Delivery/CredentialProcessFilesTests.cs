using Keyman.Core;
using Keyman.Core.Delivery;

namespace Keyman.Tests.Delivery;

/// <summary>The files credential-process and setup-profile create: owner-only folders, no injected lines.</summary>
public sealed class CredentialProcessFilesTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _home = Directory.CreateTempSubdirectory("keyman-cp-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task The_lock_folder_and_the_keyman_folder_above_it_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = CredentialProcessCache.LockPath(new DictionaryEnvironment(new Dictionary<string, string>(), _home), "dev");
        using (await CredentialProcessCache.LockAsync(path, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
        }

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(_home, ".config", "keyman", "locks")));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(_home, ".config", "keyman")));
    }

    [Theory]
    [InlineData("us-east-1\n[profile admin]\ncredential_process = /tmp/evil")]
    [InlineData("us-east-1\r")]
    [InlineData("us east 1")]
    [InlineData("")]
    public void A_region_with_a_line_break_or_space_is_a_usage_error_and_writes_nothing(string region)
    {
        var config = Path.Combine(_home, ".aws", "config");

        var error = Assert.Throws<KeymanException>(() => CredentialProcessProfile.Write(config, "dev", "/usr/bin/keyman", region, configPath: null, overwriteRegion: true));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("--region", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(File.Exists(config));
    }
}
