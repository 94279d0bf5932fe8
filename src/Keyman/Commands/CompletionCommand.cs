using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman completion bash|zsh|fish|powershell</c>: prints a script that asks keyman itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, so the completions always match the installed binary's commands
/// and options (no dotnet-suggest needed). Covers the name <c>aws_okta_keyman</c> too, for users who kept the original's.
/// </summary>
internal sealed class CompletionCommand : KeymanCommand
{
    private static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        ["bash"] = """
            # keyman completion for bash. Add to ~/.bashrc:  source <(keyman completion bash)
            _keyman_complete() {
                local line="${COMP_LINE:0:$COMP_POINT}" IFS=$'\n'
                COMPREPLY=($(compgen -W "$("$1" "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
            }
            complete -o default -F _keyman_complete keyman aws_okta_keyman
            """,
        ["zsh"] = """
            # keyman completion for zsh. Add to ~/.zshrc (after compinit):  source <(keyman completion zsh)
            _keyman_complete() {
                local line="${BUFFER[1,$CURSOR]}"
                local -a suggestions
                suggestions=("${(@f)$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)}")
                compadd -a suggestions
            }
            compdef _keyman_complete keyman aws_okta_keyman
            """,
        ["fish"] = """
            # keyman completion for fish. Add to ~/.config/fish/config.fish:  keyman completion fish | source
            function __keyman_complete
                set -l line (commandline -cp)
                set -l exe (commandline -opc)[1]
                $exe "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
            end
            complete -c keyman -f -a '(__keyman_complete)'
            complete -c aws_okta_keyman -f -a '(__keyman_complete)'
            """,
        ["powershell"] = """
            # keyman completion for PowerShell. Add to $PROFILE:  keyman completion powershell | Out-String | Invoke-Expression
            Register-ArgumentCompleter -Native -CommandName keyman, aws_okta_keyman -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                $line = $commandAst.ToString()
                $position = [Math]::Min($cursorPosition - $commandAst.Extent.StartOffset, $line.Length)
                $exe = $commandAst.CommandElements[0].ToString()
                & $exe "[suggest:$position]" "$line" 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }
            """,
    };

    private readonly Argument<string> _shell = new("shell") { Description = "bash, zsh, fish or powershell" };

    // Taken as on every command; printing a fixed script logs nothing, so it changes nothing here.
    private readonly Option<bool> _debug = CommonOptions.Debug("Accepted as on every command; the script is the same and nothing is logged");

    public CompletionCommand(CliHost host)
        : base(new Command("completion", "Print the tab-completion script for a shell (see README: Install)"), host)
    {
        _shell.AcceptOnlyFromAmong([.. Scripts.Keys]);
        Command.Arguments.Add(_shell);
        Command.Options.Add(_debug);
    }

    protected override Option<bool> Debug => _debug;

    protected override Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, CancellationToken cancellationToken)
    {
        context.Output.Write(Scripts[parse.GetValue(_shell)!].ReplaceLineEndings("\n") + "\n");
        return Task.FromResult(ExitCodes.Success);
    }
}
