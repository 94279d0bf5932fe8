using Keyman.Core.Ui;

namespace Keyman.Core;

/// <summary>
/// Everything a command needs from the outside world, built once by the CLI (or a test) and passed down:
/// no DI container, so start-up stays fast and the wiring stays visible.
/// </summary>
public sealed class KeymanContext
{
    private Http.HttpPipeline? _http;

    public required IEnvironment Environment { get; init; }

    public required ILog Log { get; init; }

    public required IInteraction Interaction { get; init; }

    /// <summary>Standard output: what the user asked for. Nothing writes to the console directly.</summary>
    public UserOutput Output { get; init; } = UserOutput.Discard;

    /// <summary>Opens a URL in the user's browser (<c>--console --open</c>); tests record instead.</summary>
    public Delivery.IBrowserOpener Browser { get; init; } = Delivery.BrowserOpener.System;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The one HTTP pipeline of the run (retries, signing, pooled connections, CA bundle); every client comes from it.
    /// Tests give one over their own handler.
    /// </summary>
    public Http.HttpPipeline Http
    {
        get => _http ??= new Http.HttpPipeline(Environment);
        init => _http = value;
    }

    public string Version { get; init; } = "0.0.0";

    /// <summary>The OS keychain (or the store KEYMAN_SECRET_STORE names); null when none is configured.</summary>
    public Secrets.ISecretStore? Secrets { get; init; }
}
