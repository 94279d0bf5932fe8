using Keyman.Cli.Console;

namespace Keyman.Tests.Cli.Console;

public sealed class ConsoleInteractionTests
{
    [Fact]
    public async Task PipedAnswersAreEchoedButSecretsAreNot()
    {
        var prompts = new StringWriter();
        var ui = new ConsoleInteraction(new StringReader("alice\nhunter2\n"), prompts, inputIsTerminal: false);

        Assert.Equal("alice", await ui.AskAsync("Username:", secret: false, CancellationToken.None));
        Assert.Equal("hunter2", await ui.AskAsync("Password:", secret: true, CancellationToken.None));

        Assert.Contains("Username: alice", prompts.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", prompts.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MenuRowsFromTheServerAreShownNotObeyed()
    {
        var prompts = new StringWriter();
        var ui = new ConsoleInteraction(new StringReader("1\n"), prompts, inputIsTerminal: false);

        var index = await ui.ChooseAsync("Select a role", ["Account", "Role"],
            [["Dev", "Admin"], ["Prod\u001b[2J", "Evil\u001b]52;c;eA==\u0007"]], CancellationToken.None);

        Assert.Equal(1, index);
        Assert.DoesNotContain('\u001b', prompts.ToString());
        Assert.Contains("Prod\u241b[2J", prompts.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMenuTakesAUniqueNameInAnyCaseAsWellAsANumber()
    {
        var prompts = new StringWriter();
        var ui = new ConsoleInteraction(new StringReader("admin\nnobody\nteam/ADMIN\n"), prompts, inputIsTerminal: false);

        var index = await ui.ChooseAsync("Select a role", ["Account", "Role"],
            [["111111111111", "Admin"], ["222222222222", "Admin"], ["222222222222", "team/Admin"]], CancellationToken.None);

        Assert.Equal(2, index);
        Assert.Contains("'admin' is on 2 lines", prompts.ToString(), StringComparison.Ordinal);
        Assert.Contains("'nobody' is not one of the listed numbers or names", prompts.ToString(), StringComparison.Ordinal);
    }
}
