using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Secrets;
using Keyman.Tests.Secrets;
using Keyman.Tests.Support;

namespace Keyman.Tests.Cli.Console;

/// <summary>
/// A locked keyring's unlock dialog is a wait like an Okta Verify push: the command's interaction shows the live wait
/// line on a terminal, and nothing but the log line when stderr is not one. Runs against a real gnome-keyring-daemon
/// whose login keyring is locked; with no prompter that can reach a screen, the daemon ends the dialog as dismissed.
/// </summary>
public sealed class KeyringWaitTests
{
    private const string Erase = "\r\u001b[K";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_unlock_dialog_waits_on_the_commands_wait_line(bool errorIsTerminal)
    {
        using var daemon = KeyringDaemon.Start();
        var service = $"keyman-wait-{Guid.NewGuid():N}";
        await new Core.Secrets.Linux.SecretServiceStore(daemon.Address, canPrompt: false, new RecordingLog()).SetAsync(service, "alice", "s3cret");
        daemon.LockLoginKeyring();
        var stderr = new StringWriter();
        var host = CliTestHost.Capture(stderr, errorIsTerminal, new Dictionary<string, string>
        {
            [SecretStores.Variable] = "secret-service",
            ["DBUS_SESSION_BUS_ADDRESS"] = daemon.Address,
            ["DISPLAY"] = ":4711",
        });
        var log = new RecordingLog();
        var store = SecretStoreFactory.Open(host.Environment, log, ConsoleInteraction.ForConsole(host))!;

        var e = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.GetAsync(service, "alice"));

        Assert.Equal(ExitCodes.SecretStoreLocked, e.ExitCode);
        Assert.Contains("answer the dialog on your screen", log.All);
        if (errorIsTerminal)
        {
            Assert.StartsWith($"{Erase}Waiting for the dialog to unlock the keyring… 0 s (Ctrl-C to cancel)", stderr.ToString(), StringComparison.Ordinal);
            Assert.EndsWith(Erase, stderr.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(string.Empty, stderr.ToString());
        }
    }
}
