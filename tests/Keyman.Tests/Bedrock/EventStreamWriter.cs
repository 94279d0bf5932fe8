using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Keyman.Core.Bedrock;

namespace Keyman.Tests.Bedrock;

/// <summary>Builds event-stream messages for tests (Keyman only reads them; the sandbox has its own writer).</summary>
internal static class EventStreamWriter
{
    public static byte[] Encode(IEnumerable<EventStreamHeader> headers, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var headerBytes = new MemoryStream();
        Span<byte> scratch = stackalloc byte[16];
        foreach (var header in headers)
        {
            var name = Encoding.UTF8.GetBytes(header.Name);
            headerBytes.WriteByte((byte)name.Length);
            headerBytes.Write(name);
            headerBytes.WriteByte((byte)header.Type);
            switch (header.Type)
            {
                case EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse:
                    break;
                case EventStreamHeaderType.Byte:
                    headerBytes.WriteByte((byte)(sbyte)header.Value);
                    break;
                case EventStreamHeaderType.Short:
                    BinaryPrimitives.WriteInt16BigEndian(scratch, (short)header.Value);
                    headerBytes.Write(scratch[..2]);
                    break;
                case EventStreamHeaderType.Integer:
                    BinaryPrimitives.WriteInt32BigEndian(scratch, (int)header.Value);
                    headerBytes.Write(scratch[..4]);
                    break;
                case EventStreamHeaderType.Long:
                    BinaryPrimitives.WriteInt64BigEndian(scratch, (long)header.Value);
                    headerBytes.Write(scratch[..8]);
                    break;
                case EventStreamHeaderType.Timestamp:
                    BinaryPrimitives.WriteInt64BigEndian(scratch, ((DateTimeOffset)header.Value).ToUnixTimeMilliseconds());
                    headerBytes.Write(scratch[..8]);
                    break;
                case EventStreamHeaderType.ByteArray or EventStreamHeaderType.String:
                    var bytes = header.Value as byte[] ?? Encoding.UTF8.GetBytes((string)header.Value);
                    BinaryPrimitives.WriteUInt16BigEndian(scratch, checked((ushort)bytes.Length));
                    headerBytes.Write(scratch[..2]);
                    headerBytes.Write(bytes);
                    break;
                case EventStreamHeaderType.Uuid:
                    ((Guid)header.Value).TryWriteBytes(scratch, bigEndian: true, out _);
                    headerBytes.Write(scratch[..16]);
                    break;
                default:
                    throw new ArgumentException($"Unknown header type {header.Type}", nameof(headers));
            }
        }

        var headerLength = (int)headerBytes.Length;
        var total = EventStreamReader.PreludeLength + headerLength + payload.Length + 4;
        var message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headerLength);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.HashToUInt32(message.AsSpan(0, 8)));
        headerBytes.ToArray().CopyTo(message, EventStreamReader.PreludeLength);
        payload.CopyTo(message.AsSpan(EventStreamReader.PreludeLength + headerLength));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.HashToUInt32(message.AsSpan(0, total - 4)));
        return message;
    }

    /// <summary>A message with string headers only.</summary>
    public static byte[] Encode(IEnumerable<(string Name, string Value)> headers, ReadOnlySpan<byte> payload) =>
        Encode(headers.Select(h => new EventStreamHeader(h.Name, EventStreamHeaderType.String, h.Value)), payload);
}
