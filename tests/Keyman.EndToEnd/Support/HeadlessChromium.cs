using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keyman.EndToEnd.Support;

/// <summary>
/// A real browser for the tests: Debian's chromium, headless, driven over the Chrome DevTools Protocol (a WebSocket;
/// no Selenium). It loads pages, types into fields and clicks buttons the way a user does, so the sandbox's HTML forms
/// are exercised by a browser, not by hand-made POSTs. The sandbox's certificate is from a test CA chromium does not
/// know, so it runs with --ignore-certificate-errors (this browser only ever visits the sandbox).
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static string? Executable =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    public static async Task<HeadlessChromium> StartAsync()
    {
        var executable = Executable ?? throw new Xunit.Sdk.XunitException("chromium is not installed; .ci/run installs it (Debian package chromium).");
        var profile = Directory.CreateTempSubdirectory("keyman-chromium-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--ignore-certificate-errors",
            "--remote-debugging-port=0", $"--user-data-dir={profile}", "about:blank" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var browser = new HeadlessChromium(process, profile);
        var portFile = Path.Combine(profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 1)
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                await browser.DisposeAsync();
                throw new Xunit.Sdk.XunitException("chromium did not start its DevTools endpoint");
            }

            await Task.Delay(100);
        }

        var port = File.ReadAllLines(portFile)[0].Trim();
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await browser._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None);
        await browser.SendAsync("Page.enable");
        return browser;
    }

    /// <summary>Opens <paramref name="url"/> and waits until the page has loaded.</summary>
    public async Task GoToAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await WaitForAsync($"location.href !== 'about:blank' && document.readyState === 'complete'");
    }

    /// <summary>The page's visible text.</summary>
    public async Task<string> TextAsync() => (await EvaluateAsync("document.body ? document.body.innerText : ''"))?.GetValue<string>() ?? string.Empty;

    public async Task<string?> ValueAsync(string selector) => (await EvaluateAsync($"document.querySelector({Js(selector)})?.value ?? null"))?.GetValue<string>();

    public Task TypeAsync(string selector, string text) =>
        EvaluateAsync($"(() => {{ const e = document.querySelector({Js(selector)}); e.focus(); e.value = {Js(text)}; e.dispatchEvent(new Event('input', {{bubbles: true}})); }})()");

    /// <summary>Clicks a button and waits for the page it leads to.</summary>
    public async Task ClickAsync(string selector)
    {
        var before = (await EvaluateAsync("performance.timeOrigin"))!.GetValue<double>();
        await EvaluateAsync($"document.querySelector({Js(selector)}).click()");
        await WaitForAsync($"performance.timeOrigin !== {before.ToString(System.Globalization.CultureInfo.InvariantCulture)} && document.readyState === 'complete'");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _socket.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Js(string text) => JsonSerializer.Serialize(text);

    private async Task WaitForAsync(string condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if ((await EvaluateAsync(condition))?.GetValue<bool>() == true)
                {
                    return;
                }
            }
            catch (InvalidOperationException)
            {
                // The page was being replaced while asked; ask again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"the browser page never met: {condition}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (result?["exceptionDetails"] is { } error)
        {
            throw new InvalidOperationException($"script failed: {error.ToJsonString()}");
        }

        return result?["result"]?["value"];
    }

    private async Task<JsonNode?> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1 << 16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
                text.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            var answer = JsonNode.Parse(text.ToArray())!;
            if ((int?)answer["id"] == id)
            {
                return answer["error"] is { } error ? throw new InvalidOperationException(error.ToJsonString()) : answer["result"];
            }
        }
    }
}
