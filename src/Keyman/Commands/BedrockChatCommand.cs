using System.CommandLine;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Bedrock;

namespace Keyman.Cli.Commands;

/// <summary>
/// <c>keyman bedrock chat</c>: a conversation on the terminal. Answers stream in; the session keeps the history; a line
/// ending in '\' continues the message and <c>"""</c> lines fence a block; Ctrl-C stops an answer, Ctrl-D ends the chat.
/// </summary>
internal sealed class BedrockChatCommand : BedrockCommand
{
    private static readonly Lock InterruptGate = new();
    private static Func<bool>? s_interrupt;

    private readonly Option<string> _model = new("--model-id", "--model", "-m") { Description = "Model or inference profile ID, of any provider (default: the newest Claude model your profile can use in its region)" };
    private readonly Option<string> _system = new("--system") { Description = "A system prompt for the whole conversation" };
    private readonly Option<int?> _maxTokens = new("--max-tokens") { Description = "Most tokens in each answer (default: the model's)" };
    private readonly Option<string> _save = new("--save") { Description = "Write the transcript to this file as JSON (0600), after every answer" };
    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Print the token usage of each answer and of the session on stderr" };

    public BedrockChatCommand(CliHost host)
        : base(new Command("chat", "Chat with a model on Bedrock: streamed answers, history kept for the session (Ctrl-C stops an answer, Ctrl-D ends)"), host)
    {
        Command.Options.Add(_model);
        Command.Options.Add(_system);
        Command.Options.Add(_maxTokens);
        Command.Options.Add(_save);
        Command.Options.Add(_verbose);
        _maxTokens.Validators.Add(r =>
        {
            if (r.Tokens is [var t] && int.TryParse(t.Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < 1)
            {
                r.AddError("--max-tokens must be at least 1.");
            }
        });
    }

    /// <summary>Ctrl-C while a chat runs: stops the answer under way (or just reminds how to leave); true when handled.</summary>
    internal static bool TryInterrupt()
    {
        lock (InterruptGate)
        {
            return s_interrupt?.Invoke() ?? false;
        }
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, BedrockClient client, CancellationToken cancellationToken)
    {
        var modelId = parse.GetValue(_model)
            ?? (await BedrockCatalog.LoadAsync(client, "Anthropic", cancellationToken)).NewestClaude().InvokeId;
        var session = new ChatSession(client, modelId, parse.GetValue(_system), parse.GetValue(_maxTokens), context.Time);
        var save = parse.GetValue(_save);
        var verbose = parse.GetValue(_verbose);
        var terminal = Host.InputIsTerminal;
        var error = Host.Error;
        if (terminal)
        {
            error.WriteLine($"Chatting with {modelId} ({client.Auth.Description}). Enter sends; end a line with \\ to go on, or put \"\"\" lines around a block.");
            error.WriteLine("Ctrl-C stops an answer; Ctrl-D ends the chat.");
        }

        CancellationTokenSource? answering = null;
        SetInterrupt(() =>
        {
            if (Volatile.Read(ref answering) is { } running)
            {
                running.Cancel();
                return true;
            }

            if (terminal)
            {
                error.Write("\n(Ctrl-D ends the chat)\n> ");
                return true;
            }

            return false; // no terminal, no answer under way: an interrupt ends the chat as usual
        });
        try
        {
            while (await ChatInput.ReadMessageAsync(continuation => ReadLineAsync(continuation, cancellationToken)) is { } message)
            {
                if (string.IsNullOrWhiteSpace(message))
                {
                    continue;
                }

                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Volatile.Write(ref answering, stop);
                ChatReply reply;
                try
                {
                    reply = await session.SendAsync(message, context.Output.WriteText, stop.Token);
                }
                catch (KeymanException e)
                {
                    // A refused or failed turn ends no conversation: say why, and let the user go on or leave.
                    context.Log.Error(e.Hint is null ? e.Message : $"{e.Message}. Fix: {e.Hint}");
                    continue;
                }
                finally
                {
                    Volatile.Write(ref answering, null);
                }

                cancellationToken.ThrowIfCancellationRequested();
                context.Output.WriteLine();
                if (reply.Stopped)
                {
                    context.Log.Info("(answer stopped)");
                }
                else if (reply.StopReason == "max_tokens")
                {
                    context.Log.Warning("The answer was cut at --max-tokens.");
                }

                if (verbose)
                {
                    context.Log.Info(TokenUsage.Describe(modelId, reply.Usage?.InputTokens, reply.Usage?.OutputTokens, client.Auth));
                }

                if (save is not null)
                {
                    session.Save(save);
                }
            }
        }
        finally
        {
            SetInterrupt(null);
        }

        if (terminal)
        {
            error.WriteLine();
        }

        if (save is not null)
        {
            session.Save(save);
            context.Log.Info($"Transcript saved to {save}");
        }

        if (verbose)
        {
            context.Log.Info($"Session: {session.Transcript.InputTokens} input + {session.Transcript.OutputTokens} output tokens");
        }

        return ExitCodes.Success;
    }

    private async Task<string?> ReadLineAsync(bool continuation, CancellationToken cancellationToken)
    {
        if (Host.InputIsTerminal)
        {
            await Host.Error.WriteAsync(continuation ? "… " : "> ");
            await Host.Error.FlushAsync(cancellationToken);
        }

        return await Host.In.ReadLineAsync(cancellationToken);
    }

    private static void SetInterrupt(Func<bool>? handler)
    {
        lock (InterruptGate)
        {
            s_interrupt = handler;
        }
    }
}
