using System.CommandLine;
using Keyman.Cli.Console;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman setup</c>: the parent of the set-up steps (<c>setup claude-code</c>).</summary>
internal static class SetupCommand
{
    public static Command Group(CliHost host)
    {
        var command = new Command("setup", "Set tools up to use Keyman's credentials: Claude Code on Bedrock");
        command.Subcommands.Add(new SetupClaudeCodeCommand(host).Command);
        return command;
    }
}
