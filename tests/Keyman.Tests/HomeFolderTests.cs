using System.Diagnostics;
using Keyman.Core;

namespace Keyman.Tests;

public sealed class HomeFolderTests
{
    private static readonly string Existing = Path.GetTempPath();

    private static string Resolve(string? variable, string? userDatabase) =>
        HomeFolder.Resolve(variable, "HOME", () => userDatabase, Directory.Exists);

    [Fact]
    public void An_absolute_existing_HOME_is_the_home()
    {
        Assert.Equal(Existing, Resolve(Existing, "/elsewhere"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_HOME_the_user_database_gives_the_home(string? variable)
    {
        Assert.Equal(Existing, Resolve(variable, Existing));
    }

    [Theory]
    [InlineData("relative/home", "/", "a relative path")]
    [InlineData(".", "/", "a relative path")]
    [InlineData("/nonexistent-keyman-home", "/", "which is not an existing folder")]
    [InlineData(null, "relative", "a relative path")]
    [InlineData(null, "/nonexistent-keyman-home", "which is not an existing folder")]
    [InlineData("", null, "the user database has no home folder")]
    public void A_relative_missing_or_absent_home_is_refused_never_the_current_folder(string? variable, string? userDatabase, string reason)
    {
        var error = Assert.Throws<KeymanException>(() => Resolve(variable, userDatabase));

        Assert.Equal(ExitCodes.NoHomeFolder, error.ExitCode);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("HOME", error.Hint);
    }

    [Fact]
    public void A_control_character_in_HOME_is_not_printed()
    {
        var error = Assert.Throws<KeymanException>(() => Resolve("bad\nhome", "/"));
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_user_database_entry_is_read_through_getpwuid_r()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var uid = Run("id", "-u");
        var entry = Run("getent", "passwd", uid).Split(':');

        Assert.Equal(entry[5], HomeFolder.FromUserDatabase());
    }

    private static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
