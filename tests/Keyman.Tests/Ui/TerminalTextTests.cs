using Keyman.Core.Ui;

namespace Keyman.Tests.Ui;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("plain text, ünïcødé and emoji \U0001F44D", "plain text, ünïcødé and emoji \U0001F44D")]
    [InlineData("two\nlines\tand a tab", "two\nlines\tand a tab")]
    [InlineData("windows\r\nline end", "windows\nline end")]
    [InlineData("\u001b[31mred\u001b[0m", "\u241b[31mred\u241b[0m")]
    [InlineData("\u001b]52;c;ZXZpbA==\u0007", "\u241b]52;c;ZXZpbA==\u2407")]
    [InlineData("over\rwrite", "over\u240dwrite")]
    [InlineData("back\bspace\u007f", "back\u2408space\u2421")]
    [InlineData("c1 csi \u009b2J osc \u009d0;t", "c1 csi \ufffd2J osc \ufffd0;t")]
    public void ControlCharactersBecomeVisibleStandIns(string text, string shown) =>
        Assert.Equal(shown, TerminalText.Defuse(text));

    [Fact]
    public void AnswersGoAsSentIntoAPipeAndDefusedOntoATerminal()
    {
        var pipe = new StringWriter();
        var terminal = new StringWriter();

        new UserOutput(pipe, isTerminal: false).WriteText("a\u001b[2Jb");
        new UserOutput(terminal, isTerminal: true).WriteText("a\u001b[2Jb");

        Assert.Equal("a\u001b[2Jb", pipe.ToString());
        Assert.Equal("a\u241b[2Jb", terminal.ToString());
    }
}
