using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Login;
using Keyman.Core.Ui;

namespace Keyman.Cli.Commands;

/// <summary>The root command: aws_okta_keyman's login, with its flags, then -C / --console / --reup.</summary>
internal static class LoginCommand
{
    public static void Configure(RootCommand root)
    {
        var options = new LoginOptions();
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        root.SetAction((parse, cancellationToken) => RunAsync(options, parse, cancellationToken));
    }

    /// <summary>Flags over the config file, as every command that logs in reads them.</summary>
    public static KeymanConfig LoadConfig(LoginOptions options, ParseResult parse, ConsoleLog log, IEnvironment env)
    {
        var flags = options.FromFlags(parse);
        var configPath = ConfigFile.ExpandHome(parse.GetValue(options.Config) ?? ConfigFile.DefaultPath(env), env);
        var file = ConfigFile.Load(configPath, log);
        var config = flags.Over(file);
        if (flags.AssumeRoleArn is not null && config.Accounts is { } accounts)
        {
            // --assume-role beats every assume_role_arn of the file, the per-account ones included.
            config = config with { Accounts = accounts.Select(a => a with { AssumeRoleArn = null }).ToList() };
        }

        log.DebugEnabled = config.Debug ?? false;
        log.Debug($"Config file: {configPath}{(File.Exists(configPath) ? string.Empty : " (not found; flags only)")}");
        return config;
    }

    public static KeymanContext Context(IEnvironment env, ConsoleLog log, IInteraction interaction) => new()
    {
        Environment = env,
        Log = log,
        Interaction = interaction,
        Version = KeymanCli.Version,
        Secrets = SecretStoreFactory.Open(env, log),
    };

    private static async Task<int> RunAsync(LoginOptions options, ParseResult parse, CancellationToken cancellationToken)
    {
        var env = ProcessEnvironment.Instance;
        var log = ConsoleLog.ForStandardError(parse.GetValue(options.Debug));
        try
        {
            var config = LoadConfig(options, parse, log, env);
            if (parse.GetResult(options.Update) is { Implicit: false })
            {
                log.Info("Keyman does not update itself: install the new release the way you installed this one (see README).");
                return ExitCodes.Success;
            }

            if (parse.GetValue(options.WritePath) is { } writePath)
            {
                var target = ConfigFile.ExpandHome(writePath, env);
                ConfigFile.Write(target, config);
                log.Info($"Config file written to {target}");
            }

            if (config.Reup == true && (config.Command is not null || config.Console == true))
            {
                log.Warning("reup keeps refreshing and never reaches command/console (as in aws_okta_keyman); they are ignored.");
            }

            var context = Context(env, log, ConsoleInteraction.ForConsole());
            using var flow = new LoginFlow(context);
            var result = await flow.RunAsync(config, cancellationToken);
            if (config.Screen == true)
            {
                log.Info("AWS Credentials:");
                var output = System.Console.Out;
                output.WriteLine($"AWS_ACCESS_KEY_ID = {result.Credentials.AccessKeyId}");
                output.WriteLine($"AWS_SECRET_ACCESS_KEY = {result.Credentials.SecretAccessKey}");
                output.WriteLine($"AWS_SESSION_TOKEN = {result.Credentials.SessionToken}");
                output.Flush();
            }

            if (config.Reup == true)
            {
                using var stop = StopOnTerminate(cancellationToken);
                var count = await new Reup(context, flow, config).RunAsync(result, stop.Token);
                log.Info($"Stopped refreshing after {count} refresh{(count == 1 ? string.Empty : "es")}; the last credentials stay in the profile.");
                return ExitCodes.Success;
            }

            var exitCode = ExitCodes.Success;
            if (config.Command is { } command)
            {
                exitCode = await RunCommandAsync(CommandLine.Split(command), result, log);
            }

            if (config.Console == true)
            {
                await PrintConsoleUrlAsync(context, result, config, parse.GetValue(options.Open), cancellationToken);
            }

            if (exitCode == ExitCodes.Success)
            {
                log.Info("All done! \U0001F44D");
            }

            return exitCode;
        }
        catch (Exception e)
        {
            return KeymanCli.Fail(e, log.DebugEnabled);
        }
    }

    /// <summary>Ctrl-C already cancels <paramref name="token"/>; SIGTERM should stop reup just as cleanly.</summary>
    private static CancellationTokenSource StopOnTerminate(CancellationToken token)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(token);
        if (!OperatingSystem.IsWindows())
        {
            var registration = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                source.Cancel();
            });
            source.Token.Register(registration.Dispose);
        }

        return source;
    }

    public static async Task<int> RunCommandAsync(IReadOnlyList<string> command, LoginResult result, ConsoleLog log)
    {
        log.Info($"Running: {string.Join(' ', command)}");
        var code = await ChildProcess.RunAsync(command, CredentialVariables.For(result.Credentials, result.Region), CredentialVariables.Cleared,
            forwardInterrupt: System.Console.IsInputRedirected, log);
        if (code != 0)
        {
            log.Debug($"{command[0]} exited with {code}");
        }

        return code;
    }

    public static async Task PrintConsoleUrlAsync(KeymanContext context, LoginResult result, KeymanConfig config, bool open, CancellationToken cancellationToken)
    {
        using var handler = context.HttpHandlerFactory();
        var signin = new ConsoleSignin(context.Environment, handler, context.Log);
        var duration = result.Chained ? Math.Min(config.EffectiveDuration, ConsoleSignin.ChainedMaxDuration) : config.EffectiveDuration;
        var url = await signin.CreateLoginUrlAsync(result.Credentials, result.SamlFormAction, result.Role.Partition,
            result.OktaBaseUrl!, duration, cancellationToken);
        context.Log.Info("AWS Console URL (valid for 15 minutes):");
        System.Console.Out.WriteLine(url.AbsoluteUri);
        System.Console.Out.Flush();
        if (open)
        {
            await OpenBrowserAsync(url, context.Log, cancellationToken);
        }
    }

    /// <summary>
    /// Opens a private page that redirects to the sign-in URL, not the URL itself: the opener's command line is
    /// visible to other local users (ps), the URL holds a sign-in token. The page is deleted once the browser has had
    /// time to read it (a few seconds; the opener returns once the browser has it).
    /// </summary>
    private static async Task OpenBrowserAsync(Uri url, ILog log, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsLinux() && (File.Exists("/snap/bin/firefox") || File.Exists("/snap/bin/chromium")))
        {
            // A snap-confined browser cannot read a private page in the temp folder; it gets the URL itself (on the
            // opener's command line for the moment it runs), which beats a browser showing an error.
            log.Debug("A snap browser is installed: opening the sign-in URL directly");
            using var direct = StartOpener(url.AbsoluteUri, log);
            return;
        }

        string page;
        try
        {
            page = ConsoleSignin.WriteRedirectPage(url);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning($"Cannot open a browser (cannot write the sign-in page: {e.Message}); open the URL above yourself.");
            return;
        }

        try
        {
            using var process = StartOpener(page, log);
            if (process is not null)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
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

    private static Process? StartOpener(string page, ILog log)
    {
        var opener = OperatingSystem.IsWindows() ? "cmd" : OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        // Looked up in PATH only, so that a file of that name in the current directory is never run.
        if (ExecutableLookup.Find(opener) is not { } program)
        {
            log.Warning($"Cannot open a browser ({opener} is not in PATH); open the URL above yourself.");
            return null;
        }

        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        if (OperatingSystem.IsWindows())
        {
            start.ArgumentList.Add("/c");
            start.ArgumentList.Add("start");
            start.ArgumentList.Add(string.Empty);
        }

        start.ArgumentList.Add(page);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        try
        {
            var process = Process.Start(start);
            log.Info("Opened the sign-in URL in the browser");
            return process;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Warning($"Cannot open a browser ({start.FileName}: {e.Message}); open the URL above yourself.");
            return null;
        }
    }
}
