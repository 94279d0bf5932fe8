using System.Globalization;

namespace Keyman.Core.Overview;

/// <summary>
/// Times as the user reads them: the local clock time with its UTC offset ("16:35 +01:00", with the date when it is
/// not today), and how far away it is ("in 42 min", "3 min ago").
/// </summary>
public static class LocalTimeText
{
    /// <summary>"expires 16:35 +01:00, in 42 min" or "expired 3 min ago".</summary>
    public static string Expiry(DateTimeOffset expires, DateTimeOffset now, TimeZoneInfo zone) =>
        expires > now
            ? $"expires {Clock(expires, now, zone)}, in {Span(expires - now)}"
            : $"expired {Span(now - expires)} ago";

    /// <summary>"16:35 +01:00" today, "2026-12-04 09:00 +01:00" another day (days as seen in <paramref name="zone"/>).</summary>
    public static string Clock(DateTimeOffset at, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var format = local.Date == today ? "HH:mm" : "yyyy-MM-dd HH:mm";
        return $"{local.ToString(format, CultureInfo.InvariantCulture)} {Offset(local.Offset)}";
    }

    /// <summary>An instant in <paramref name="zone"/> as ISO 8601 with its offset, for JSON: 2026-12-03T16:35:00+01:00.</summary>
    public static string Iso(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>"+01:00", "-05:30", "+00:00".</summary>
    public static string Offset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    /// <summary>"less than a minute", "42 min", "2 h 5 min", "3 days".</summary>
    public static string Span(TimeSpan span)
    {
        var minutes = (long)span.TotalMinutes;
        return minutes switch
        {
            < 1 => "less than a minute",
            < 60 => $"{minutes} min",
            < 48 * 60 => minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min",
            _ => $"{minutes / (24 * 60)} days",
        };
    }
}
