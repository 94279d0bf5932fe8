using Keyman.Core.Ui;

namespace Keyman.Core.Setup;

/// <summary>
/// The prompts of <paramref name="inner"/> (the password and MFA code, which a script pipes in) without its menus: for
/// <c>keyman setup --non-interactive</c>, a choice fails at once, naming the flag that makes it and the choices.
/// </summary>
internal sealed class NoMenuInteraction(IInteraction inner) : IInteraction
{
    public bool CanPrompt => inner.CanPrompt;

    public Task<string> AskAsync(string prompt, bool secret, CancellationToken cancellationToken) => inner.AskAsync(prompt, secret, cancellationToken);

    public IDisposable Wait(string what) => inner.Wait(what);

    public Task<int> ChooseAsync(string title, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        var (flag, column) = header.Contains("App ID") ? ("--appid", header.Count - 1)
            : header.Contains("Role") ? ("--role", header.Count - 1)
            : ("--factor", 0);
        var choices = string.Join(", ", rows.Take(8).Select(r => column < r.Count ? r[column] : string.Join(' ', r)));
        throw new KeymanException(ExitCodes.Usage, $"--non-interactive: Keyman must ask '{title}' ({rows.Count} choices)",
            $"Pass {flag} with one of: {choices}{(rows.Count > 8 ? ", …" : string.Empty)}.");
    }
}
