using System.Text;

namespace Keyman.Core.Delivery;

/// <summary>
/// The head of one HTTP/1.x request to the credential endpoint, read strictly and within bounds: at most
/// <see cref="MaxHeadBytes"/> bytes and <see cref="MaxHeaders"/> header lines, CRLF line ends, printable ASCII only, no
/// folded or duplicate Authorization headers. Anything else is a 400 (431 when too big); the body, if any, is never read.
/// </summary>
public sealed record HttpRequestHead(string Method, string Target, string? Authorization)
{
    public const int MaxHeadBytes = 8 * 1024;

    public const int MaxHeaders = 64;

    /// <summary>Reading stopped: the client closed first (nothing to answer), or the status to answer with.</summary>
    public sealed record ReadOutcome(HttpRequestHead? Head, int Status);

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>
    /// Reads up to the blank line that ends the head. Status 200 with the head; 400 malformed; 431 no end within
    /// <see cref="MaxHeadBytes"/>; 408 when <paramref name="deadline"/> passes first; 0 when the client closed first.
    /// </summary>
    public static async Task<ReadOutcome> ReadAsync(Stream stream, TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return new ReadOutcome(null, 0);
                }

                // Look again from just before the new bytes: the blank line may straddle two reads.
                var from = Math.Max(0, filled - 3);
                filled += read;
                var end = buffer.AsSpan(from, filled - from).IndexOf(EndOfHead);
                if (end >= 0)
                {
                    var head = Parse(buffer.AsSpan(0, from + end));
                    return new ReadOutcome(head, head is null ? 400 : 200);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ReadOutcome(null, 408);
        }

        return new ReadOutcome(null, 431);
    }

    /// <summary>The request line and header lines (without the final blank line); null when anything is malformed.</summary>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if (b is (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t') or >= 0x7F)
            {
                return null;
            }
        }

        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        if (lines.Length - 1 > MaxHeaders || lines.Any(l => l.Contains('\r') || l.Contains('\n')))
        {
            return null;
        }

        var parts = lines[0].Split(' ');
        if (parts is not [var method, var target, var version] || method.Length == 0 || !method.All(IsTokenChar)
            || !target.StartsWith('/') || target.Contains('\t') || version is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            return null;
        }

        string? authorization = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line.AsSpan(0, colon).ToString().All(IsTokenChar))
            {
                // Also refuses obs-fold: a continuation line starts with a space or tab, which is no token character.
                return null;
            }

            if (line.AsSpan(0, colon).Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                if (authorization is not null)
                {
                    return null;
                }

                authorization = line[(colon + 1)..].Trim(' ', '\t');
            }
        }

        return new HttpRequestHead(method, target, authorization);
    }

    /// <summary>RFC 9110 tchar.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
