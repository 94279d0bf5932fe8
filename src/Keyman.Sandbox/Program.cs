using System.Globalization;
using Keyman.Sandbox.Hosting;

// keyman-sandbox: emulates the Okta and AWS STS endpoints Keyman uses. See README.md.
const string Usage = "usage: keyman-sandbox [--port N] [--https-port N] [--scenario FILE.json] [--ready-file PATH] [--ca-file PATH] [--latency-ms N] [--time-scale N] [--fault NAME[=N] ...]";

var port = 0;
var httpsPort = 0;
string? caFile = null;
var latencyMs = 0;
double? timeScale = null;
string? scenarioPath = null;
string? readyFile = null;
var faults = new List<string>();
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--port": port = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--https-port": httpsPort = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--ca-file": caFile = Value(); break;
            case "--scenario": scenarioPath = Value(); break;
            case "--ready-file": readyFile = Value(); break;
            case "--latency-ms": latencyMs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--time-scale": timeScale = double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture); break;
            case "--fault":
                faults.Add(Value());
                // "--fault a b c": further bare names belong to the same flag.
                while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    faults.Add(args[++i]);
                }

                break;
            case "-h" or "--help":
                Console.WriteLine(Usage);
                return 0;
            default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
        }
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"keyman-sandbox: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

RunningSandbox sandbox;
try
{
    sandbox = await SandboxHost.StartAsync(new SandboxOptions { Port = port, HttpsPort = httpsPort, ScenarioPath = scenarioPath, LatencyMs = latencyMs, Faults = faults, TimeScale = timeScale });
}
catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or ArgumentException)
{
    Console.Error.WriteLine($"keyman-sandbox: {e.Message}");
    return 1;
}

await using (sandbox)
{
    // The CA goes beside the ready file (url -> url.ca.pem), and is written before it, so a watcher of the
    // ready file finds both.
    caFile ??= readyFile is not null
        ? Path.ChangeExtension(readyFile, ".ca.pem")
        : Path.Combine(Path.GetTempPath(), $"keyman-sandbox-{new Uri(sandbox.HttpsUrl).Port}.ca.pem");
    sandbox.Certificates.WriteAuthorityPem(caFile);
    Console.WriteLine($"okta: {sandbox.HttpsUrl}");
    Console.WriteLine($"sts: {sandbox.HttpsUrl}");
    Console.WriteLine($"bedrock: {sandbox.HttpsUrl}");
    Console.WriteLine($"signin: {sandbox.HttpsUrl}/federation");
    Console.WriteLine($"control: {sandbox.BaseUrl}/_sandbox");
    Console.WriteLine($"http: {sandbox.BaseUrl} (every service without TLS)");
    Console.WriteLine($"ca: {Path.GetFullPath(caFile)}");
    if (readyFile is not null)
    {
        // Line 1 the http base URL, line 2 the https one. Write-then-rename so a watcher never reads half of it.
        var temp = readyFile + ".tmp";
        await File.WriteAllTextAsync(temp, sandbox.BaseUrl + "\n" + sandbox.HttpsUrl + "\n");
        File.Move(temp, readyFile, overwrite: true);
    }

    await sandbox.WaitForShutdownAsync();
}

return 0;
