using System.Text.Json;
using Keyman.Core;
using Keyman.Core.Aws;
using Keyman.Core.Config;
using Keyman.Core.Delivery;
using Keyman.Core.Login;
using Keyman.Tests.Sandbox;
using Keyman.Tests.Support;

namespace Keyman.Tests.Delivery;

/// <summary>credential-process --format claude-export: the shape Claude Code reads, and no hidden wait without a terminal.</summary>
public sealed class ClaudeExportTests : SandboxTestBase
{
    private const string User = "nomfa@example.com";
    private readonly MemorySecretStore _store = new();
    private readonly RecordingLog _log = new();

    private KeymanConfig Config(bool passwordCache = false) => new() { Org = Base, Username = User, AppId = "0oa1dev2AbCdEfGh/272", PasswordCache = passwordCache };

    private KeymanContext Context(ScriptedInteraction interaction) => new()
    {
        Environment = new DictionaryEnvironment(new Dictionary<string, string> { ["AWS_ENDPOINT_URL_STS"] = Base }, Directory.CreateTempSubdirectory("keyman-claude-").FullName),
        Log = _log,
        Interaction = interaction,
        Time = Clock,
        Secrets = _store,
    };

    [Fact]
    public void The_output_is_the_Credentials_object_awsCredentialExport_reads()
    {
        var output = CredentialProcessCache.ClaudeExportOutput(new AwsCredentials("ASIAX", "s3cr\"t", "tok", new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));

        Assert.DoesNotContain('\n', output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["Credentials"], root.EnumerateObject().Select(p => p.Name));
        var credentials = root.GetProperty("Credentials");
        Assert.Equal(["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"], credentials.EnumerateObject().Select(p => p.Name));
        Assert.Equal("s3cr\"t", credentials.GetProperty("SecretAccessKey").GetString());
        Assert.Equal("2030-01-02T03:04:05Z", credentials.GetProperty("Expiration").GetString());
    }

    [Theory]
    [InlineData(null, CredentialOutputFormat.Process)]
    [InlineData("process", CredentialOutputFormat.Process)]
    [InlineData("Claude-Export", CredentialOutputFormat.ClaudeExport)]
    public void Formats_parse(string? name, CredentialOutputFormat expected) => Assert.Equal(expected, CredentialProcessCache.ParseFormat(name));

    [Fact]
    public void An_unknown_format_is_a_usage_error() =>
        Assert.Equal(ExitCodes.Usage, Assert.Throws<KeymanException>(() => CredentialProcessCache.ParseFormat("yaml")).ExitCode);

    [Fact]
    public async Task Without_a_terminal_a_live_Okta_session_still_refreshes_without_asking()
    {
        using (var flow = new LoginFlow(Context(new ScriptedInteraction(Password))) { WriteCredentialsFile = false })
        {
            await flow.RunAsync(Config(), CancellationToken.None);
        }

        var silent = new ScriptedInteraction { CanPrompt = false };
        var process = new CredentialProcess(Context(silent)) { SignInNeedsTerminal = true };
        var json = await process.GetJsonAsync("claude", Config(), CredentialOutputFormat.ClaudeExport, CancellationToken.None);

        using var doc = JsonDocument.Parse(json);
        Assert.StartsWith("ASIA", doc.RootElement.GetProperty("Credentials").GetProperty("AccessKeyId").GetString(), StringComparison.Ordinal);
        Assert.Empty(silent.Asked);
    }

    [Fact]
    public async Task Without_a_terminal_a_needed_sign_in_fails_at_once_even_with_a_cached_password()
    {
        _store.Items[("aws_okta_keyman", User)] = Password;
        var silent = new ScriptedInteraction { CanPrompt = false };
        var process = new CredentialProcess(Context(silent)) { SignInNeedsTerminal = true };

        var e = await Assert.ThrowsAsync<KeymanException>(() => process.GetJsonAsync("claude", Config(passwordCache: true), CredentialOutputFormat.ClaudeExport, CancellationToken.None));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("run keyman in a terminal", e.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("/api/v1/authn", await Http.GetStringAsync("/_sandbox/requests?service=okta"), StringComparison.Ordinal);
    }
}
