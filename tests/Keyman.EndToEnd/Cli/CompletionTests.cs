using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Cli;

/// <summary>
/// <c>keyman completion SHELL</c> scripts loaded into the real shells (bash, zsh, fish from Debian, installed by .ci/run),
/// asked to complete a half-typed command line, with the published binary on PATH as a user installs it.
/// </summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("bash", "keyman bedrock a", "ask")]
    [InlineData("bash", "keyman --reg", "--region")]
    [InlineData("bash", "aws_okta_keyman cred", "credential-process")]
    [InlineData("zsh", "keyman bedrock m", "models")]
    [InlineData("zsh", "keyman --duo", "--duo_factor")]
    [InlineData("fish", "keyman bedr", "bedrock")]
    [InlineData("fish", "keyman doctor --pro", "--profile")]
    public async Task TheShellCompletesFromTheBinary(string shell, string line, string expected)
    {
        await using var world = await World.StartAsync();
        var bin = Path.Combine(world.Home, "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "keyman"), KeymanProcess.Binary);
        File.CreateSymbolicLink(Path.Combine(bin, "aws_okta_keyman"), KeymanProcess.Binary);
        var env = new Dictionary<string, string>(world.Env) { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"), ["LINE"] = line };
        var words = line.Split(' ');

        var (file, args) = shell switch
        {
            "bash" => ("bash", new[] { "-c", $$"""
                source <(keyman completion bash)
                COMP_LINE="$LINE"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=({{line}}); COMP_CWORD={{words.Length - 1}}
                _keyman_complete {{words[0]}}
                printf '%s\n' "${COMPREPLY[@]}"
                """ }),
            // compadd only works inside a completion widget; a function of that name shadows it and prints what it is given.
            "zsh" => ("zsh", ["-c", """
                autoload -U compinit && compinit -u
                source <(keyman completion zsh)
                compadd() { print -l -- ${(P)2} }
                BUFFER="$LINE"; CURSOR=${#BUFFER}; words=(${(z)LINE})
                _keyman_complete
                """]),
            _ => ("fish", ["-c", "keyman completion fish | source; complete -C\"$LINE\""]),
        };

        var run = await KeymanProcess.RunFileAsync(Which(shell), args, env, TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(expected, run.StdOut.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("bash", "complete -p keyman aws_okta_keyman", "_keyman_complete")]
    [InlineData("zsh", "print -- $_comps[keyman]", "_keyman_complete")]
    [InlineData("fish", "complete -c keyman", "__keyman_complete")]
    public async Task TheReadmesRcLineRegistersTheCompletion(string shell, string show, string registered)
    {
        // The line the README tells the user to add to the shell's rc file, taken from its table as written.
        var readme = await File.ReadAllLinesAsync(Path.Combine(KeymanProcess.RepositoryRoot, "README.md"));
        var row = Assert.Single(readme, l => l.StartsWith($"| {shell} |", StringComparison.Ordinal) && l.Contains("keyman completion", StringComparison.Ordinal));
        var rcLine = row.Split(" | ")[^1].TrimEnd(' ', '|').Trim('`').Replace("\\|", "|", StringComparison.Ordinal);
        await using var world = await World.StartAsync();
        var bin = Path.Combine(world.Home, "bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "keyman"), KeymanProcess.Binary);
        var env = new Dictionary<string, string>(world.Env) { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") };
        var script = (shell == "zsh" ? "autoload -U compinit && compinit -u\n" : string.Empty) + rcLine + "\n" + show;

        var run = await KeymanProcess.RunFileAsync(Which(shell), ["-c", script], env, TimeSpan.FromSeconds(30));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(registered, run.StdOut);
    }

    [Fact]
    public async Task AnUnknownShellIsAUsageError()
    {
        await using var world = await World.StartAsync();
        var run = await world.RunAsync("completion", "tcsh");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("tcsh", run.StdErr);
    }

    private static string Which(string shell) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, shell)).FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException($"{shell} is not installed; .ci/run installs it (Debian package {shell}).");
}
