using System.CommandLine;
using System.Runtime.InteropServices;
using System.Reflection;
using Keyman.Cli.Commands;
using Keyman.Cli.Console;
using Keyman.Core;

namespace Keyman.Cli;

/// <summary>Builds the command tree and turns every failure into one line on stderr plus a documented exit code.</summary>
internal static class KeymanCli
{
    public static string Version { get; } =
        typeof(KeymanCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Keyman: log in through Okta (password + MFA), assume an AWS role with the SAML assertion, and write short-lived AWS credentials. Same config file and flags as aws_okta_keyman.");
        foreach (var option in root.Options.OfType<VersionOption>().ToList())
        {
            root.Options.Remove(option);
        }

        root.Options.Add(new VersionOption("--version", "-V"));
        LoginCommand.Configure(root);
        DeliveryCommands.AddTo(root);
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(BedrockCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());

        using var cancel = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            if (ConsoleInteraction.PromptActive)
            {
                // A prompt blocks in a read no token reaches: end now rather than leave Ctrl-C doing nothing.
                ExitAtPrompt(ExitCodes.Cancelled);
            }

            cancel.Cancel();
        };

        // SIGTERM and SIGHUP at a prompt (e.g. the AWS CLI that ran credential-process was stopped) must not leave the
        // terminal without echo nor keyman holding the profile's lock; elsewhere they keep their usual effect.
        using var terminate = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, AtPrompt(ExitCodes.Terminated));
        using var hangUp = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, AtPrompt(ExitCodes.HungUp));
        using var tempFiles = AtomicFile.RemoveTempFilesOnSignals();

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var log = ConsoleLog.ForStandardError(debug: false);
            foreach (var error in parse.Errors)
            {
                log.Error($"{error.Message.TrimEnd('.')}. Fix: see 'keyman --help'.");
            }

            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancel.Token);
        }
        catch (Exception e)
        {
            return Fail(e, args.Contains("-D") || args.Contains("--debug"));
        }
    }

    private static Action<PosixSignalContext> AtPrompt(int exitCode) => context =>
    {
        if (ConsoleInteraction.PromptActive)
        {
            context.Cancel = true;
            ExitAtPrompt(exitCode);
        }
    };

    private static void ExitAtPrompt(int exitCode)
    {
        ConsoleInteraction.AbandonPrompt();
        try
        {
            System.Console.Error.WriteLine();
            ConsoleLog.ForStandardError(debug: false).Error("Cancelled.");
        }
        catch (IOException)
        {
            // stderr is gone; the exit code still tells.
        }

        Environment.Exit(exitCode);
    }

    /// <summary>Prints the failure as one line, "what is wrong. Fix: how", with the stack only under --debug.</summary>
    public static int Fail(Exception e, bool debug)
    {
        var log = ConsoleLog.ForStandardError(debug);
        switch (e)
        {
            case KeymanException k:
                log.Error(k.Hint is null ? k.Message : $"{k.Message.TrimEnd('.')}. Fix: {k.Hint}");
                if (debug && k.InnerException is not null)
                {
                    log.Debug(DebugDetail(k.InnerException));
                }

                return k.ExitCode;
            case OperationCanceledException:
                log.Error("Cancelled.");
                return ExitCodes.Cancelled;
            default:
                log.Error(MayQuoteAFile(e)
                    ? $"Unexpected error: {e.GetType().Name}. Fix: run again with --debug and report it."
                    : $"Unexpected error: {e.GetType().Name}: {e.Message}. Fix: run again with --debug and report it.");
                if (debug)
                {
                    log.Debug(DebugDetail(e));
                }

                return ExitCodes.Internal;
        }
    }

    /// <summary>
    /// The exception for --debug, unless a message in its chain may quote a line of a file: AWSSDK.Core's parser says
    /// "Line N:&lt;raw line&gt; in file …", and that line can hold a secret key. Then only the types and stacks show.
    /// </summary>
    internal static string DebugDetail(Exception e)
    {
        var chain = new List<Exception>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            chain.Add(x);
        }

        if (!chain.Any(MayQuoteAFile))
        {
            return e.ToString();
        }

        var builder = new System.Text.StringBuilder();
        foreach (var x in chain)
        {
            builder.Append(builder.Length == 0 ? string.Empty : " ---> ").Append(x.GetType().FullName).Append(" (message withheld: it may quote a line of a file)");
            if (x.StackTrace is { } stack)
            {
                builder.Append('\n').Append(stack);
            }
        }

        return builder.ToString();
    }

    private static bool MayQuoteAFile(Exception e) =>
        e is TypeInitializationException or InvalidDataException
        || (e.Message.IndexOf('<', StringComparison.Ordinal) is var open and >= 0 && e.Message.AsSpan(open).Contains('>'));
}
