using System.Buffers.Binary;
using System.Text;
using Keyman.Core;
using Keyman.Core.Bedrock;

namespace Keyman.Tests.Bedrock;

/// <summary>A read-only stream that hands out at most <c>chunk</c> bytes per read, to split frames at arbitrary points.</summary>
internal sealed class TricklingStream(byte[] data, int chunk) : Stream
{
    private int _position;

    public int Reads { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        Reads++;
        var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

public class EventStreamTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static byte[] Frame(string json, string eventType = "chunk") =>
        EventStreamWriter.Encode([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(json));

    private static async Task<List<EventStreamMessage>> ReadAll(byte[] data, int chunk = int.MaxValue)
    {
        var list = new List<EventStreamMessage>();
        await foreach (var message in new EventStreamReader(new TricklingStream(data, chunk)).ReadAllAsync())
        {
            list.Add(message);
        }

        return list;
    }

    [Fact]
    public async Task Botocore_empty_message_vector_decodes()
    {
        var empty = Hex("00000010 00000000 05c248eb 7d98c8ff");
        var message = Assert.Single(await ReadAll(empty));
        Assert.Empty(message.Headers);
        Assert.Empty(message.Payload);
        Assert.Equal(empty, EventStreamWriter.Encode(Array.Empty<EventStreamHeader>(), []));
    }

    [Fact]
    public async Task All_header_types_round_trip()
    {
        var uuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        EventStreamHeader[] headers =
        [
            new("t", EventStreamHeaderType.BoolTrue, true),
            new("f", EventStreamHeaderType.BoolFalse, false),
            new("b", EventStreamHeaderType.Byte, (sbyte)-3),
            new("s", EventStreamHeaderType.Short, (short)-300),
            new("i", EventStreamHeaderType.Integer, 70000),
            new("l", EventStreamHeaderType.Long, -5_000_000_000L),
            new("ba", EventStreamHeaderType.ByteArray, new byte[] { 1, 2, 3 }),
            new("str", EventStreamHeaderType.String, "héllo"),
            new("ts", EventStreamHeaderType.Timestamp, time),
            new("u", EventStreamHeaderType.Uuid, uuid),
        ];
        var bytes = EventStreamWriter.Encode(headers, Encoding.UTF8.GetBytes("payload"));
        var message = Assert.Single(await ReadAll(bytes, chunk: 3));

        Assert.Equal(10, message.Headers.Count);
        Assert.Equal(true, message.Headers[0].Value);
        Assert.Equal(false, message.Headers[1].Value);
        Assert.Equal((sbyte)-3, message.Headers[2].Value);
        Assert.Equal((short)-300, message.Headers[3].Value);
        Assert.Equal(70000, message.Headers[4].Value);
        Assert.Equal(-5_000_000_000L, message.Headers[5].Value);
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])message.Headers[6].Value);
        Assert.Equal("héllo", message.StringHeader("str"));
        Assert.Equal(time, message.Headers[8].Value);
        Assert.Equal(uuid, message.Headers[9].Value);
        Assert.Equal("payload", Encoding.UTF8.GetString(message.Payload));
        // UUID bytes are big-endian on the wire.
        Assert.Contains(Hex("00112233445566778899aabbccddeeff"), new[] { bytes.AsSpan(bytes.Length - 4 - 7 - 16, 16).ToArray() });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(4096)]
    public async Task Several_frames_split_across_arbitrary_reads(int chunk)
    {
        var data = Frame("""{"a":1}""").Concat(Frame("""{"b":2}""")).Concat(Frame("""{"c":3}""", "other")).ToArray();
        var messages = await ReadAll(data, chunk);
        Assert.Equal(3, messages.Count);
        Assert.Equal("""{"b":2}""", Encoding.UTF8.GetString(messages[1].Payload));
        Assert.Equal("other", messages[2].EventType);
        Assert.Equal("event", messages[0].MessageType);
    }

    [Fact]
    public async Task Reader_returns_a_message_before_the_next_one_is_read()
    {
        var data = Frame("""{"a":1}""").Concat(Frame("""{"b":2}""")).ToArray();
        var stream = new TricklingStream(data, 1);
        var reader = new EventStreamReader(stream);
        Assert.NotNull(await reader.ReadAsync());
        Assert.Equal(data.Length / 2, stream.Position);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(20)]
    public async Task Truncated_stream_is_a_clear_error(int cut)
    {
        var data = Frame("""{"a":1}""");
        var ex = await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(data[..Math.Min(cut, data.Length - 1)]));
        Assert.Contains("ended in the middle of a message", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BedrockServiceError, ex.ExitCode);

        var last = await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(data[..^1]));
        Assert.Contains("ended in the middle", last.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_prelude_crc_is_detected()
    {
        var data = Frame("""{"a":1}""");
        data[9] ^= 0xFF;
        var ex = await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(data));
        Assert.Contains("prelude checksum mismatch", ex.Message, StringComparison.Ordinal);

        // A corrupted length is caught by the prelude CRC before it is trusted.
        var lengths = Frame("""{"a":1}""");
        lengths[3] ^= 0x01;
        Assert.Contains("prelude checksum", (await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(lengths))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_message_crc_is_detected()
    {
        var data = Frame("""{"a":1}""");
        data[^6] ^= 0x20; // a payload byte
        var ex = await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(data));
        Assert.Contains("message checksum mismatch in message 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lengths_over_the_limits_are_refused()
    {
        static byte[] Prelude(uint total, uint headers)
        {
            var prelude = new byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(prelude, total);
            BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(4), headers);
            BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(prelude.AsSpan(0, 8)));
            return prelude;
        }

        Assert.Contains("headers", (await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(Prelude(200_000, 131_073)))).Message, StringComparison.Ordinal);
        Assert.Contains("payload", (await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(Prelude(30_000_000, 0)))).Message, StringComparison.Ordinal);
        Assert.Contains("less than", (await Assert.ThrowsAsync<EventStreamFormatException>(() => ReadAll(Prelude(15, 0)))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_running_past_its_length_is_refused()
    {
        // name length 5 but only 2 bytes follow
        Assert.Throws<EventStreamFormatException>(() => EventStreamReader.ParseHeaders(new byte[] { 5, (byte)'a', (byte)'b' }, 1));
        // string header declaring 10 bytes with 1 present
        Assert.Throws<EventStreamFormatException>(() => EventStreamReader.ParseHeaders(new byte[] { 1, (byte)'x', 7, 0, 10, (byte)'y' }, 1));
        // unknown type 42
        Assert.Contains("unknown type 42", Assert.Throws<EventStreamFormatException>(() => EventStreamReader.ParseHeaders(new byte[] { 1, (byte)'x', 42 }, 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exception_and_error_frames_map_to_typed_errors()
    {
        var context = new BedrockCallContext("InvokeModelWithResponseStream", "us-east-1", "us.anthropic.claude-3-5-haiku-20241022-v1:0");
        var exception = new EventStreamMessage(
            [new(":message-type", EventStreamHeaderType.String, "exception"), new(":exception-type", EventStreamHeaderType.String, "throttlingException")],
            Encoding.UTF8.GetBytes("""{"message":"Too many requests, please wait before trying again."}"""));
        var throttled = BedrockErrors.FromStreamMessage(exception, context);
        Assert.Equal(ExitCodes.BedrockThrottled, throttled.ExitCode);
        Assert.Equal("throttlingException", throttled.ErrorType);
        Assert.Contains("Too many requests", throttled.Message, StringComparison.Ordinal);

        var modelError = new EventStreamMessage(
            [new(":message-type", EventStreamHeaderType.String, "exception"), new(":exception-type", EventStreamHeaderType.String, "modelStreamErrorException")],
            Encoding.UTF8.GetBytes("""{"message":"boom","originalStatusCode":500}"""));
        Assert.Equal(ExitCodes.BedrockServiceError, BedrockErrors.FromStreamMessage(modelError, context).ExitCode);

        var error = new EventStreamMessage(
            [new(":message-type", EventStreamHeaderType.String, "error"), new(":error-code", EventStreamHeaderType.String, "InternalFailure"),
             new(":error-message", EventStreamHeaderType.String, "An internal error occurred")], []);
        var mapped = BedrockErrors.FromStreamMessage(error, context);
        Assert.Equal("InternalFailure", mapped.ErrorType);
        Assert.Contains("An internal error occurred", mapped.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BedrockServiceError, mapped.ExitCode);
    }
}
