using System.Buffers.Binary;
using System.Text;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// Encodes one message of the AWS event-stream framing (application/vnd.amazon.eventstream):
/// [total u32][headers u32][prelude CRC32][headers][payload][message CRC32], big-endian, string headers only.
/// Both checksums are IEEE CRC-32 (zlib's), from System.IO.Hashing.
/// </summary>
internal static class EventStreamMessage
{
    public static byte[] Encode(IReadOnlyList<(string Name, string Value)> headers, byte[] payload)
    {
        using var headerBytes = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(7); // string
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)valueBytes.Length);
            headerBytes.Write(length);
            headerBytes.Write(valueBytes);
        }

        var headersLength = (int)headerBytes.Length;
        var total = 12 + headersLength + payload.Length + 4;
        var message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(0), (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(message.AsSpan(0, 8)));
        headerBytes.ToArray().CopyTo(message, 12);
        payload.CopyTo(message, 12 + headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), System.IO.Hashing.Crc32.HashToUInt32(message.AsSpan(0, total - 4)));
        return message;
    }
}
