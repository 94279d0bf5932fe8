using Keyman.Core;

namespace Keyman.Cli.Console;

/// <summary>The one place a failure becomes one line on stderr, "what is wrong. Fix: how", and an exit code.</summary>
internal static class ErrorReport
{
    /// <summary>Prints the failure as one line, with the stack only under --debug, and returns its exit code.</summary>
    public static int Fail(CliHost host, Exception e, bool debug)
    {
        var log = ConsoleLog.ForStandardError(host, debug);
        switch (e)
        {
            case KeymanException k:
                log.Error(k.Hint is null ? k.Message : $"{k.Message.TrimEnd('.')}. Fix: {k.Hint}");
                if (debug && k.InnerException is not null)
                {
                    log.Debug(DebugDetail(k.InnerException));
                }

                return k.ExitCode;
            case OperationCanceledException:
                log.Error("Cancelled.");
                return ExitCodes.Cancelled;
            default:
                log.Error($"Unexpected error: {Describe(e)} ({e.GetType().Name}). Fix: run again with --debug and report it.");
                if (debug)
                {
                    log.Debug(DebugDetail(e));
                }

                return ExitCodes.Internal;
        }
    }

    /// <summary>
    /// Keyman's own words for a runtime failure. The runtime's message is never shown: Native AOT strips its resource
    /// strings (users would read keys like IO_FileNotFound_FileName), and it may quote a line of a file.
    /// </summary>
    internal static string Describe(Exception e) => e switch
    {
        FileNotFoundException { FileName: { Length: > 0 } name } => $"the file {name} does not exist",
        FileNotFoundException => "a file Keyman needs does not exist",
        DirectoryNotFoundException => "a folder on the way to a file does not exist",
        UnauthorizedAccessException => "permission to read or write a file was denied",
        PathTooLongException => "a file path is too long",
        EndOfStreamException => "a file or answer ended too early",
        IOException => "reading or writing a file failed",
        System.Xml.XmlException x => $"an XML document is malformed (line {x.LineNumber}, position {x.LinePosition})",
        System.Text.Json.JsonException => "a JSON document is malformed",
        TypeInitializationException t => $"a part of Keyman ({t.TypeName}) could not start",
        HttpRequestException => "a network request failed",
        OutOfMemoryException or InsufficientExecutionStackException => "an input is too large or too deeply nested",
        _ => "something Keyman did not expect went wrong",
    };

    /// <summary>
    /// The exception for --debug, unless a message in its chain may quote a line of a file: AWSSDK.Core's parser says
    /// "Line N:&lt;raw line&gt; in file …", and that line can hold a secret key. Then only the types and stacks show.
    /// </summary>
    internal static string DebugDetail(Exception e)
    {
        var chain = new List<Exception>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            chain.Add(x);
        }

        if (!chain.Any(MayQuoteAFile))
        {
            return e.ToString();
        }

        var builder = new System.Text.StringBuilder();
        foreach (var x in chain)
        {
            builder.Append(builder.Length == 0 ? string.Empty : " ---> ").Append(x.GetType().FullName).Append(" (message withheld: it may quote a line of a file)");
            if (x.StackTrace is { } stack)
            {
                builder.Append('\n').Append(stack);
            }
        }

        return builder.ToString();
    }

    private static bool MayQuoteAFile(Exception e) =>
        e is TypeInitializationException or InvalidDataException
        || (e.Message.IndexOf('<', StringComparison.Ordinal) is var open and >= 0 && e.Message.AsSpan(open).Contains('>'));
}
