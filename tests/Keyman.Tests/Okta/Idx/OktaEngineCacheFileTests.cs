using Keyman.Core;
using Keyman.Core.Okta.Idx;

namespace Keyman.Tests.Okta.Idx;

public sealed class OktaEngineCacheFileTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("keyman-engines-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void EnginesAreKeptPerOrgInAnOwnerOnlyFileUnderTheCacheFolder()
    {
        var path = OktaEngineCacheFile.DefaultPath(new DictionaryEnvironment(new Dictionary<string, string>(), _home));
        Assert.Equal(Path.Combine(_home, ".cache", "keyman", "engines.json"), path);
        var at = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var cache = new OktaEngineCacheFile(path);
        cache.Write(new Uri("https://acme.okta.com/"), new OktaEngineRecord(OktaEngine.IdentityEngine, at));
        cache.Write(new Uri("https://old.okta.com/"), new OktaEngineRecord(OktaEngine.Classic, at));

        var again = new OktaEngineCacheFile(path);
        Assert.Equal(new OktaEngineRecord(OktaEngine.IdentityEngine, at), again.Read(new Uri("https://acme.okta.com")));
        Assert.Equal(OktaEngine.Classic, again.Read(new Uri("https://old.okta.com"))!.Engine);
        Assert.Null(again.Read(new Uri("https://other.okta.com")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }

    [Fact]
    public void ABrokenFileCountsAsEmpty()
    {
        var path = Path.Combine(_home, "engines.json");
        File.WriteAllText(path, "{not json");
        var cache = new OktaEngineCacheFile(path);
        Assert.Null(cache.Read(new Uri("https://acme.okta.com")));
        cache.Write(new Uri("https://acme.okta.com"), new OktaEngineRecord(OktaEngine.Classic, DateTimeOffset.UnixEpoch));
        Assert.Equal(OktaEngine.Classic, cache.Read(new Uri("https://acme.okta.com"))!.Engine);
    }
}
