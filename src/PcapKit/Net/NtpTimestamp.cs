using System;
using System.Globalization;

namespace PcapKit.Net;

/// <summary>
/// A 64-bit NTP timestamp (RFC 5905 §6): 32 bits of seconds since 1900-01-01 00:00 UTC and 32 bits of fraction. Seconds
/// with the high bit clear are read in era 1 (from 2036-02-07), as Wireshark reads them, so a timestamp of this century
/// and the next both come out right.
/// </summary>
public readonly record struct NtpTimestamp(ulong Value)
{
    // Seconds from 1900-01-01 to 1970-01-01.
    private const long UnixEpochOffset = 2_208_988_800;

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Whether the timestamp is zero, which RFC 5905 uses for "unknown" (tshark prints <c>NULL</c>).</summary>
    public bool IsNull => UnixSeconds == 0 && Nanoseconds == 0;

    /// <summary>Seconds since 1970-01-01 00:00 UTC; 0 when the seconds field is 0 (as Wireshark).</summary>
    public long UnixSeconds
    {
        get
        {
            var seconds = (long)(Value >> 32);
            if (seconds == 0)
            {
                return 0;
            }

            // RFC 5905 §6: era 0 ends in 2036; a value with the high bit clear is taken to be in era 1.
            return (seconds & 0x8000_0000) != 0 ? seconds - UnixEpochOffset : seconds + (1L << 32) - UnixEpochOffset;
        }
    }

    /// <summary>The fraction in nanoseconds, truncated (as Wireshark).</summary>
    public int Nanoseconds => (int)(((Value & 0xFFFF_FFFF) * 1_000_000_000UL) >> 32);

    /// <summary>Room enough for either text form (<c>Aug 16, 2015 19:25:48.749582159 UTC</c> is 35 characters).</summary>
    public const int MaxTextLength = 48;

    /// <summary>As tshark prints an absolute time in UTC: <c>Aug 16, 2015 19:25:48.749582159 UTC</c>, or <c>NULL</c> for zero.</summary>
    /// <returns>The text.</returns>
    public string ToTsharkString()
    {
        Span<char> text = stackalloc char[MaxTextLength];
        return TryFormatTshark(text, out var written) ? text[..written].ToString() : string.Empty;
    }

    /// <summary>Writes <see cref="ToTsharkString"/>'s text without allocating.</summary>
    /// <param name="destination">Where (<see cref="MaxTextLength"/> characters always suffice).</param>
    /// <param name="written">The characters written.</param>
    /// <returns>Whether it fit.</returns>
    public bool TryFormatTshark(Span<char> destination, out int written)
    {
        if (IsNull)
        {
            written = 4;
            return "NULL".AsSpan().TryCopyTo(destination);
        }

        var time = DateTime.UnixEpoch.AddSeconds(UnixSeconds);
        return destination.TryWrite(CultureInfo.InvariantCulture, $"{Months[time.Month - 1]} {time.Day,2}, {time.Year} {time:HH:mm:ss}.{Nanoseconds:D9} UTC", out written);
    }

    /// <summary>ISO 8601 in UTC with nanoseconds: <c>2015-08-16T19:25:48.749582159Z</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        Span<char> text = stackalloc char[MaxTextLength];
        return TryFormat(text, out var written) ? text[..written].ToString() : string.Empty;
    }

    /// <summary>Writes <see cref="ToString"/>'s text without allocating.</summary>
    /// <param name="destination">Where (<see cref="MaxTextLength"/> characters always suffice).</param>
    /// <param name="written">The characters written.</param>
    /// <returns>Whether it fit.</returns>
    public bool TryFormat(Span<char> destination, out int written) =>
        destination.TryWrite(CultureInfo.InvariantCulture, $"{DateTime.UnixEpoch.AddSeconds(UnixSeconds):yyyy-MM-ddTHH:mm:ss}.{Nanoseconds:D9}Z", out written);
}
