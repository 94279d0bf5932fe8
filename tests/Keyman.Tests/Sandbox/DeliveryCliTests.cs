using System.Diagnostics;

namespace Keyman.Tests.Sandbox;

/// <summary>The keyman-sandbox executable's --time-scale flag.</summary>
public sealed class DeliveryCliTests
{
    [Theory]
    [InlineData("abc", 2, "keyman-sandbox:")]
    [InlineData("0", 1, "time scale must be a positive number")]
    [InlineData("-5", 1, "time scale must be a positive number")]
    public async Task Bad_time_scale_fails_with_a_message(string value, int exitCode, string message)
    {
        var (code, stderr) = await Run("--time-scale", value);
        Assert.Equal(exitCode, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_mentions_the_time_scale()
    {
        var start = Start("--help");
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Contains("[--time-scale N]", stdout, StringComparison.Ordinal);
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keyman-sandbox.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private static async Task<(int Code, string Stderr)> Run(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stderr);
    }
}
