namespace Keyman.Core.Ui;

/// <summary>
/// Everything Keyman asks the user goes through here, so Core never touches the console and tests can answer.
/// Prompts are written to stderr (or the terminal) by the CLI's implementation; stdout stays for requested output.
/// </summary>
public interface IInteraction
{
    /// <summary>False when nobody can answer (no terminal and no stdin): flows must fail with a hint instead of waiting.</summary>
    bool CanPrompt { get; }

    /// <summary>Asks for one line. With <paramref name="secret"/> the answer is not echoed and never logged.</summary>
    Task<string> AskAsync(string prompt, bool secret, CancellationToken cancellationToken);

    /// <summary>
    /// Shows a numbered menu and returns the zero-based index of the chosen row. Accepts exactly the listed numbers,
    /// asking again on anything else; throws <see cref="KeymanException"/> when input ends.
    /// </summary>
    Task<int> ChooseAsync(string title, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a wait for something the user does elsewhere (approve a push, answer a call) until the result is disposed.
    /// A terminal shows it live (what, the seconds so far, how to cancel); elsewhere it shows nothing, so logs stay as they were.
    /// </summary>
    IDisposable Wait(string what) => WaitIndicator.None;
}
