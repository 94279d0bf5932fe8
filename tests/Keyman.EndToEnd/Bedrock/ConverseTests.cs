using System.Net.Http.Json;
using System.Text.Json;
using Keyman.EndToEnd.Support;
using Keyman.Sandbox.Scenario;

namespace Keyman.EndToEnd.Bedrock;

/// <summary>bedrock ask through Converse and ConverseStream, the AWS CLI's converse as the cross-check, Bedrock API keys, and chat on a terminal.</summary>
public sealed class ConverseTests
{
    private const string Question = "What is the capital of Georgia?";
    private const string Atlanta = "The capital of Georgia is Atlanta. It is the most populous city in Georgia and serves as the state's economic and cultural center.";
    private const string Sonnet = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";

    [Fact]
    public async Task Ask_uses_converse_and_converse_stream_and_the_aws_cli_gets_the_same_answer()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        var before = await world.LastSeqAsync();

        var ask = await world.RunAsync("bedrock", "ask", "-v", "--model-id", Sonnet, Question);
        Assert.True(ask.ExitCode == 0, ask.ToString());
        Assert.Equal(Atlanta, ask.StdOut.Trim());
        Assert.Matches(@"\d+ input \+ 23 output = \d+ tokens \(SigV4 via profile bedrock", ask.StdErr);

        var streamed = await world.RunAsync("bedrock", "ask", "--stream", "-v", "--model-id", Sonnet, Question);
        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        Assert.Equal(Atlanta + "\n", streamed.StdOut);
        Assert.Contains("23 output", streamed.StdErr);

        var raw = await world.RunAsync("bedrock", "ask", "--raw", "--model-id", Sonnet, Question);
        Assert.True(raw.ExitCode == 0, raw.ToString());
        Assert.Equal("message", JsonDocument.Parse(raw.StdOut).RootElement.GetProperty("type").GetString());

        var paths = (await world.RequestsAsync("bedrock-runtime", before)).Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Equal(["converse", "converse-stream", "invoke"], paths.Select(p => p![(p!.LastIndexOf('/') + 1)..]));

        // The same question through botocore's converse, the same profile chain, the same sandbox.
        var cli = await BedrockWorld.ShellAsync(world, $$"""
            aws bedrock-runtime converse --model-id {{Sonnet}} \
              --messages '[{"role":"user","content":[{"text":"{{Question}}"}]}]' | jq -r '.output.message.content[0].text'
            """);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal(ask.StdOut.Trim(), cli.StdOut.Trim());

        // A base model ID that needs an inference profile: Bedrock's ValidationException, with the profile to use.
        var onDemand = await world.RunAsync("bedrock", "ask", "--model-id", "anthropic.claude-3-5-sonnet-20241022-v2:0", Question);
        Assert.Equal(36, onDemand.ExitCode);
        Assert.Contains(Sonnet, onDemand.StdErr);
    }

    [Fact]
    public async Task An_api_key_in_AWS_BEARER_TOKEN_BEDROCK_is_sent_as_bearer_and_never_shown()
    {
        await using var world = await BedrockWorld.LoggedInAsync();
        using var issued = await world.Http.PostAsJsonAsync($"{world.Url}/_sandbox/bedrock/api-keys", new { });
        var key = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!;
        world.Env["AWS_BEARER_TOKEN_BEDROCK"] = key;
        var before = await world.LastSeqAsync();

        var ask = await world.RunAsync("bedrock", "ask", "-v", "--debug", Question);
        Assert.True(ask.ExitCode == 0, ask.ToString());
        Assert.Equal(Atlanta, ask.StdOut.Trim());
        Assert.Contains("(Bearer (AWS_BEARER_TOKEN_BEDROCK))", ask.StdErr);
        Assert.DoesNotContain(key, ask.StdErr);
        Assert.DoesNotContain(key[4..24], ask.StdErr);

        var log = (await world.RequestLogAsync()).EnumerateArray().Where(e => e.GetProperty("seq").GetInt64() > before).ToList();
        Assert.NotEmpty(log);
        Assert.All(log, e => Assert.Equal("bearer", e.GetProperty("credential").GetString()));
        Assert.DoesNotContain(log, e => e.GetProperty("service").GetString() == "sts"); // no role chain, no STS

        var doctor = await world.RunAsync("doctor");
        Assert.Contains("credential: Bearer (AWS_BEARER_TOKEN_BEDROCK)", doctor.StdOut);
        Assert.DoesNotContain(key, doctor.StdOut + doctor.StdErr);

        world.Env["AWS_BEARER_TOKEN_BEDROCK"] = "ABSKbm90LWlzc3VlZC1oZXJl";
        var refused = await world.RunAsync("bedrock", "ask", "--model-id", Sonnet, Question);
        Assert.Equal(32, refused.ExitCode);
        Assert.Contains("Bedrock refused the API key in AWS_BEARER_TOKEN_BEDROCK", refused.StdErr);
        Assert.Single(refused.StdErr.Trim().Split('\n'));

        world.Env.Remove("AWS_BEARER_TOKEN_BEDROCK");
        var signed = await world.RunAsync("doctor");
        Assert.Contains("credential: SigV4 via profile bedrock", signed.StdOut);
    }

    [Fact]
    public async Task Chat_on_a_terminal_keeps_history_takes_multi_line_input_stops_on_ctrl_c_and_ends_on_ctrl_d()
    {
        var scenario = ScenarioDocument.LoadDefault();
        scenario.Bedrock.DefaultAnswer = "Turn {turn}: you said \"{prompt}\" and that is all I have to say about it for now, thank you very much for asking me today.";
        scenario.Bedrock.StreamDelayMs = 150;
        await using var world = await BedrockWorld.LoggedInAsync(scenario);
        var transcript = Path.Combine(world.Home, "chat.json");

        // A python pty drives keyman as a user would: type, wait for words, Ctrl-C mid-answer, type again, Ctrl-D.
        var driver = Path.Combine(world.Home, "drive.py");
        await File.WriteAllTextAsync(driver, """"
            import os, pty, sys, time, select
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(sys.argv[1], sys.argv[1:])
            seen = b""
            def wait(pattern, timeout=30):
                global seen
                end = time.time() + timeout
                while pattern.encode() not in seen:
                    left = end - time.time()
                    if left <= 0:
                        sys.stdout.write(seen.decode(errors="replace")); sys.exit("timed out waiting for " + pattern)
                    r, _, _ = select.select([fd], [], [], left)
                    if r:
                        try:
                            seen += os.read(fd, 4096)
                        except OSError:
                            break
            def send(text):
                os.write(fd, text.encode())
            wait("> ")
            send("first line \\\n")
            wait("… ")
            send("second line\n")
            wait("thank you very much")
            wait("> ")
            send('"""\n')
            send("block one\n")
            send("block two\n")
            send('"""\n')
            wait("Turn 2:")
            wait("that is")
            send("\x03")
            wait("(answer stopped)")
            wait("> ")
            send("third\n")
            wait("Turn 3:")
            wait("for now, thank you very much for asking me today.")
            wait("> ")
            send("\x04")
            _, status = os.waitpid(pid, 0)
            while True:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            sys.stdout.write(seen.decode(errors="replace"))
            sys.exit(os.waitstatus_to_exitcode(status))
            """");
        var run = await KeymanProcess.RunFileAsync("python3", [driver, KeymanProcess.Binary, "bedrock", "chat", "--model-id", Sonnet, "--system", "Be brief.", "--save", transcript, "-v"],
            world.Env, TimeSpan.FromSeconds(120));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Turn 1: you said \"first line \nsecond line\"", run.StdOut.Replace("\r\n", "\n"));
        Assert.Contains("Session: ", run.StdOut);

        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(transcript));
        var root = saved.RootElement;
        Assert.Equal(Sonnet, root.GetProperty("model").GetString());
        Assert.Equal("Be brief.", root.GetProperty("system").GetString());
        var messages = root.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "user", "assistant", "user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("first line \nsecond line", messages[0].GetProperty("text").GetString());
        Assert.Equal("block one\nblock two", messages[2].GetProperty("text").GetString());
        Assert.True(messages[3].GetProperty("stopped").GetBoolean());
        Assert.DoesNotContain("thank you", messages[3].GetProperty("text").GetString());
        Assert.StartsWith("Turn 3:", messages[5].GetProperty("text").GetString()); // the history went with every turn
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(transcript));
    }
}
