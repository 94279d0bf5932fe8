using Keyman.EndToEnd.Support;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>The how-to's role chain, assumed once and then taken from the cache it shares with the AWS CLI.</summary>
public sealed class AssumeRoleCacheTests
{
    private const string Model = "anthropic.claude-3-haiku-20240307-v1:0";

    private static async Task<int> AssumeRoleCallsAsync(World world, long after) =>
        (await world.RequestsAsync("sts", after)).Count(e => e.GetProperty("action").GetString() == "AssumeRole");

    [Fact]
    public async Task ASecondBedrockAskMakesNoStsCallAndTheAwsCliReusesTheSameEntry()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var cache = Path.Combine(world.Home, ".aws", "cli", "cache");
        Assert.False(Directory.Exists(cache));

        var seq = await world.LastSeqAsync();
        var first = await world.RunAsync("bedrock", "ask", "--model-id", Model, "What is the capital of Georgia?");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, await AssumeRoleCallsAsync(world, seq));
        var entry = Assert.Single(Directory.GetFiles(cache));
        Assert.Matches("^[0-9a-f]{40}\\.json$", Path.GetFileName(entry));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache));

        seq = await world.LastSeqAsync();
        var second = await world.RunAsync("bedrock", "ask", "--model-id", Model, "-D", "What is the capital of Georgia?");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.StartsWith("The capital of Georgia is Atlanta.", second.StdOut);
        Assert.Empty(await world.RequestsAsync("sts", seq));
        Assert.Contains("Using the cached session for " + BedrockWorld.BedrockRole, second.StdErr);

        // The AWS CLI finds Keyman's entry under the same key and makes no AssumeRole either.
        seq = await world.LastSeqAsync();
        var cli = await Login.Aws.RunAsync(world.Env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        Assert.StartsWith("arn:aws:sts::111111111111:assumed-role/my-bedrock-role/keyman-", cli.StdOut.Trim());
        Assert.Equal(0, await AssumeRoleCallsAsync(world, seq));
        Assert.Single(Directory.GetFiles(cache));
    }

    [Fact]
    public async Task KeymanReusesTheSessionTheAwsCliCachedAndIgnoresAnEntryItCannotUse()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var cache = Path.Combine(world.Home, ".aws", "cli", "cache");

        var seq = await world.LastSeqAsync();
        var cli = await Login.Aws.RunAsync(world.Env, "sts", "get-caller-identity", "--query", "Arn", "--output", "text");
        Assert.StartsWith("arn:aws:sts::111111111111:assumed-role/my-bedrock-role/botocore-session-", cli.StdOut.Trim());
        Assert.Equal(1, await AssumeRoleCallsAsync(world, seq));
        var entry = Assert.Single(Directory.GetFiles(cache));

        seq = await world.LastSeqAsync();
        var ask = await world.RunAsync("bedrock", "ask", "--model-id", Model, "What is the capital of Georgia?");
        Assert.True(ask.ExitCode == 0, ask.ToString());
        Assert.Empty(await world.RequestsAsync("sts", seq));

        // A damaged entry is no failure: Keyman assumes the role again and replaces it.
        File.WriteAllText(entry, "{\"Credentials\": {\"AccessKeyId\": ");
        seq = await world.LastSeqAsync();
        var again = await world.RunAsync("bedrock", "ask", "--model-id", Model, "What is the capital of Georgia?");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(1, await AssumeRoleCallsAsync(world, seq));
        Assert.Contains("\"AssumedRoleUser\"", File.ReadAllText(entry));
    }
}
