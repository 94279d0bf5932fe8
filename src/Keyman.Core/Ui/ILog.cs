namespace Keyman.Core.Ui;

/// <summary>Status lines in aws_okta_keyman's shape ("HH:MM:SS (INFO) message"), always on stderr. Never pass a secret.</summary>
public interface ILog
{
    bool DebugEnabled { get; }

    void Debug(string message);

    void Info(string message);

    void Warning(string message);

    void Error(string message);
}
