using Keyman.Core.Delivery;
using Keyman.Tests.Support;

namespace Keyman.Tests.Delivery;

public sealed class BrowserOpenerTests : IDisposable
{
    private readonly string _bin = Directory.CreateTempSubdirectory("keyman-opener-").FullName;

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    private static bool LinuxWithoutSnapBrowser =>
        OperatingSystem.IsLinux() && !File.Exists("/snap/bin/firefox") && !File.Exists("/snap/bin/chromium");

    [Fact]
    public async Task TheOpenerGetsAPrivatePageNotTheTokenAndThePageIsDeletedAfterwards()
    {
        if (!LinuxWithoutSnapBrowser)
        {
            return;
        }

        var opener = Path.Combine(_bin, "xdg-open");
        File.WriteAllText(opener, "#!/bin/sh\nprintf '%s' \"$1\" > \"$(dirname \"$0\")/argument\"\ncat \"$1\" > \"$(dirname \"$0\")/page\"\n");
        File.SetUnixFileMode(opener, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var url = new Uri("https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRET-TOKEN-123");
        var log = new RecordingLog();

        await new BrowserOpener(_bin, TimeSpan.Zero).OpenAsync(url, log, CancellationToken.None);

        var argument = File.ReadAllText(Path.Combine(_bin, "argument"));
        Assert.DoesNotContain("SECRET-TOKEN-123", argument, StringComparison.Ordinal);
        Assert.EndsWith(".html", argument, StringComparison.Ordinal);
        Assert.Contains("SigninToken=SECRET-TOKEN-123", File.ReadAllText(Path.Combine(_bin, "page")), StringComparison.Ordinal);
        Assert.False(File.Exists(argument), "the sign-in page outlived the browser's read");
        Assert.Contains(("INFO", "Opened the sign-in URL in the browser"), log.Lines);
    }

    [Fact]
    public async Task WithoutAnOpenerInPathItWarnsAndLeavesNoPage()
    {
        if (!LinuxWithoutSnapBrowser)
        {
            return;
        }

        var log = new RecordingLog();

        await new BrowserOpener(_bin, TimeSpan.Zero).OpenAsync(new Uri("https://example.com/?SigninToken=x"), log, CancellationToken.None);

        Assert.Contains(("WARNING", "Cannot open a browser (xdg-open is not in PATH); open the URL above yourself."), log.Lines);
    }
}
