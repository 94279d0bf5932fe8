using Keyman.Core;
using SharpFuzz;

namespace Keyman.Fuzz;

/// <summary>
/// Entry point for AFL++ (through SharpFuzz) and for replaying saved inputs.
/// <c>Keyman.Fuzz TARGET</c> runs under afl-fuzz; <c>Keyman.Fuzz TARGET --replay FILE...</c> runs files once each and
/// prints any exception that breaks the target's contract; <c>Keyman.Fuzz --list</c> names the targets; <c>--write-seeds DIR</c> writes the seed corpus.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine("usage: Keyman.Fuzz TARGET [--replay FILE...] | --list | --write-seeds DIR");
            return 2;
        }

        if (args[0] == "--list")
        {
            foreach (var name in Targets.All.Keys)
            {
                Console.WriteLine(name);
            }

            return 0;
        }

        if (args[0] == "--write-seeds" && args.Length == 2)
        {
            foreach (var (seedTarget, name, content) in Seeds.All())
            {
                Directory.CreateDirectory(Path.Combine(args[1], seedTarget));
                File.WriteAllBytes(Path.Combine(args[1], seedTarget, name), content);
            }

            return 0;
        }

        if (!Targets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"unknown target '{args[0]}'; targets: {string.Join(", ", Targets.All.Keys)}");
            return 2;
        }

        Targets.IsolateFromMachine();
        if (args.Length > 1 && args[1] == "--replay")
        {
            return Replay(target, args[2..]);
        }

        // Out of process: a stack overflow or a runtime abort in the parser is reported as a crash instead of killing the fork server.
        Fuzzer.OutOfProcess.Run(stream => Check(target, Read(stream)));
        return 0;
    }

    /// <summary>The contract every target keeps: Keyman's own exception is an answer; anything else escaping is a bug.</summary>
    internal static void Check(Action<byte[]> target, byte[] input)
    {
        try
        {
            target(input);
        }
        catch (KeymanException)
        {
        }
    }

    private static int Replay(Action<byte[]> target, string[] files)
    {
        var failures = 0;
        foreach (var file in files)
        {
            try
            {
                Check(target, File.ReadAllBytes(file));
                Console.WriteLine($"ok    {file}");
            }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"CRASH {file}");
                Console.WriteLine($"{e.GetType().FullName}: {e.Message.ReplaceLineEndings(" ")}");
                Console.WriteLine(e.StackTrace);
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static byte[] Read(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
