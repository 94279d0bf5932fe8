using Keyman.Core.Overview;

namespace Keyman.Tests.Overview;

public sealed class LocalTimeTextTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 14, 53, 0, TimeSpan.Zero);

    [Fact]
    public void Expiry_is_local_clock_time_with_the_offset_and_the_distance()
    {
        Assert.Equal("expires 16:35 +01:00, in 42 min", LocalTimeText.Expiry(Now.AddMinutes(42), Now, Paris));
        Assert.Equal("expired 3 min ago", LocalTimeText.Expiry(Now.AddMinutes(-3), Now, Paris));
        Assert.Equal("expires 15:53 +00:00, in 1 h", LocalTimeText.Expiry(Now.AddHours(1), Now, TimeZoneInfo.Utc));
        Assert.Equal("expires 2026-12-04 07:53 +01:00, in 16 h", LocalTimeText.Expiry(Now.AddHours(16), Now, Paris));
        Assert.Equal("expired less than a minute ago", LocalTimeText.Expiry(Now, Now, Paris));
    }

    [Fact]
    public void Summer_time_and_negative_offsets_are_shown_as_they_are()
    {
        var july = new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal("14:00 +02:00", LocalTimeText.Clock(july, july, Paris));
        Assert.Equal("-05:30", LocalTimeText.Offset(TimeSpan.FromMinutes(-330)));
        Assert.Equal("2026-07-01T14:00:00+02:00", LocalTimeText.Iso(july, Paris));
    }

    [Theory]
    [InlineData(0.5, "less than a minute")]
    [InlineData(59, "59 min")]
    [InlineData(125, "2 h 5 min")]
    [InlineData(60 * 24 * 3, "3 days")]
    public void Spans_read_like_words(double minutes, string expected) => Assert.Equal(expected, LocalTimeText.Span(TimeSpan.FromMinutes(minutes)));
}
