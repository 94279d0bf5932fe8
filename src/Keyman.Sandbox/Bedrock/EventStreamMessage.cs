using System.Buffers.Binary;
using System.Text;

namespace Keyman.Sandbox.Bedrock;

/// <summary>
/// Encodes one message of the AWS event-stream framing (application/vnd.amazon.eventstream):
/// [total u32][headers u32][prelude CRC32][headers][payload][message CRC32], big-endian, string headers only.
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
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.Compute(message.AsSpan(0, 8)));
        headerBytes.ToArray().CopyTo(message, 12);
        payload.CopyTo(message, 12 + headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.Compute(message.AsSpan(0, total - 4)));
        return message;
    }
}

/// <summary>IEEE 802.3 CRC-32 (zlib's), which event-stream uses for both checksums.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
