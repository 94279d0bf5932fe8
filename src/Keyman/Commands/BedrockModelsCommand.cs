using System.CommandLine;
using System.Text.Json;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Bedrock;
using Keyman.Core.Ui;
using Spectre.Console;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman bedrock models</c>: the foundation models, marking the Claude models that need an inference profile.</summary>
internal sealed class BedrockModelsCommand : BedrockCommand
{
    private readonly Option<string> _provider = new("--provider") { Description = "Model provider to list, or 'all'", DefaultValueFactory = _ => "Anthropic" };
    private readonly Option<bool> _json = new("--json") { Description = "JSON for scripts: the models, how to invoke each, and the inference profiles" };
    private readonly Option<bool> _plain = new("--plain") { Description = "One model ID a line, for scripts" };

    public BedrockModelsCommand(CliHost host)
        : base(new Command("models", "List the foundation models your profile can see, marking the Claude models that need an inference profile"), host)
    {
        Command.Options.Add(_provider);
        Command.Options.Add(_json);
        Command.Options.Add(_plain);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, KeymanContext context, BedrockClient client, CancellationToken cancellationToken)
    {
        var wanted = parse.GetValue(_provider);
        var catalog = await BedrockCatalog.LoadAsync(client, string.Equals(wanted, "all", StringComparison.OrdinalIgnoreCase) ? null : wanted, cancellationToken);
        if (parse.GetValue(_json))
        {
            var output = new ModelsOutput(
                catalog.Region,
                catalog.Models.Select(m => new ModelOutput(m.Model.ModelId, m.Model.ModelName, m.Model.ProviderName, m.NeedsInferenceProfile, m.InvokeId, m.Model.ModelLifecycle?.Status)).ToList(),
                catalog.InferenceProfiles.Select(p => new ProfileOutput(p.InferenceProfileId, p.InferenceProfileName, p.Status)).ToList());
            context.Output.WriteLine(JsonSerializer.Serialize(output, CliJson.Default.ModelsOutput));
        }
        else if (parse.GetValue(_plain))
        {
            foreach (var model in catalog.Models)
            {
                context.Output.WriteTextLine(model.Model.ModelId);
            }
        }
        else
        {
            RenderTable(catalog, context.Output, Host.Color(context.Output.IsTerminal));
        }

        return ExitCodes.Success;
    }

    private static void RenderTable(BedrockCatalog catalog, UserOutput output, bool color)
    {
        // Colour only on a terminal without NO_COLOR: the host decides, not Spectre's guess about the writer.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output.Writer),
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!output.IsTerminal)
        {
            // Piped into a file or a pager: don't wrap IDs at an imaginary 80 columns.
            console.Profile.Width = 240;
        }

        // Names and IDs come from the server: escaped for Spectre's markup, and defused for the terminal.
        string Cell(string? text) => Markup.Escape(output.IsTerminal ? TerminalText.Defuse(text ?? string.Empty) : text ?? string.Empty);

        var table = new Table().Border(TableBorder.Simple).Title(Cell($"Foundation models in {catalog.Region}"));
        table.AddColumns("Model ID", "Name", "Needs inference profile", "Invoke with", "Status");
        foreach (var model in catalog.Models)
        {
            table.AddRow(
                Cell(model.Model.ModelId),
                Cell(model.Model.ModelName),
                model.NeedsInferenceProfile ? "[yellow]yes[/]" : "no",
                Cell(model.InvokeId ?? "(no inference profile in this region)"),
                Cell(model.Model.ModelLifecycle?.Status));
        }

        console.Write(table);
        if (catalog.InferenceProfiles.Count > 0)
        {
            var profiles = new Table().Border(TableBorder.Simple).Title("Inference profiles");
            profiles.AddColumns("Inference profile ID", "Name");
            foreach (var profile in catalog.InferenceProfiles)
            {
                profiles.AddRow(Cell(profile.InferenceProfileId), Cell(profile.InferenceProfileName));
            }

            console.Write(profiles);
        }
    }
}
