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
        using var cancel = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            if (BedrockChatCommand.TryInterrupt())
            {
                return; // the chat stops its answer and goes on
            }

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
        return await RunAsync(args, CliHost.ForProcess(), cancel.Token);
    }

    /// <summary>Parses and runs one command line in <paramref name="host"/>: the process's, or a test's.</summary>
    internal static Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken) =>
        RunAsync(Build(host), args, host, cancellationToken);

    /// <summary>The command tree, with sectioned --help (wrapped to the terminal's width when stdout is one).</summary>
    internal static RootCommand Build(CliHost host)
    {
        var root = new RootCommand("Keyman: log in through Okta (password + MFA), assume an AWS role with the SAML assertion, and write short-lived AWS credentials. Same config file and flags as aws_okta_keyman.");
        foreach (var option in root.Options.OfType<VersionOption>().ToList())
        {
            root.Options.Remove(option);
        }

        root.Options.Add(new VersionOption("--version", "-V"));
        _ = new LoginCommand(root, host);
        root.Subcommands.Add(new ExecCommand(host).Command);
        root.Subcommands.Add(new ServeCommand(host).Command);
        root.Subcommands.Add(new EnvCommand(host).Command);
        root.Subcommands.Add(new CredentialProcessCommand(host).Command);
        root.Subcommands.Add(new SetupProfileCommand(host).Command);
        root.Subcommands.Add(SetupCommand.Group(host));
        root.Subcommands.Add(new ConfigCommand(host).Command);
        root.Subcommands.Add(BedrockCommand.Group(host));
        root.Subcommands.Add(new DoctorCommand(host).Command);
        root.Subcommands.Add(new StatusCommand(host).Command);
        root.Subcommands.Add(new LogoutCommand(host).Command);
        root.Subcommands.Add(new CompletionCommand(host).Command);
        SectionedHelp.Install(root, HelpWidth(host));
        return root;
    }

    private static async Task<int> RunAsync(RootCommand root, string[] args, CliHost host, CancellationToken cancellationToken)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var log = ConsoleLog.ForStandardError(host, debug: false);
            foreach (var line in ParseErrors.Lines(parse))
            {
                log.Error(line);
            }

            return ExitCodes.Usage;
        }

        try
        {
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = host.Out, Error = host.Error };
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e)
        {
            return ErrorReport.Fail(host, e, args.Contains("-D") || args.Contains("--debug"));
        }
    }

    private static int HelpWidth(CliHost host)
    {
        if (!host.OutputIsTerminal)
        {
            return int.MaxValue;
        }

        try
        {
            return System.Console.WindowWidth is > 0 and var width ? width : int.MaxValue;
        }
        catch (IOException)
        {
            return int.MaxValue;
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
            ConsoleLog.ForStandardError(CliHost.ForProcess(), debug: false).Error("Cancelled.");
        }
        catch (IOException)
        {
            // stderr is gone; the exit code still tells.
        }

        Environment.Exit(exitCode);
    }
}
