using System.CommandLine;
using System.Runtime.InteropServices;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Login;

namespace Keyman.Cli.Commands;

/// <summary>A command that logs in with aws_okta_keyman's flags over the config file: the root, exec, env, credential-process.</summary>
internal abstract class LoginFlowCommand : KeymanCommand
{
    protected LoginFlowCommand(Command command, CliHost host, bool allOptions) : base(command, host)
    {
        Options = new LoginOptions(host.Environment);
        foreach (var option in allOptions ? Options.All : Options.ForDelivery)
        {
            command.Options.Add(option);
        }
    }

    protected LoginOptions Options { get; }

    protected override Option<bool> Debug => Options.Debug;

    protected override Option<bool> Quiet => Options.Quiet;

    protected override bool UsesSecretStore => true;

    /// <summary>Flags over the config file, as every command that logs in reads them.</summary>
    protected KeymanConfig LoadConfig(ParseResult parse, KeymanContext context)
    {
        var env = context.Environment;
        var flags = Options.FromFlags(parse);
        var configPath = ConfigFile.ExpandHome(parse.GetValue(Options.Config) ?? ConfigFile.DefaultPath(env), env);
        var file = ConfigFile.Load(configPath, context.Log);
        var config = flags.Over(file);
        if (flags.AssumeRoleArn is not null && config.Accounts is { } accounts)
        {
            // --assume-role beats every assume_role_arn of the file, the per-account ones included.
            config = config with { Accounts = accounts.Select(a => a with { AssumeRoleArn = null }).ToList() };
        }

        if (context.Log is ConsoleLog log)
        {
            // "debug: true" in the file counts as -D from here on.
            log.DebugEnabled = config.Debug ?? false;
        }

        if (config.CaBundle is not null)
        {
            context.Http.CaBundle = config.CaBundle; // ca_bundle / --ca-bundle: trusted instead of the system's CAs
        }

        context.Log.Debug($"Config file: {configPath}{(File.Exists(configPath) ? string.Empty : " (not found; flags only)")}");
        return config;
    }

    /// <summary>Logs in without writing the credentials file, for the commands that hand the credentials over their own way.</summary>
    protected async Task<LoginResult> LoginAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var config = LoadConfig(parse, context);
        using var flow = new LoginFlow(context) { WriteCredentialsFile = false };
        return await flow.RunAsync(config, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="command"/> (no shell) with the credentials in its environment; returns its exit code.</summary>
    protected Task<int> RunChildAsync(IReadOnlyList<string> command, LoginResult result, KeymanContext context) =>
        RunChildAsync(command, CredentialVariables.For(result.Credentials, result.Region), CredentialVariables.Cleared, context);

    /// <summary>Runs <paramref name="command"/> (no shell) with <paramref name="variables"/> set and <paramref name="cleared"/> removed.</summary>
    protected async Task<int> RunChildAsync(IReadOnlyList<string> command, IReadOnlyList<KeyValuePair<string, string>> variables,
        IReadOnlyList<string> cleared, KeymanContext context)
    {
        context.Log.Info($"Running: {string.Join(' ', command)}");
        var code = await ChildProcess.RunAsync(command, variables, cleared, forwardInterrupt: !Host.InputIsTerminal, context.Log).ConfigureAwait(false);
        if (code != 0)
        {
            context.Log.Debug($"{command[0]} exited with {code}");
        }

        return code;
    }

    /// <summary>Ctrl-C already cancels <paramref name="token"/>; SIGTERM should stop reup and serve just as cleanly.</summary>
    protected static CancellationTokenSource StopOnTerminate(CancellationToken token)
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
}
