using Keyman.Cli;
using Keyman.Cli.Console;
using Keyman.Core;
using Keyman.Core.Delivery;
using Keyman.Core.Secrets;
using Keyman.Core.Ui;
using Keyman.Sandbox.Hosting;

namespace Keyman.Tests.Cli;

/// <summary>
/// One user's machine for an in-process run of the CLI: a throw-away home, an environment like the end-to-end tests'
/// (the sandbox as Okta, STS, sign-in and Bedrock; no keychain), piped stdin and captured stdout/stderr.
/// </summary>
public sealed class CliTestHost : IAsyncDisposable
{
    public const string Password = "correct-horse-battery";
    public const string DevApp = "0oa1dev2AbCdEfGh/272";

    private CliTestHost(RunningSandbox? sandbox)
    {
        Sandbox = sandbox;
        Home = Directory.CreateTempSubdirectory("keyman-cli-").FullName;
        Directory.CreateDirectory(Path.Combine(Home, ".config"));
        Env = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["AWS_CONFIG_FILE"] = Path.Combine(Home, ".aws", "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = CredentialsPath,
            ["KEYMAN_SECRET_STORE"] = "none",
            ["NO_COLOR"] = "1",
        };
        if (sandbox is not null)
        {
            Env["AWS_ENDPOINT_URL_STS"] = sandbox.BaseUrl;
            Env["AWS_ENDPOINT_URL"] = sandbox.BaseUrl;
            Env["KEYMAN_SAML_ACS_URL"] = sandbox.BaseUrl + "/saml";
            Env["KEYMAN_SIGNIN_ENDPOINT"] = sandbox.BaseUrl + "/federation";
        }
    }

    public RunningSandbox? Sandbox { get; }

    public string Url => Sandbox?.BaseUrl ?? throw new InvalidOperationException("No sandbox in this host.");

    public string Home { get; }

    public Dictionary<string, string> Env { get; }

    public string ConfigPath => Path.Combine(Home, ".config", "aws_okta_keyman.yml");

    public string CredentialsPath => Path.Combine(Home, ".aws", "credentials");

    public string AwsConfigPath => Path.Combine(Home, ".aws", "config");

    /// <summary>stdout of the last run.</summary>
    public string Out { get; private set; } = string.Empty;

    /// <summary>stderr of the last run: log lines and prompts.</summary>
    public string Error { get; private set; } = string.Empty;

    /// <summary>The lines the log printed at level ERROR in the last run.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n').Where(l => l.Contains("(ERROR)", StringComparison.Ordinal)).ToList();

    /// <summary>True to run as if stdout were a person's terminal.</summary>
    public bool OutputIsTerminal { get; set; }

    /// <summary>What credential-process reads from the terminal device; null: there is no terminal.</summary>
    public string? TerminalInput { get; set; }

    public RecordingBrowser Browser { get; } = new();

    /// <summary>The secret store commands get (default: the one KEYMAN_SECRET_STORE in <see cref="Env"/> chooses).</summary>
    public Func<IEnvironment, ILog, IInteraction, ISecretStore?>? OpenSecrets { get; set; }

    public static Task<CliTestHost> OfflineAsync() => Task.FromResult(new CliTestHost(null));

    public static async Task<CliTestHost> WithSandboxAsync(SandboxOptions? options = null) =>
        new(await SandboxHost.StartAsync(options ?? new SandboxOptions()));

    /// <summary>Writes the Keyman config: org = the sandbox, plus the given YAML lines.</summary>
    public CliTestHost WithConfig(params string[] lines)
    {
        File.WriteAllText(ConfigPath, (Sandbox is null ? string.Empty : $"org: {Url}\n") + string.Join("\n", lines) + "\n");
        return this;
    }

    /// <summary>Runs one command line, answering prompts with <paramref name="stdin"/> (one answer a line).</summary>
    public async Task<int> RunAsync(string[] args, string stdin = "")
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var host = new CliHost(() => new StringReader(stdin))
        {
            Environment = new DictionaryEnvironment(Env, Home),
            Out = output,
            Error = error,
            OutputIsTerminal = OutputIsTerminal,
            TerminalDevice = () => TerminalInput is { } typed
                ? new ConsoleInteraction(new StringReader(typed), error, inputIsTerminal: false)
                : new ConsoleInteraction(TextReader.Null, error, inputIsTerminal: false) { CanPrompt = false },
            Browser = Browser,
            OpenSecrets = OpenSecrets ?? SecretStoreFactory.Open,
            ProcessPath = "/opt/keyman/bin/keyman",
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await KeymanCli.RunAsync(args, host, timeout.Token);
        Out = output.ToString();
        Error = error.ToString();
        return code;
    }

    public Task<int> RunAsync(params string[] args) => RunAsync(args, string.Empty);

    /// <summary>A bare host writing to <paramref name="error"/>, for tests of the console classes themselves.</summary>
    internal static CliHost Capture(TextWriter error, bool errorIsTerminal = false, Dictionary<string, string>? env = null) =>
        new(() => TextReader.Null)
        {
            Environment = new DictionaryEnvironment(env ?? [], Path.GetTempPath()),
            Out = TextWriter.Null,
            Error = error,
            ErrorIsTerminal = errorIsTerminal,
            TerminalDevice = () => new ConsoleInteraction(TextReader.Null, error, inputIsTerminal: false) { CanPrompt = false },
        };

    /// <summary>The profile's values in the credentials file, or null when it has none.</summary>
    public Dictionary<string, string>? Profile(string name)
    {
        if (!File.Exists(CredentialsPath))
        {
            return null;
        }

        var lines = File.ReadAllLines(CredentialsPath);
        var header = Array.FindIndex(lines, l => l.Trim() == $"[{name}]");
        return header < 0 ? null : lines.Skip(header + 1).TakeWhile(l => !l.TrimStart().StartsWith('['))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)].Trim(), l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim());
    }

    /// <summary>Logs in as nomfa@example.com and adds the how-to's Bedrock profile chained on "default".</summary>
    public async Task LogInForBedrockAsync()
    {
        WithConfig("username: nomfa@example.com", $"appid: {DevApp}");
        Assert.Equal(0, await RunAsync([], Password + "\n"));
        Directory.CreateDirectory(Path.GetDirectoryName(AwsConfigPath)!);
        File.WriteAllText(AwsConfigPath, """
            [default]
            region = us-east-1

            [profile bedrock]
            role_arn = arn:aws:iam::111111111111:role/my-bedrock-role
            source_profile = default
            region = us-east-1
            """);
    }

    public override string ToString() => $"--- stdout\n{Out}\n--- stderr\n{Error}";

    public async ValueTask DisposeAsync()
    {
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records the URLs the CLI asked to open instead of starting a browser.</summary>
public sealed class RecordingBrowser : IBrowserOpener
{
    public List<Uri> Opened { get; } = [];

    public Task OpenAsync(Uri url, ILog log, CancellationToken cancellationToken)
    {
        Opened.Add(url);
        return Task.CompletedTask;
    }
}
