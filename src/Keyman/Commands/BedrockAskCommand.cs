using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Bedrock;
using Keyman.Core.Ui;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman bedrock ask</c>: ask Claude on Bedrock a question and print the answer.</summary>
internal sealed class BedrockAskCommand : BedrockCommand
{
    private readonly Argument<string?> _prompt = new("prompt") { Description = "The question; '-' or nothing reads it from stdin", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string> _model = new("--model-id") { Description = "Model or inference profile ID (default: the newest Claude model your profile can use in its region)" };
    private readonly Option<int> _maxTokens = new("--max-tokens") { Description = "Most tokens in the answer", DefaultValueFactory = _ => 1024 };
    private readonly Option<string> _system = new("--system") { Description = "A system prompt" };
    private readonly Option<bool> _stream = new("--stream") { Description = "Print the answer as it arrives" };
    private readonly Option<bool> _raw = new("--raw") { Description = "Print Bedrock's whole JSON response (what the how-to writes to output.json)" };

    public BedrockAskCommand(CliHost host)
        : base(new Command("ask", "Ask Claude on Bedrock a question and print the answer"), host)
    {
        Command.Arguments.Add(_prompt);
        Command.Options.Add(_model);
        Command.Options.Add(_maxTokens);
        Command.Options.Add(_system);
        Command.Options.Add(_stream);
        Command.Options.Add(_raw);
        _maxTokens.Validators.Add(r =>
        {
            if (r.Tokens is [var t] && int.TryParse(t.Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < 1)
            {
                r.AddError("--max-tokens must be at least 1.");
            }
        });
        Command.Validators.Add(r =>
        {
            if (r.GetResult(_stream) is { Implicit: false } && r.GetResult(_raw) is { Implicit: false })
            {
                r.AddError("--raw and --stream can't be combined: --raw prints the one JSON response of a non-streamed call.");
            }
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, BedrockClient client, CancellationToken cancellationToken)
    {
        var question = parse.GetValue(_prompt);
        if (question is null or "-")
        {
            question = await Host.In.ReadToEndAsync(cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(question))
        {
            throw new KeymanException(ExitCodes.Usage, "No question to ask", "Pass it as an argument (keyman bedrock ask \"…\") or on stdin.");
        }

        var request = AnthropicRequest.FromPrompt(question.Trim(), parse.GetValue(_maxTokens), parse.GetValue(_system));
        if (parse.GetValue(_model) is { } chosen)
        {
            return await AskModelAsync(chosen);
        }

        // No --model-id: the newest Claude model the profile can use here, falling back when it may not invoke it.
        var catalog = await BedrockCatalog.LoadAsync(client, "Anthropic", cancellationToken);
        return await catalog.WithNewestUsableClaudeAsync(modelId =>
        {
            context.Log.Info($"Using model {modelId}");
            return AskModelAsync(modelId);
        }, context.Log);

        async Task<int> AskModelAsync(string modelId)
        {
            var output = context.Output;
            if (parse.GetValue(_stream))
            {
                await foreach (var update in client.InvokeModelWithResponseStreamAsync(modelId, request, cancellationToken))
                {
                    if (update is AnthropicTextDelta delta)
                    {
                        output.WriteText(delta.Text);
                    }
                    else if (update is AnthropicStreamCompleted done)
                    {
                        output.WriteLine();
                        context.Log.Debug($"stop_reason {done.StopReason}, {done.Usage.InputTokens} tokens in, {done.Usage.OutputTokens} out");
                        WarnIfCut(done.StopReason, context.Log);
                    }
                }

                return ExitCodes.Success;
            }

            var result = await client.InvokeModelAsync(modelId, request, cancellationToken);
            // The model's words are shown, not obeyed, on a terminal; --raw into a file or pipe keeps every byte.
            output.WriteTextLine(parse.GetValue(_raw) ? result.RawJson : result.Message.Text);
            WarnIfCut(result.Message.StopReason, context.Log);
            return ExitCodes.Success;
        }
    }

    private static void WarnIfCut(string? stopReason, ILog log)
    {
        if (stopReason == "max_tokens")
        {
            log.Warning("The answer was cut at --max-tokens; pass a larger --max-tokens for the rest.");
        }
    }
}
