using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Bedrock;
using Spectre.Console;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman bedrock models</c> and <c>keyman bedrock ask</c>: steps 4 and 5 of the how-to without jq or a JSON body.</summary>
internal static class BedrockCommand
{
    public static Command Create()
    {
        var command = new Command("bedrock", "Use Amazon Bedrock with your AWS profile: list the Claude models, ask Claude");
        command.Subcommands.Add(Models());
        command.Subcommands.Add(Ask());
        return command;
    }

    private static Command Models()
    {
        var aws = new AwsCommandOptions();
        var provider = new Option<string>("--provider") { Description = "Model provider to list, or 'all'", DefaultValueFactory = _ => "Anthropic" };
        var json = new Option<bool>("--json") { Description = "JSON for scripts: the models, how to invoke each, and the inference profiles" };
        var plain = new Option<bool>("--plain") { Description = "One model ID a line, for scripts" };
        var command = new Command("models", "List the foundation models your profile can see, marking the Claude models that need an inference profile");
        aws.AddTo(command);
        command.Options.Add(provider);
        command.Options.Add(json);
        command.Options.Add(plain);
        command.SetAction((parse, cancellationToken) => RunAsync(aws, parse, async (client, log) =>
        {
            var wanted = parse.GetValue(provider);
            var catalog = await BedrockCatalog.LoadAsync(client, string.Equals(wanted, "all", StringComparison.OrdinalIgnoreCase) ? null : wanted, cancellationToken);
            var stdout = System.Console.Out;
            if (parse.GetValue(json))
            {
                var output = new ModelsOutput(
                    catalog.Region,
                    catalog.Models.Select(m => new ModelOutput(m.Model.ModelId, m.Model.ModelName, m.Model.ProviderName, m.NeedsInferenceProfile, m.InvokeId, m.Model.ModelLifecycle?.Status)).ToList(),
                    catalog.InferenceProfiles.Select(p => new ProfileOutput(p.InferenceProfileId, p.InferenceProfileName, p.Status)).ToList());
                stdout.WriteLine(JsonSerializer.Serialize(output, CliJson.Default.ModelsOutput));
            }
            else if (parse.GetValue(plain))
            {
                foreach (var model in catalog.Models)
                {
                    stdout.WriteLine(model.Model.ModelId);
                }
            }
            else
            {
                RenderTable(catalog);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static void RenderTable(BedrockCatalog catalog)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (System.Console.IsOutputRedirected)
        {
            // Piped into a file or a pager: don't wrap IDs at an imaginary 80 columns.
            console.Profile.Width = 240;
        }

        var table = new Table().Border(TableBorder.Simple).Title($"Foundation models in {catalog.Region}");
        table.AddColumns("Model ID", "Name", "Needs inference profile", "Invoke with", "Status");
        foreach (var model in catalog.Models)
        {
            table.AddRow(
                Markup.Escape(model.Model.ModelId),
                Markup.Escape(model.Model.ModelName ?? string.Empty),
                model.NeedsInferenceProfile ? "[yellow]yes[/]" : "no",
                Markup.Escape(model.InvokeId ?? "(no inference profile in this region)"),
                Markup.Escape(model.Model.ModelLifecycle?.Status ?? string.Empty));
        }

        console.Write(table);
        if (catalog.InferenceProfiles.Count > 0)
        {
            var profiles = new Table().Border(TableBorder.Simple).Title("Inference profiles");
            profiles.AddColumns("Inference profile ID", "Name");
            foreach (var profile in catalog.InferenceProfiles)
            {
                profiles.AddRow(Markup.Escape(profile.InferenceProfileId), Markup.Escape(profile.InferenceProfileName ?? string.Empty));
            }

            console.Write(profiles);
        }
    }

    private static Command Ask()
    {
        var aws = new AwsCommandOptions();
        var prompt = new Argument<string?>("prompt") { Description = "The question; '-' or nothing reads it from stdin", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string>("--model-id") { Description = "Model or inference profile ID (default: the newest Claude model your profile can use in its region)" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens in the answer", DefaultValueFactory = _ => 1024 };
        var system = new Option<string>("--system") { Description = "A system prompt" };
        var stream = new Option<bool>("--stream") { Description = "Print the answer as it arrives" };
        var raw = new Option<bool>("--raw") { Description = "Print Bedrock's whole JSON response (what the how-to writes to output.json)" };
        var command = new Command("ask", "Ask Claude on Bedrock a question and print the answer") { prompt };
        aws.AddTo(command);
        command.Options.Add(model);
        command.Options.Add(maxTokens);
        command.Options.Add(system);
        command.Options.Add(stream);
        command.Options.Add(raw);
        maxTokens.Validators.Add(r =>
        {
            if (r.Tokens is [var t] && int.TryParse(t.Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n < 1)
            {
                r.AddError("--max-tokens must be at least 1.");
            }
        });
        command.Validators.Add(r =>
        {
            if (r.GetResult(stream) is { Implicit: false } && r.GetResult(raw) is { Implicit: false })
            {
                r.AddError("--raw and --stream can't be combined: --raw prints the one JSON response of a non-streamed call.");
            }
        });

        command.SetAction((parse, cancellationToken) => RunAsync(aws, parse, async (client, log) =>
        {
            var question = parse.GetValue(prompt);
            if (question is null or "-")
            {
                question = await System.Console.In.ReadToEndAsync(cancellationToken);
            }

            if (string.IsNullOrWhiteSpace(question))
            {
                throw new KeymanException(ExitCodes.Usage, "No question to ask", "Pass it as an argument (keyman bedrock ask \"…\") or on stdin.");
            }

            var request = AnthropicRequest.FromPrompt(question.Trim(), parse.GetValue(maxTokens), parse.GetValue(system));
            var stdout = System.Console.Out;
            if (parse.GetValue(model) is { } chosen)
            {
                return await AskModelAsync(chosen);
            }

            // No --model-id: the newest Claude model the profile can use here, falling back when it may not invoke it.
            var catalog = await BedrockCatalog.LoadAsync(client, "Anthropic", cancellationToken);
            return await catalog.WithNewestUsableClaudeAsync(modelId =>
            {
                log.Info($"Using model {modelId}");
                return AskModelAsync(modelId);
            }, log);

            async Task<int> AskModelAsync(string modelId)
            {
                if (parse.GetValue(stream))
                {
                    await foreach (var update in client.InvokeModelWithResponseStreamAsync(modelId, request, cancellationToken))
                    {
                        if (update is AnthropicTextDelta delta)
                        {
                            stdout.Write(delta.Text);
                            stdout.Flush();
                        }
                        else if (update is AnthropicStreamCompleted done)
                        {
                            stdout.WriteLine();
                            log.Debug($"stop_reason {done.StopReason}, {done.Usage.InputTokens} tokens in, {done.Usage.OutputTokens} out");
                            WarnIfCut(done.StopReason, log);
                        }
                    }

                    return ExitCodes.Success;
                }

                var result = await client.InvokeModelAsync(modelId, request, cancellationToken);
                stdout.WriteLine(parse.GetValue(raw) ? result.RawJson : result.Message.Text);
                WarnIfCut(result.Message.StopReason, log);
                return ExitCodes.Success;
            }
        }, cancellationToken));
        return command;
    }

    private static void WarnIfCut(string? stopReason, ConsoleLog log)
    {
        if (stopReason == "max_tokens")
        {
            log.Warning("The answer was cut at --max-tokens; pass a larger --max-tokens for the rest.");
        }
    }

    /// <summary>Resolves the profile's credentials (the role chain included), makes the client, and turns failures into exit codes.</summary>
    private static async Task<int> RunAsync(AwsCommandOptions aws, ParseResult parse, Func<BedrockClient, ConsoleLog, Task<int>> body, CancellationToken cancellationToken)
    {
        var debug = parse.GetValue(aws.Debug);
        var log = ConsoleLog.ForStandardError(debug);
        try
        {
            var env = ProcessEnvironment.Instance;
            using var http = new Keyman.Core.Http.HttpPipeline(env);
            var session = await new Keyman.Core.Aws.Profiles.AwsProfiles(env, log, pipeline: http).ResolveAsync(parse.GetValue(aws.Profile), parse.GetValue(aws.Region), cancellationToken);
            using var client = new BedrockClient(session, env, log, pipeline: http);
            return await body(client, log);
        }
        catch (Exception e)
        {
            return KeymanCli.Fail(e, debug);
        }
    }
}

internal sealed record ModelsOutput(string Region, IReadOnlyList<ModelOutput> Models, IReadOnlyList<ProfileOutput> InferenceProfiles);

internal sealed record ModelOutput(string ModelId, string? ModelName, string? Provider, bool NeedsInferenceProfile, string? InvokeWith, string? Status);

internal sealed record ProfileOutput(string InferenceProfileId, string? Name, string? Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ModelsOutput))]
[JsonSerializable(typeof(DoctorOutput))]
internal sealed partial class CliJson : JsonSerializerContext;
