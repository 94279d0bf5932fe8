using Keyman.Core.Ui;

namespace Keyman.Tests.Support;

/// <summary>A log that keeps every line, so tests can assert what the user was told (and that no secret was).</summary>
public sealed class RecordingLog : ILog
{
    public List<(string Level, string Message)> Lines { get; } = [];

    public bool DebugEnabled { get; set; } = true;

    public string All => string.Join("\n", Lines.Select(l => $"({l.Level}) {l.Message}"));

    public void Debug(string message) => Add("DEBUG", message);

    public void Info(string message) => Add("INFO", message);

    public void Warning(string message) => Add("WARNING", message);

    /// <summary>Warnings that show even under -q (<see cref="ILog.MustShowWarning"/>); also in <see cref="Lines"/>.</summary>
    public List<string> MustShowWarnings { get; } = [];

    public void MustShowWarning(string message)
    {
        Add("WARNING", message);
        lock (Lines)
        {
            MustShowWarnings.Add(message);
        }
    }

    public void Error(string message) => Add("ERROR", message);

    // Code under test may log from several tasks at once (--all-profiles' STS calls).
    private void Add(string level, string message)
    {
        lock (Lines)
        {
            Lines.Add((level, message));
        }
    }
}

/// <summary>Answers prompts from a queue, in order, and records what was asked.</summary>
public sealed class ScriptedInteraction : IInteraction
{
    private readonly Queue<string> _answers;

    public ScriptedInteraction(params string[] answers) => _answers = new Queue<string>(answers);

    public bool CanPrompt { get; set; } = true;

    public List<string> Asked { get; } = [];

    public List<string> Menus { get; } = [];

    public Task<string> AskAsync(string prompt, bool secret, CancellationToken cancellationToken)
    {
        Asked.Add(prompt);
        if (_answers.Count == 0)
        {
            throw new InvalidOperationException($"Unexpected prompt: {prompt}");
        }

        return Task.FromResult(_answers.Dequeue());
    }

    public Task<int> ChooseAsync(string title, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, CancellationToken cancellationToken)
    {
        Menus.Add(title);
        if (_answers.Count == 0)
        {
            throw new InvalidOperationException($"Unexpected menu: {title}");
        }

        return Task.FromResult(int.Parse(_answers.Dequeue(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
