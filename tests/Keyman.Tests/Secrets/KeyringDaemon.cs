using System.Diagnostics;
using Tmds.DBus.Protocol;

namespace Keyman.Tests.Secrets;

/// <summary>
/// A private D-Bus session bus with a real gnome-keyring-daemon on it, in a throw-away HOME, so the Secret Service
/// tests never touch the developer's keyring. .ci/run installs dbus-daemon, gnome-keyring, secret-tool and
/// python3-keyring.
/// </summary>
public sealed class KeyringDaemon : IDisposable
{
    private readonly Process _bus;
    private readonly Process? _keyring;

    private KeyringDaemon(string root, Process bus, string address, Process? keyring)
    {
        Root = root;
        _bus = bus;
        Address = address;
        _keyring = keyring;
    }

    public string Root { get; }

    public string Address { get; }

    public string Home => Path.Combine(Root, "home");

    /// <summary>A bus with an unlocked login keyring as the default collection.</summary>
    public static KeyringDaemon Start() => StartCore(withKeyring: true, config: null);

    /// <summary>A bus that has no Secret Service and cannot activate one.</summary>
    public static KeyringDaemon StartEmptyBus()
    {
        var root = Directory.CreateTempSubdirectory("keyman-bus-").FullName;
        var config = Path.Combine(root, "bus.conf");
        File.WriteAllText(config, """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:tmpdir=/tmp</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """);
        return StartCore(withKeyring: false, config, root);
    }

    private static KeyringDaemon StartCore(bool withKeyring, string? config, string? root = null)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The Secret Service tests need Linux.");
        }

        Require("dbus-daemon");
        root ??= Directory.CreateTempSubdirectory("keyman-keyring-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "home"));
        Directory.CreateDirectory(Path.Combine(root, "run"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var busStart = new ProcessStartInfo("dbus-daemon")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        busStart.ArgumentList.Add(config is null ? "--session" : $"--config-file={config}");
        busStart.ArgumentList.Add("--nofork");
        busStart.ArgumentList.Add("--print-address=1");
        var bus = Process.Start(busStart)!;
        bus.ErrorDataReceived += (_, _) => { };
        bus.BeginErrorReadLine();
        var address = bus.StandardOutput.ReadLine() ?? throw new InvalidOperationException("dbus-daemon printed no address");

        Process? keyring = null;
        if (withKeyring)
        {
            Require("gnome-keyring-daemon");
            var start = new ProcessStartInfo("gnome-keyring-daemon")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "--unlock", "--components=secrets", "--foreground" })
            {
                start.ArgumentList.Add(arg);
            }

            foreach (var (name, value) in Environment(root, address))
            {
                start.Environment[name] = value;
            }

            keyring = Process.Start(start)!;
            keyring.OutputDataReceived += (_, _) => { };
            keyring.ErrorDataReceived += (_, _) => { };
            keyring.BeginOutputReadLine();
            keyring.BeginErrorReadLine();
            // --unlock reads the login keyring's password from stdin and creates that keyring when it is missing.
            keyring.StandardInput.Write("keyman-test-login");
            keyring.StandardInput.Close();
            WaitForName(address, "org.freedesktop.secrets");
        }

        return new KeyringDaemon(root, bus, address, keyring);
    }

    /// <summary>The environment a process needs to use this bus and nothing of the real user's.</summary>
    public static Dictionary<string, string> Environment(string root, string address) => new()
    {
        ["DBUS_SESSION_BUS_ADDRESS"] = address,
        ["HOME"] = Path.Combine(root, "home"),
        ["XDG_RUNTIME_DIR"] = Path.Combine(root, "run"),
        ["XDG_DATA_HOME"] = Path.Combine(root, "home", ".local", "share"),
        ["XDG_CONFIG_HOME"] = Path.Combine(root, "home", ".config"),
        ["XDG_CACHE_HOME"] = Path.Combine(root, "home", ".cache"),
        ["DISPLAY"] = "",
        ["WAYLAND_DISPLAY"] = "",
    };

    public Dictionary<string, string> Environment() => Environment(Root, Address);

    /// <summary>Locks the login keyring (the default collection) through the Secret Service's own Lock call.</summary>
    public void LockLoginKeyring()
    {
        var locked = Run("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login"]);
        if (locked.ExitCode != 0)
        {
            throw new InvalidOperationException("Locking the keyring failed: " + locked.Stderr);
        }
    }

    /// <summary>Runs an independent client (secret-tool, python3) against this bus.</summary>
    public (int ExitCode, string Stdout, string Stderr) Run(string file, IEnumerable<string> arguments, string? stdin = null)
    {
        Require(file);
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{file} did not finish");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void WaitForName(string address, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            using (var connection = new DBusConnection(address))
            {
                connection.ConnectAsync().AsTask().GetAwaiter().GetResult();
                if (connection.ListServicesAsync().GetAwaiter().GetResult().Contains(name))
                {
                    return;
                }
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"{name} did not appear on the test bus");
    }

    private static void Require(string tool)
    {
        var found = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool))) || File.Exists(tool);
        if (!found)
        {
            throw new InvalidOperationException($"{tool} is not installed; .ci/run installs it (apt-get install dbus-daemon gnome-keyring libsecret-tools python3-keyring).");
        }
    }

    public void Dispose()
    {
        foreach (var process in new[] { _keyring, _bus })
        {
            if (process is null)
            {
                continue;
            }

            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One keyring daemon shared by the tests of a class.</summary>
public sealed class KeyringFixture : IDisposable
{
    public KeyringDaemon Daemon { get; } = KeyringDaemon.Start();

    public void Dispose() => Daemon.Dispose();
}
