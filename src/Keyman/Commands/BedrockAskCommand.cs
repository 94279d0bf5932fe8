using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Bedrock;
using Keyman.Core.Ui;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman bedrock ask</c>: ask a model on Bedrock a question and print the answer, through Converse (ConverseStream with
/// --stream): one request shape for every provider. --raw keeps InvokeModel with an Anthropic body and prints its JSON.
/// </summary>
internal sealed class BedrockAskCommand : BedrockCommand
{
    private readonly Argument<string?> _prompt = new("prompt") { Description = "The question; '-' or nothing reads it from stdin", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string> _model = new("--model-id", "--model", "-m") { Description = "Model or inference profile ID (default: the newest Claude model your profile can use in its region)" };
    private readonly Option<int> _maxTokens = new("--max-tokens") { Description = "Most tokens in the answer", DefaultValueFactory = _ => 1024 };
    private readonly Option<string> _system = new("--system") { Description = "A system prompt" };
    private readonly Option<bool> _stream = new("--stream") { Description = "Print the answer as it arrives" };
    private readonly Option<bool> _raw = new("--raw") { Description = "Call InvokeModel (Claude's own body) and print Bedrock's whole JSON response (what the how-to writes to output.json)" };
    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Print the model used and the token usage on stderr" };

    public BedrockAskCommand(CliHost host)
        : base(new Command("ask", "Ask Claude on Bedrock a question and print the answer"), host)
    {
        Command.Arguments.Add(_prompt);
        Command.Options.Add(_model);
        Command.Options.Add(_maxTokens);
        Command.Options.Add(_system);
        Command.Options.Add(_stream);
        Command.Options.Add(_raw);
        Command.Options.Add(_verbose);
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

        var maxTokens = parse.GetValue(_maxTokens);
        var system = parse.GetValue(_system);
        question = question.Trim();
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
            if (parse.GetValue(_raw))
            {
                var result = await client.InvokeModelAsync(modelId, AnthropicRequest.FromPrompt(question, maxTokens, system), cancellationToken);
                // Every byte of the JSON, into a file or pipe; on a terminal the model's words are shown, not obeyed.
                output.WriteTextLine(result.RawJson);
                Report(modelId, result.Message.StopReason, result.Message.Usage?.InputTokens, result.Message.Usage?.OutputTokens);
                return ExitCodes.Success;
            }

            var request = ConverseRequest.FromPrompt(question, maxTokens, system);
            if (parse.GetValue(_stream))
            {
                await foreach (var update in client.ConverseStreamAsync(modelId, request, cancellationToken))
                {
                    if (update is ConverseTextDelta delta)
                    {
                        output.WriteText(delta.Text);
                    }
                    else if (update is ConverseStreamCompleted done)
                    {
                        output.WriteLine();
                        Report(modelId, done.StopReason, done.Usage?.InputTokens, done.Usage?.OutputTokens);
                    }
                }

                return ExitCodes.Success;
            }

            var answer = await client.ConverseAsync(modelId, request, cancellationToken);
            output.WriteTextLine(answer.Text);
            Report(modelId, answer.StopReason, answer.Usage?.InputTokens, answer.Usage?.OutputTokens);
            return ExitCodes.Success;
        }

        void Report(string modelId, string? stopReason, int? inputTokens, int? outputTokens)
        {
            if (parse.GetValue(_verbose))
            {
                context.Log.Info(TokenUsage.Describe(modelId, inputTokens, outputTokens, client.Auth));
            }

            WarnIfCut(stopReason, context.Log);
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
