using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman exec -- CMD…</c>: log in, run the command (no shell) with the credentials in its environment, exit with its code.</summary>
internal sealed class ExecCommand : LoginFlowCommand
{
    private readonly Argument<string[]> _command = new("command") { Description = "The command and its arguments, after --", Arity = ArgumentArity.OneOrMore };

    public ExecCommand(CliHost host)
        : base(new Command("exec", "Log in, then run a command (no shell) with the AWS credentials in its environment; exits with its exit code"), host, allOptions: false) =>
        Command.Arguments.Add(_command);

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        var result = await LoginAsync(parse, context, cancellationToken);
        return await RunChildAsync(parse.GetValue(_command)!, result, context);
    }
}
