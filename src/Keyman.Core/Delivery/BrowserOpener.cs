using System.Diagnostics;
using Keyman.Core.Aws;
using Keyman.Core.Ui;

namespace Keyman.Core.Delivery;

/// <summary>Shows a URL in the user's browser. A failure is a warning, never an error: the URL is printed already.</summary>
public interface IBrowserOpener
{
    Task OpenAsync(Uri url, ILog log, CancellationToken cancellationToken);
}

/// <summary>
/// Opens a sign-in URL with the platform's opener (xdg-open, open, cmd /c start), found in PATH only. It hands over a
/// private page that redirects to the URL, not the URL itself: the opener's command line is visible to other local
/// users (ps), and the URL holds a sign-in token. The page is deleted once the browser has had time to read it.
/// </summary>
public sealed class BrowserOpener(string? searchPath, TimeSpan pageLifetime) : IBrowserOpener
{
    /// <summary>The process's PATH; the page lives 5 seconds after the opener returns (it returns once the browser has it).</summary>
    public static BrowserOpener System { get; } = new(null, TimeSpan.FromSeconds(5));

    private static string OpenerName => OperatingSystem.IsWindows() ? "cmd" : OperatingSystem.IsMacOS() ? "open" : "xdg-open";

    public async Task OpenAsync(Uri url, ILog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(log);
        if (OperatingSystem.IsLinux() && (File.Exists("/snap/bin/firefox") || File.Exists("/snap/bin/chromium")))
        {
            // A snap-confined browser cannot read a private page in the temp folder; it gets the URL itself (on the
            // opener's command line for the moment it runs), which beats a browser showing an error.
            log.Debug("A snap browser is installed: opening the sign-in URL directly");
            using var direct = Start(url.AbsoluteUri, log);
            return;
        }

        string page;
        try
        {
            page = ConsoleSignin.WriteRedirectPage(url);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.MustShowWarning($"Cannot open a browser (cannot write the sign-in page in the temp folder: {e.GetType().Name}); open the URL above yourself.");
            return;
        }

        try
        {
            using var process = Start(page, log);
            if (process is not null)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                await Task.Delay(pageLifetime, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Delete it now, read or not.
        }
        finally
        {
            ConsoleSignin.DeleteRedirectPage(page);
        }
    }

    private Process? Start(string target, ILog log)
    {
        // Looked up in PATH only, so that a file of that name in the current directory is never run.
        var found = searchPath is null ? ExecutableLookup.Find(OpenerName) : ExecutableLookup.Find(OpenerName, searchPath);
        if (found is not { } program)
        {
            log.MustShowWarning($"Cannot open a browser ({OpenerName} is not in PATH); open the URL above yourself.");
            return null;
        }

        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (OperatingSystem.IsWindows())
        {
            start.ArgumentList.Add("/c");
            start.ArgumentList.Add("start");
            start.ArgumentList.Add(string.Empty);
        }

        start.ArgumentList.Add(target);
        try
        {
            var process = Process.Start(start);
            log.Info("Opened the sign-in URL in the browser");
            return process;
        }
        catch (global::System.ComponentModel.Win32Exception e)
        {
            log.MustShowWarning($"Cannot open a browser ({start.FileName}: {e.Message}); open the URL above yourself.");
            return null;
        }
    }
}
