using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Bedrock;
using Keyman.Core.Ui;

namespace Keyman.Cli.Commands;

/// <summary><c>keyman bedrock models</c>: the foundation models, each with the ID to invoke it by (its own, or its inference profile's).</summary>
internal sealed class BedrockModelsCommand : BedrockCommand
{
    private const int DefaultWidth = 80;

    private readonly Option<string> _provider = new("--provider") { Description = "Model provider to list, or 'all'", DefaultValueFactory = _ => "Anthropic" };
    private readonly Option<bool> _json = new("--json") { Description = "JSON for scripts: the models, how to invoke each, and the inference profiles" };
    private readonly Option<bool> _plain = new("--plain") { Description = "One base model ID a line (as the AWS CLI lists them), for scripts" };

    public BedrockModelsCommand(CliHost host)
        : base(new Command("models", "List the foundation models your profile can see, each with the model ID to use (its own, or its inference profile's)"), host)
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
            RenderTable(catalog, context.Output);
        }

        return ExitCodes.Success;
    }

    private void RenderTable(BedrockCatalog catalog, UserOutput output)
    {
        var table = ModelsTable.From(catalog, output.IsTerminal);
        if (!output.IsTerminal)
        {
            // A file, a pipe or a pager: tab-separated, nothing cut, no colour.
            foreach (var line in table.TabSeparated())
            {
                output.WriteLine(line);
            }

            return;
        }

        var lines = table.Fit(TerminalWidth());
        var bold = Host.Color(terminal: true);
        output.WriteLine(table.Title);
        output.WriteLine(bold ? $"\u001b[1m{lines[0]}\u001b[0m" : lines[0]);
        foreach (var line in lines.Skip(1))
        {
            output.WriteLine(line);
        }
    }

    /// <summary>COLUMNS when set (as the shells and Python's get_terminal_size honour it), else the console's width.</summary>
    private int TerminalWidth()
    {
        if (int.TryParse(Host.Environment.Get("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0)
        {
            return columns;
        }

        try
        {
            return System.Console.WindowWidth is > 0 and var width ? width : DefaultWidth;
        }
        catch (IOException)
        {
            return DefaultWidth;
        }
    }
}
