namespace Keyman.Core.Ui;

/// <summary>Status lines in aws_okta_keyman's shape ("HH:MM:SS (INFO) message"), always on stderr. Never pass a secret.</summary>
public interface ILog
{
    bool DebugEnabled { get; }

    void Debug(string message);

    void Info(string message);

    void Warning(string message);

    void Error(string message);

    /// <summary>
    /// A line the user must act on (the number to tap, the URL and code to open, the push to approve, the question to
    /// answer, why a code was refused): shown even when the log is quiet (<c>-q</c>), which hides info and warnings.
    /// </summary>
    void MustShow(string message) => Info(message);

    /// <summary>As <see cref="MustShow"/>, as a warning (it needs the user's eye now).</summary>
    void MustShowWarning(string message) => Warning(message);
}
