using System.Buffers.Binary;
using CsCheck;
using Keyman.Core.Bedrock;

namespace Keyman.Tests.Bedrock;

/// <summary>The event-stream decoder over generated messages and arbitrary bytes.</summary>
public class EventStreamPropertyTests
{
    private static readonly Gen<string> Name = Gen.Frequency(
        (3, Gen.OneOf(":message-type", ":event-type", ":content-type", ":exception-type")),
        (2, Gen.Char["abcxyz-:_é€"].Array[1, 30].Select(a => new string(a))));

    private static readonly Gen<EventStreamHeader> Header = Gen.SelectMany(Name, Gen.Enum<EventStreamHeaderType>(), (name, type) => (type switch
    {
        EventStreamHeaderType.BoolTrue => Gen.Const<object>(true),
        EventStreamHeaderType.BoolFalse => Gen.Const<object>(false),
        EventStreamHeaderType.Byte => Gen.SByte.Select(v => (object)v),
        EventStreamHeaderType.Short => Gen.Short.Select(v => (object)v),
        EventStreamHeaderType.Integer => Gen.Int.Select(v => (object)v),
        EventStreamHeaderType.Long => Gen.Long.Select(v => (object)v),
        EventStreamHeaderType.ByteArray => Gen.Byte.Array[0, 40].Select(v => (object)v),
        EventStreamHeaderType.String => Gen.String[0, 40].Select(v => (object)v),
        EventStreamHeaderType.Timestamp => Gen.Long[-62_135_596_800_000, 253_402_300_799_999].Select(v => (object)DateTimeOffset.FromUnixTimeMilliseconds(v)),
        _ => Gen.Guid.Select(v => (object)v),
    }).Select(value => new EventStreamHeader(name, type, value)));

    private static readonly Gen<(EventStreamHeader[] Headers, byte[] Payload)> Message = Gen.Select(Header.Array[0, 6], Gen.Byte.Array[0, 300]);

    /// <summary>
    /// Reads complete synchronously: the base Stream.ReadAsync hops to the thread pool per read, which CsCheck's parallel
    /// samples (each blocking on its decode) starve.
    /// </summary>
    private sealed class InlineTricklingStream(byte[] data, int chunk) : Stream
    {
        private readonly TricklingStream _inner = new(data, chunk);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position { get => _inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var array = new byte[buffer.Length];
            var n = _inner.Read(array, 0, array.Length);
            array.AsSpan(0, n).CopyTo(buffer.Span);
            return new ValueTask<int>(n);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<List<EventStreamMessage>> DecodeAsync(byte[] bytes, int chunk)
    {
        var messages = new List<EventStreamMessage>();
        await foreach (var message in new EventStreamReader(new InlineTricklingStream(bytes, chunk)).ReadAllAsync())
        {
            messages.Add(message);
        }

        return messages;
    }

    private static void AssertSame(EventStreamHeader expected, EventStreamHeader actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Type, actual.Type);
        if (expected.Value is byte[] bytes)
        {
            Assert.Equal(bytes, (byte[])actual.Value);
        }
        else
        {
            Assert.Equal(expected.Value, actual.Value);
        }
    }

    [Fact]
    public void Property_every_encoded_sequence_of_messages_decodes_to_itself()
    {
        Gen.Select(Message.Array[0, 4], Gen.Int[1, 64]).Sample(c =>
        {
            var (messages, chunk) = c;
            var bytes = messages.SelectMany(m => EventStreamWriter.Encode(m.Headers, m.Payload)).ToArray();

            var decoded = DecodeAsync(bytes, chunk).GetAwaiter().GetResult();

            Assert.Equal(messages.Length, decoded.Count);
            for (var i = 0; i < messages.Length; i++)
            {
                Assert.Equal(messages[i].Payload, decoded[i].Payload);
                Assert.Equal(messages[i].Headers.Length, decoded[i].Headers.Count);
                for (var h = 0; h < messages[i].Headers.Length; h++)
                {
                    AssertSame(messages[i].Headers[h], decoded[i].Headers[h]);
                }
            }
        }, iter: 1000);
    }

    [Fact]
    public void Property_arbitrary_bytes_end_cleanly_or_fail_with_the_decoders_own_exception()
    {
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Int[1, 16]).Sample(c =>
        {
            try
            {
                DecodeAsync(c.Item1, c.Item2).GetAwaiter().GetResult();
            }
            catch (EventStreamFormatException)
            {
            }
        }, iter: 5000);
    }

    /// <summary>Arbitrary header bytes inside a frame whose lengths and checksums are right, so the header parser itself is reached.</summary>
    [Fact]
    public void Property_arbitrary_headers_in_a_valid_frame_fail_only_with_the_decoders_own_exception()
    {
        Gen.Select(Gen.Byte.Array[0, 120], Gen.Byte.Array[0, 20]).Sample(c =>
        {
            var (headers, payload) = c;
            var total = EventStreamReader.PreludeLength + headers.Length + payload.Length + 4;
            var frame = new byte[total];
            BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)total);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)headers.Length);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(frame.AsSpan(0, 8)));
            headers.CopyTo(frame, EventStreamReader.PreludeLength);
            payload.CopyTo(frame, EventStreamReader.PreludeLength + headers.Length);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), System.IO.Hashing.Crc32.HashToUInt32(frame.AsSpan(0, total - 4)));
            try
            {
                var message = Assert.Single(DecodeAsync(frame, 64).GetAwaiter().GetResult());
                Assert.Equal(payload, message.Payload);
            }
            catch (EventStreamFormatException)
            {
            }
        }, iter: 5000);
    }

    [Fact]
    public void Property_a_cut_or_a_flipped_bit_is_always_detected()
    {
        Gen.Select(Message, Gen.Int[0, int.MaxValue], Gen.Int[0, 7], Gen.Bool).Sample(c =>
        {
            var (message, at, bit, cut) = c;
            var bytes = EventStreamWriter.Encode(message.Headers, message.Payload);
            var position = at % bytes.Length;
            if (cut)
            {
                bytes = bytes[..Math.Max(1, position)];
            }
            else
            {
                bytes[position] ^= (byte)(1 << bit);
            }

            Assert.Throws<EventStreamFormatException>(() => DecodeAsync(bytes, 13).GetAwaiter().GetResult());
        }, iter: 2000);
    }

    /// <summary>Found by the property above: a timestamp header past year 9999 escaped as ArgumentOutOfRangeException (exit code 5).</summary>
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(795_750_007_779_916_667)]
    [InlineData(253_402_300_800_000)]
    public void A_timestamp_header_outside_the_calendar_is_a_format_error(long milliseconds)
    {
        var valid = EventStreamWriter.Encode([new EventStreamHeader("t", EventStreamHeaderType.Timestamp, DateTimeOffset.UnixEpoch)], [1, 2]);
        var headers = valid[EventStreamReader.PreludeLength..^6];
        BinaryPrimitives.WriteInt64BigEndian(headers.AsSpan(3), milliseconds);
        var frame = valid.ToArray();
        headers.CopyTo(frame, EventStreamReader.PreludeLength);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(frame.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(frame.AsSpan(0, frame.Length - 4)));

        var e = Assert.Throws<EventStreamFormatException>(() => DecodeAsync(frame, 64).GetAwaiter().GetResult());

        Assert.Contains("timestamp", e.Message, StringComparison.Ordinal);
    }
}
