using System.Net.Http.Json;
using System.Text.Json;
using Keyman.Sandbox.Hosting;
using Keyman.Sandbox.Scenario;

namespace Keyman.EndToEnd.Support;

/// <summary>
/// One user's machine for one test: a running sandbox (Okta + STS), a throw-away home folder with a Keyman config
/// pointing at it, and the environment the binary runs with. Disposing stops the sandbox and deletes the home.
/// Keyman and the AWS tools reach the sandbox over HTTPS, trusting its CA the way users trust a corporate one
/// (SSL_CERT_FILE for Keyman, AWS_CA_BUNDLE for the AWS CLI and boto3), so the TLS path users take is the tested one.
/// </summary>
public sealed class World : IAsyncDisposable
{
    public const string Password = "correct-horse-battery";

    private readonly HttpClient _http;

    private World(RunningSandbox sandbox, string home, string caFile)
    {
        Sandbox = sandbox;
        Home = home;
        CaFile = caFile;
        _http = NewHttpClient();
        Env = new Dictionary<string, string>
        {
            ["SSL_CERT_FILE"] = caFile,
            ["AWS_CA_BUNDLE"] = caFile,
            ["HOME"] = home,
            ["USERPROFILE"] = home,
            ["USER"] = "tester",
            ["AWS_ENDPOINT_URL_STS"] = sandbox.BaseUrl,
            // Account names come from the sandbox's SAML sign-in page, never from the real signin.aws.amazon.com.
            ["KEYMAN_SAML_ACS_URL"] = sandbox.BaseUrl + "/saml",
            ["AWS_CONFIG_FILE"] = Path.Combine(home, ".aws", "config"),
            // Never the developer's own keychain; the keychain tests choose a private gnome-keyring explicitly.
            ["KEYMAN_SECRET_STORE"] = "none",
        };
    }

    public RunningSandbox Sandbox { get; }

    /// <summary>The sandbox's https base URL: the Okta org, STS, Bedrock and the sign-in endpoints.</summary>
    public string Url => Sandbox.HttpsUrl;

    /// <summary>The sandbox's CA (PEM), outside the home folder.</summary>
    public string CaFile { get; }

    public string Home { get; }

    public Dictionary<string, string> Env { get; }

    public string ConfigPath => Path.Combine(Home, ".config", "aws_okta_keyman.yml");

    public string CredentialsPath => Path.Combine(Home, ".aws", "credentials");

    public static Task<World> StartAsync(ScenarioDocument? scenario = null, params string[] faults) =>
        StartAsync(new SandboxOptions { Scenario = scenario, Faults = faults });

    public static async Task<World> StartAsync(SandboxOptions options)
    {
        var sandbox = await SandboxHost.StartAsync(options);
        var home = Directory.CreateTempSubdirectory("keyman-e2e-").FullName;
        Directory.CreateDirectory(Path.Combine(home, ".config"));
        var caFile = Path.Combine(Path.GetTempPath(), $"keyman-e2e-{Guid.NewGuid():N}.ca.pem");
        sandbox.Certificates.WriteAuthorityPem(caFile);
        return new World(sandbox, home, caFile);
    }

    /// <summary>
    /// A headless machine: KEYMAN_SECRET_STORE unset, no session D-Bus (whatever the test runner has), the default
    /// cache folder; Keyman's real fall-back to its cache files.
    /// </summary>
    public World WithoutKeychain()
    {
        Env["KEYMAN_SECRET_STORE"] = string.Empty;     // an empty variable is no variable, for Keyman
        Env["DBUS_SESSION_BUS_ADDRESS"] = string.Empty;
        Env["XDG_CACHE_HOME"] = string.Empty;
        return this;
    }

    /// <summary>Writes the Keyman config: org = this sandbox, plus the given YAML lines.</summary>
    public World WithConfig(params string[] lines)
    {
        File.WriteAllText(ConfigPath, $"org: {Url}\n" + string.Join("\n", lines) + "\n");
        return this;
    }

    public Task<RunResult> RunAsync(IEnumerable<string> args, params Answer[] answers) =>
        KeymanProcess.RunAsync(args, Env, answers);

    public Task<RunResult> RunAsync(params string[] args) => KeymanProcess.RunAsync(args, Env);

    /// <summary>The code the user's authenticator app shows right now.</summary>
    public string Totp(string user, string factor = "GOOGLE")
    {
        var json = _http.GetFromJsonAsync<JsonElement>($"{Url}/_sandbox/totp?user={Uri.EscapeDataString(user)}&factor={Uri.EscapeDataString(factor)}").GetAwaiter().GetResult();
        return json.GetProperty("code").GetString()!;
    }

    /// <summary>The last code Okta sent the user by SMS, voice call or email.</summary>
    public string LastSentCode(string user)
    {
        var json = _http.GetFromJsonAsync<JsonElement>($"{Url}/_sandbox/outbox?user={Uri.EscapeDataString(user)}").GetAwaiter().GetResult();
        return json.EnumerateArray().Last().GetProperty("code").GetString()!;
    }

    public int OutboxCount(string user)
    {
        var json = _http.GetFromJsonAsync<JsonElement>($"{Url}/_sandbox/outbox?user={Uri.EscapeDataString(user)}").GetAwaiter().GetResult();
        return json.GetArrayLength();
    }

    public async Task<JsonElement> RequestLogAsync() => await _http.GetFromJsonAsync<JsonElement>($"{Url}/_sandbox/requests");

    /// <summary>The request log entries of one service (okta, sts, signin, …) after sequence number <paramref name="after"/>.</summary>
    public async Task<List<JsonElement>> RequestsAsync(string service, long after = 0) =>
        (await _http.GetFromJsonAsync<JsonElement>($"{Url}/_sandbox/requests?service={service}&after={after}")).EnumerateArray().ToList();

    /// <summary>The sequence number of the last request so far (0 when none).</summary>
    public async Task<long> LastSeqAsync()
    {
        var all = (await RequestLogAsync()).EnumerateArray().ToList();
        return all.Count == 0 ? 0 : all.Max(e => e.GetProperty("seq").GetInt64());
    }

    public async Task PostControlAsync(string path, string json = "{}")
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync($"{Url}/_sandbox/{path}", content);
        response.EnsureSuccessStatusCode();
    }

    public HttpClient Http => _http;

    /// <summary>A client of the test itself that trusts the sandbox's CA (Keyman's own requests trust it through SSL_CERT_FILE).</summary>
    public HttpClient NewHttpClient(bool allowAutoRedirect = true) => new(Sandbox.Certificates.TrustingHandler(allowAutoRedirect));

    /// <summary>The profile as the AWS credentials file holds it, parsed the simple INI way.</summary>
    public Dictionary<string, string>? Profile(string name)
    {
        if (!File.Exists(CredentialsPath))
        {
            return null;
        }

        var lines = File.ReadAllLines(CredentialsPath);
        var header = Array.FindIndex(lines, l => l.Trim() == $"[{name}]");
        if (header < 0)
        {
            return null;
        }

        var values = new Dictionary<string, string>();
        foreach (var line in lines.Skip(header + 1).TakeWhile(l => !l.TrimStart().StartsWith('[')))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && !line.TrimStart().StartsWith('#') && !line.TrimStart().StartsWith(';'))
            {
                values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Sandbox.DisposeAsync();
        File.Delete(CaFile);
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
