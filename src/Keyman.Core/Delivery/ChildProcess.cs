using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Keyman.Core.Ui;

namespace Keyman.Core.Delivery;

/// <summary>
/// Runs a program directly (no shell) with extra environment variables, its stdin/stdout/stderr inherited, and
/// returns its exit code. While it runs, SIGTERM, SIGHUP and SIGQUIT sent to Keyman are passed on to it; Ctrl-C in a
/// terminal reaches it directly (the terminal signals the whole foreground process group), and Keyman waits for it
/// instead of dying first. With <c>forwardInterrupt</c> (stdin not a terminal) SIGINT is passed on as well.
/// A bare program name is looked up in PATH only (<see cref="ExecutableLookup"/>).
/// </summary>
public static partial class ChildProcess
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> command,
        IReadOnlyList<KeyValuePair<string, string>> variables,
        IReadOnlyList<string> cleared,
        bool forwardInterrupt,
        ILog log)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0 || string.IsNullOrEmpty(command[0]))
        {
            throw new KeymanException(ExitCodes.Usage, "No command to run", "Put the command after --, e.g. keyman exec -- aws sts get-caller-identity.");
        }

        // Looked up here, in PATH only: left to Process.Start, a bare name would first be tried in the current directory.
        var program = ExecutableLookup.Find(command[0]) ?? throw new KeymanException(
            ExitCodes.CommandNotFound,
            $"Cannot run '{command[0]}': no executable of that name in PATH",
            "Check the program name and PATH. Keyman looks for a bare name only in PATH, never in the current directory (write ./NAME for that), "
            + "and runs it without a shell; for shell syntax use e.g. -C \"sh -c '…'\".");
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in cleared)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        // The handlers are in place before the child starts: a signal that comes while it starts is held and passed on
        // once it runs, instead of reaching Keyman's own handlers and leaving the child running (a race seen under load).
        var target = new SignalTarget();
        var registrations = new List<PosixSignalRegistration>();
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => target.Forward(c, 15)));
                registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => target.Forward(c, 1)));
                registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => target.Forward(c, 3)));
            }

            registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
            {
                if (forwardInterrupt && !OperatingSystem.IsWindows())
                {
                    target.Forward(c, 2);
                }
                else
                {
                    c.Cancel = true;
                }
            }));

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
            }
            catch (Win32Exception e)
            {
                var notFound = e.NativeErrorCode == 2 || e.Message.Contains("No such file", StringComparison.OrdinalIgnoreCase);
                throw new KeymanException(
                    notFound ? ExitCodes.CommandNotFound : ExitCodes.CommandNotExecutable,
                    $"Cannot run '{command[0]}': {e.Message}",
                    notFound
                        ? "Check the program name and PATH. Keyman runs the command without a shell; for shell syntax use e.g. -C \"sh -c '…'\"."
                        : "Check that the file is executable.",
                    e);
            }

            using (process)
            {
                log.Debug($"Started {program} (pid {process.Id}) with the AWS credentials in its environment");
                target.Started(process);

                // The child decides when to stop; Keyman's own cancellation only stops waiting once the child is gone.
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return process.ExitCode;
            }
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }

    /// <summary>Where signals go: the child once it runs; until then they are held (the last one wins).</summary>
    private sealed class SignalTarget
    {
        private readonly Lock _gate = new();
        private Process? _process;
        private int _held;

        public void Forward(PosixSignalContext context, int signal)
        {
            context.Cancel = true;
            lock (_gate)
            {
                if (_process is null)
                {
                    _held = signal;
                    return;
                }
            }

            Send(_process, signal);
        }

        public void Started(Process process)
        {
            int held;
            lock (_gate)
            {
                _process = process;
                held = _held;
            }

            if (held != 0)
            {
                Send(process, held);
            }
        }
    }

    private static void Send(Process process, int signal)
    {
        try
        {
            if (!process.HasExited)
            {
                _ = Kill(process.Id, signal);
            }
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
