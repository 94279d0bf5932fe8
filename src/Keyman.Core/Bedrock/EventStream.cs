using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Keyman.Core.Bedrock;

/// <summary>The value types of an event-stream header, as numbered on the wire.</summary>
public enum EventStreamHeaderType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Short = 3,
    Integer = 4,
    Long = 5,
    ByteArray = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
}

/// <summary>
/// One header. <see cref="Value"/> is a bool, sbyte, short, int, long, byte[], string, DateTimeOffset (timestamp) or Guid.
/// </summary>
public sealed record EventStreamHeader(string Name, EventStreamHeaderType Type, object Value);

/// <summary>One decoded event-stream message.</summary>
public sealed class EventStreamMessage(IReadOnlyList<EventStreamHeader> headers, byte[] payload)
{
    public IReadOnlyList<EventStreamHeader> Headers { get; } = headers;

    public byte[] Payload { get; } = payload;

    /// <summary>":message-type": "event", "exception" or "error".</summary>
    public string? MessageType => StringHeader(":message-type");

    /// <summary>":event-type" of an event, e.g. "chunk".</summary>
    public string? EventType => StringHeader(":event-type");

    /// <summary>The value of a string header, or null when absent or of another type.</summary>
    public string? StringHeader(string name) =>
        Headers.FirstOrDefault(h => h.Name == name && h.Type == EventStreamHeaderType.String)?.Value as string;
}

/// <summary>The event stream is malformed: truncated, a checksum mismatch, or a length over the limits.</summary>
public sealed class EventStreamFormatException(string message)
    : KeymanException(ExitCodes.BedrockServiceError, message,
        "The response from Bedrock was cut off or corrupted on the way (a proxy?); retry, and use --debug if it persists.");

/// <summary>
/// Reads AWS event-stream messages (application/vnd.amazon.eventstream) one at a time from a stream as the bytes
/// arrive: [total length u32][headers length u32][prelude CRC32][headers][payload][message CRC32], big-endian.
/// </summary>
public sealed class EventStreamReader(Stream stream)
{
    public const int PreludeLength = 12;
    public const int MaxHeadersLength = 128 * 1024;
    public const int MaxPayloadLength = 24 * 1024 * 1024;
    private const int MinimumMessageLength = PreludeLength + 4;
    private static readonly long MinTimestamp = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimestamp = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private readonly Stream _stream = stream ?? throw new ArgumentNullException(nameof(stream));

    /// <summary>Messages read so far, for error messages.</summary>
    public int MessageCount { get; private set; }

    /// <summary>The next message, or null when the stream ends cleanly between messages.</summary>
    /// <exception cref="EventStreamFormatException">The stream is truncated or corrupt.</exception>
    public async ValueTask<EventStreamMessage?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var prelude = new byte[PreludeLength];
        var read = await ReadFullyAsync(prelude, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < PreludeLength)
        {
            throw Truncated($"after {read} of the {PreludeLength} prelude bytes");
        }

        var totalLength = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(prelude.AsSpan(4));
        var preludeCrc = BinaryPrimitives.ReadUInt32BigEndian(prelude.AsSpan(8));
        var computedPreludeCrc = Crc32.HashToUInt32(prelude.AsSpan(0, 8));
        if (computedPreludeCrc != preludeCrc)
        {
            throw new EventStreamFormatException(
                $"Bedrock's response stream is corrupt: prelude checksum mismatch in message {MessageCount + 1} (expected {preludeCrc:x8}, computed {computedPreludeCrc:x8})");
        }

        if (headersLength > MaxHeadersLength)
        {
            throw new EventStreamFormatException($"Bedrock's response stream is corrupt: message {MessageCount + 1} declares {headersLength} bytes of headers (limit {MaxHeadersLength})");
        }

        if (totalLength < MinimumMessageLength + (long)headersLength)
        {
            throw new EventStreamFormatException($"Bedrock's response stream is corrupt: message {MessageCount + 1} declares length {totalLength}, less than its headers need");
        }

        var payloadLength = totalLength - MinimumMessageLength - headersLength;
        if (payloadLength > MaxPayloadLength)
        {
            throw new EventStreamFormatException($"Bedrock's response stream is corrupt: message {MessageCount + 1} declares a payload of {payloadLength} bytes (limit {MaxPayloadLength})");
        }

        var rest = new byte[totalLength - PreludeLength];
        read = await ReadFullyAsync(rest, cancellationToken).ConfigureAwait(false);
        if (read < rest.Length)
        {
            throw Truncated($"after {PreludeLength + read} of the {totalLength} bytes of message {MessageCount + 1}");
        }

        var messageCrc = BinaryPrimitives.ReadUInt32BigEndian(rest.AsSpan(rest.Length - 4));
        var crc = new Crc32();
        crc.Append(prelude);
        crc.Append(rest.AsSpan(0, rest.Length - 4));
        var computed = crc.GetCurrentHashAsUInt32();
        if (computed != messageCrc)
        {
            throw new EventStreamFormatException(
                $"Bedrock's response stream is corrupt: message checksum mismatch in message {MessageCount + 1} (expected {messageCrc:x8}, computed {computed:x8})");
        }

        var headers = ParseHeaders(rest.AsSpan(0, (int)headersLength), MessageCount + 1);
        var payload = rest.AsSpan((int)headersLength, (int)payloadLength).ToArray();
        MessageCount++;
        return new EventStreamMessage(headers, payload);
    }

    /// <summary>All messages until the stream ends.</summary>
    public async IAsyncEnumerable<EventStreamMessage> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }

    internal static List<EventStreamHeader> ParseHeaders(ReadOnlySpan<byte> data, int messageNumber)
    {
        var headers = new List<EventStreamHeader>();
        var position = 0;
        while (position < data.Length)
        {
            var nameLength = data[position++];
            Need(data, position, nameLength, messageNumber);
            var name = Encoding.UTF8.GetString(data.Slice(position, nameLength));
            position += nameLength;
            Need(data, position, 1, messageNumber);
            var type = (EventStreamHeaderType)data[position++];
            object value;
            switch (type)
            {
                case EventStreamHeaderType.BoolTrue:
                    value = true;
                    break;
                case EventStreamHeaderType.BoolFalse:
                    value = false;
                    break;
                case EventStreamHeaderType.Byte:
                    Need(data, position, 1, messageNumber);
                    value = (sbyte)data[position];
                    position += 1;
                    break;
                case EventStreamHeaderType.Short:
                    Need(data, position, 2, messageNumber);
                    value = BinaryPrimitives.ReadInt16BigEndian(data[position..]);
                    position += 2;
                    break;
                case EventStreamHeaderType.Integer:
                    Need(data, position, 4, messageNumber);
                    value = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
                    position += 4;
                    break;
                case EventStreamHeaderType.Long:
                    Need(data, position, 8, messageNumber);
                    value = BinaryPrimitives.ReadInt64BigEndian(data[position..]);
                    position += 8;
                    break;
                case EventStreamHeaderType.Timestamp:
                    Need(data, position, 8, messageNumber);
                    var milliseconds = BinaryPrimitives.ReadInt64BigEndian(data[position..]);
                    if (milliseconds < MinTimestamp || milliseconds > MaxTimestamp)
                    {
                        throw new EventStreamFormatException($"Bedrock's response stream is corrupt: header '{name}' in message {messageNumber} holds a timestamp outside years 1 to 9999");
                    }

                    value = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
                    position += 8;
                    break;
                case EventStreamHeaderType.ByteArray:
                case EventStreamHeaderType.String:
                    Need(data, position, 2, messageNumber);
                    var length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
                    position += 2;
                    Need(data, position, length, messageNumber);
                    var bytes = data.Slice(position, length);
                    value = type == EventStreamHeaderType.String ? Encoding.UTF8.GetString(bytes) : bytes.ToArray();
                    position += length;
                    break;
                case EventStreamHeaderType.Uuid:
                    Need(data, position, 16, messageNumber);
                    value = new Guid(data.Slice(position, 16), bigEndian: true);
                    position += 16;
                    break;
                default:
                    throw new EventStreamFormatException($"Bedrock's response stream is corrupt: header '{name}' in message {messageNumber} has unknown type {(byte)type}");
            }

            headers.Add(new EventStreamHeader(name, type, value));
        }

        return headers;
    }

    private static void Need(ReadOnlySpan<byte> data, int position, int count, int messageNumber)
    {
        if (position + count > data.Length)
        {
            throw new EventStreamFormatException($"Bedrock's response stream is corrupt: the headers of message {messageNumber} run past their declared length");
        }
    }

    private EventStreamFormatException Truncated(string where) =>
        new($"Bedrock's response stream ended in the middle of a message ({where})");

    private async ValueTask<int> ReadFullyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
