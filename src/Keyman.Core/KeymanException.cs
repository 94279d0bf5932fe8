namespace Keyman.Core;

/// <summary>
/// A failure the user can act on: a one-line message saying what is wrong, a hint saying how to fix it,
/// and the documented exit code. The CLI prints these without a stack trace.
/// </summary>
public class KeymanException : Exception
{
    public KeymanException(int exitCode, string message, string? hint = null, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
        Hint = hint;
    }

    public int ExitCode { get; }

    public string? Hint { get; }
}
