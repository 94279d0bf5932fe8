using System.Net;
using Keyman.Sandbox.Control;
using Keyman.Sandbox.Okta;
using Keyman.Sandbox.Scenario;
using Keyman.Sandbox.Sts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Keyman.Sandbox.Hosting;

public sealed class SandboxOptions
{
    /// <summary>The plain-http port; 0 = any free port.</summary>
    public int Port { get; init; }

    /// <summary>The https port (same endpoints, the sandbox's own CA); 0 = any free port.</summary>
    public int HttpsPort { get; init; }

    /// <summary>A scenario object; wins over <see cref="ScenarioPath"/>. Neither = the built-in default.</summary>
    public ScenarioDocument? Scenario { get; init; }

    public string? ScenarioPath { get; init; }

    public int LatencyMs { get; init; }

    /// <summary>Faults on from the start: "okta429", "okta5xx", "sts5xx", "malformedAppPage", each optionally "=N" (next N requests).</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>Base clock (tests pass a FakeTimeProvider); defaults to the system clock.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Overrides the scenario's <c>timeScale</c>: issued credentials live DurationSeconds / TimeScale real seconds.</summary>
    public double? TimeScale { get; init; }
}

/// <summary>Starts the emulator in-process (tests) or for the CLI; one port serves Okta, STS and the control endpoints.</summary>
public static class SandboxHost
{
    public static async Task<RunningSandbox> StartAsync(SandboxOptions options, CancellationToken cancellationToken = default)
    {
        var scenario = options.Scenario
            ?? (options.ScenarioPath is not null ? ScenarioDocument.Load(options.ScenarioPath) : ScenarioDocument.LoadDefault());
        var faults = new FaultSwitches();
        if (options.LatencyMs > 0)
        {
            faults.Set("latencyMs", options.LatencyMs);
        }

        foreach (var fault in options.Faults)
        {
            var parts = fault.Split('=', 2);
            faults.Set(parts[0], parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue);
        }

        var timeScale = options.TimeScale ?? scenario.Settings.TimeScale;
        if (!(timeScale > 0) || double.IsInfinity(timeScale))
        {
            throw new ArgumentException($"The time scale must be a positive number, not {timeScale}.");
        }

        var clock = options.Clock ?? TimeProvider.System;
        var certificates = SandboxCertificates.Create(TimeProvider.System.GetUtcNow()); // clients check it by their real clock;
        var state = new SandboxState(scenario, new SandboxClock(clock), faults) { TimeScale = timeScale };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(SandboxHost).Assembly.GetName().Name });
        builder.Logging.ClearProviders(); // stdout carries only the service URLs
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false; // real Okta/AWS don't say "Kestrel"
            k.Listen(IPAddress.Loopback, options.Port);
            k.Listen(IPAddress.Loopback, options.HttpsPort, listen => listen.UseHttps(certificates.Server));
        });
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(new Idx.IdxStore());
        builder.Services.AddSingleton(new OAuth.DeviceGrants());
        builder.Services.AddSingleton(new Bedrock.BedrockApiKeys());

        var app = builder.Build();
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<Idx.ClassicApiLimits>();
        AuthnEndpoints.Map(app);
        SessionEndpoints.Map(app);
        AppPageEndpoints.Map(app);
        StsEndpoints.Map(app);
        ControlEndpoints.Map(app);
        Idx.IdxEndpoints.Map(app);
        Idx.SignInPage.Map(app);
        OAuth.DeviceAuthorizationEndpoints.Map(app);
        OAuth.ActivationPage.Map(app);
        app.MapFallback("/api/{**rest}", (HttpContext http) =>
            OktaJson.Error(404, "E0000007", $"Not found: Resource not found: {http.Request.Path} (GenericResource)"));
        Bedrock.ControlPlaneEndpoints.Map(app);
        Bedrock.RuntimeEndpoints.Map(app);
        Bedrock.BedrockApiKeys.Map(app);
        Signin.FederationEndpoints.Map(app);
        Signin.SamlSigninEndpoints.Map(app);

        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        var http = addresses.First(a => a.Scheme == Uri.UriSchemeHttp).Port;
        var https = addresses.First(a => a.Scheme == Uri.UriSchemeHttps).Port;
        return new RunningSandbox(app, state, $"http://127.0.0.1:{http}", $"https://127.0.0.1:{https}", certificates);
    }
}

public sealed class RunningSandbox(WebApplication app, SandboxState state, string baseUrl, string httpsUrl, SandboxCertificates certificates) : IAsyncDisposable
{
    /// <summary>e.g. http://127.0.0.1:54321 — the Okta org URL and the STS endpoint at once.</summary>
    public string BaseUrl { get; } = baseUrl;

    /// <summary>e.g. https://127.0.0.1:54322 — the same services over TLS, with a certificate from <see cref="Certificates"/>' CA.</summary>
    public string HttpsUrl { get; } = httpsUrl;

    public SandboxCertificates Certificates { get; } = certificates;

    public SandboxState State { get; } = state;

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Certificates.Dispose();
    }
}
