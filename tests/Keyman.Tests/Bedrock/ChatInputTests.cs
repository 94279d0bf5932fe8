using Keyman.Core.Bedrock;

namespace Keyman.Tests.Bedrock;

public class ChatInputTests
{
    private static async Task<(string? Message, List<bool> Prompts)> Read(params string?[] lines)
    {
        var queue = new Queue<string?>(lines);
        var prompts = new List<bool>();
        var message = await ChatInput.ReadMessageAsync(continuation =>
        {
            prompts.Add(continuation);
            return Task.FromResult(queue.Count > 0 ? queue.Dequeue() : null);
        });
        return (message, prompts);
    }

    [Fact]
    public async Task One_line_is_one_message()
    {
        var (message, prompts) = await Read("Hello there", "next");
        Assert.Equal("Hello there", message);
        Assert.Equal([false], prompts);
    }

    [Fact]
    public async Task A_trailing_backslash_continues_on_the_next_line()
    {
        var (message, prompts) = await Read("first \\", "second\\", "third", "not read");
        Assert.Equal("first \nsecond\nthird", message);
        Assert.Equal([false, true, true], prompts);
    }

    [Fact]
    public async Task Triple_quote_lines_fence_a_block_kept_verbatim()
    {
        var (message, _) = await Read("\"\"\"", "def f():", "    return 1 \\", "", "\"\"\"", "after");
        Assert.Equal("def f():\n    return 1 \\\n", message);
    }

    [Fact]
    public async Task End_of_input_before_a_message_is_null_and_inside_one_keeps_what_came()
    {
        Assert.Null((await Read()).Message);
        Assert.Equal("half", (await Read("half\\")).Message);
        Assert.Equal("open block", (await Read("\"\"\"", "open block")).Message);
    }
}
