using System;
using System.Globalization;

namespace PcapKit.Capture;

/// <summary>
/// A packet timestamp kept exactly as the file stores it: a count of units of its resolution since the epoch, plus
/// the interface's offset in seconds. Seconds and nanoseconds are derived; nothing finer than a nanosecond is lost
/// (<see cref="FractionUnits"/> keeps it).
/// </summary>
public readonly struct CaptureTimestamp : IEquatable<CaptureTimestamp>, IComparable<CaptureTimestamp>
{
    /// <summary>Creates a timestamp.</summary>
    /// <param name="units">Units of <paramref name="resolution"/> since the epoch (plus the offset).</param>
    /// <param name="resolution">The unit.</param>
    /// <param name="offsetSeconds">Seconds added to every timestamp of the interface (<c>if_tsoffset</c>).</param>
    public CaptureTimestamp(ulong units, TimestampResolution resolution, long offsetSeconds = 0)
    {
        Units = units;
        Resolution = resolution;
        OffsetSeconds = offsetSeconds;
    }

    /// <summary>A timestamp from seconds and nanoseconds.</summary>
    /// <param name="seconds">Seconds since the epoch.</param>
    /// <param name="nanoseconds">Nanoseconds, below 1e9.</param>
    /// <returns>The timestamp.</returns>
    public static CaptureTimestamp FromNanoseconds(long seconds, uint nanoseconds) =>
        new(((ulong)seconds * 1_000_000_000UL) + nanoseconds, TimestampResolution.Nanoseconds);

    /// <summary>The stored count of units.</summary>
    public ulong Units { get; }

    /// <summary>The unit.</summary>
    public TimestampResolution Resolution { get; }

    /// <summary>The interface's offset, in seconds.</summary>
    public long OffsetSeconds { get; }

    /// <summary>
    /// Whole seconds since the epoch, saturated to <see cref="long"/>'s range (reached only by a corrupt timestamp at one
    /// unit per second, or a corrupt offset).
    /// </summary>
    public long Seconds => WithOffset(WholeSeconds(PerSecond));

    /// <summary>The units past the whole seconds (<see cref="Seconds"/> unless it saturated).</summary>
    public ulong FractionUnits => Units - (WholeSeconds(PerSecond) * PerSecond);

    /// <summary>Nanoseconds past the whole seconds, rounded down (exact for resolutions down to 10^-9 s).</summary>
    public uint Nanoseconds => (uint)Scale(FractionUnits, PerSecond, 1_000_000_000UL);

    /// <summary>
    /// <paramref name="fraction"/> units of 1/<paramref name="from"/> s in units of 1/<paramref name="to"/> s, rounded down:
    /// without a 128-bit division for the conversions captures make per record (the same unit, microseconds to
    /// nanoseconds).
    /// </summary>
    private static ulong Scale(ulong fraction, ulong from, ulong to) =>
        from == to ? fraction
        : from == 1_000_000 && to == 1_000_000_000 ? fraction * 1_000
        : (ulong)(((UInt128)fraction * to) / from);

    // default(CaptureTimestamp) (a record without a timestamp) has no resolution: it reads as the epoch.
    private ulong PerSecond => Resolution.UnitsPerSecond == 0 ? 1 : Resolution.UnitsPerSecond;

    // Units / perSecond, by a constant for the resolutions captures use: the JIT makes that a multiplication, where a
    // division by a variable costs tens of cycles, per record (the pipelines read each record's time once).
    private ulong WholeSeconds(ulong perSecond) => perSecond switch
    {
        1_000_000 => Units / 1_000_000,
        1_000_000_000 => Units / 1_000_000_000,
        _ => Units / perSecond,
    };

    // Whole seconds plus the offset, saturated: 64-bit whole seconds (one unit per second) and the offset can overflow a
    // long, and a time that wrapped around would read as near the epoch (a flow file would take it as pcap's).
    private long WithOffset(ulong whole)
    {
        var seconds = unchecked((long)whole + OffsetSeconds);
        return whole <= long.MaxValue && (OffsetSeconds <= 0 || seconds >= (long)whole)
            ? seconds
            : (long)Int128.Clamp((Int128)whole + OffsetSeconds, long.MinValue, long.MaxValue);
    }

    /// <summary>Microseconds past the whole seconds, rounded down.</summary>
    public uint Microseconds => Nanoseconds / 1000;

    /// <summary>Nanoseconds since the epoch (to year 2262).</summary>
    public long TotalNanoseconds
    {
        get
        {
            // Seconds and the fraction from one division.
            var (seconds, nanoseconds) = Split(1_000_000_000UL);
            return (seconds * 1_000_000_000L) + (long)nanoseconds;
        }
    }

    /// <summary>
    /// Nanoseconds since the epoch for comparing times, saturated at ±(2^62 - 1) ns (about ±146 years, half of long's
    /// range so that adding a timeout cannot overflow) so that a corrupt timestamp compares as far away instead of
    /// wrapping around; in order throughout.
    /// </summary>
    public long SaturatedNanoseconds
    {
        get
        {
            // Seconds and the fraction from one division (the pipelines read this once per record).
            var (seconds, nanoseconds) = Split(1_000_000_000UL);
            if (seconds > 9_000_000_000L)
            {
                return long.MaxValue / 2;
            }

            if (seconds < -9_000_000_000L)
            {
                return long.MinValue / 2;
            }

            // Within ±9e9 s the product cannot overflow; clamped to the saturated values, so that a time between them
            // and ±9e9 s does not read as later (earlier) than the saturated ones.
            return Math.Clamp((seconds * 1_000_000_000L) + (long)nanoseconds, long.MinValue / 2, long.MaxValue / 2);
        }
    }

    /// <summary>
    /// The seconds since the epoch and the fraction past them in units of 1/<paramref name="unitsPerSecond"/> s, rounded
    /// down, from one division (the flow files write a record header from them per record).
    /// </summary>
    /// <param name="unitsPerSecond">The fraction's units per second.</param>
    /// <returns><see cref="Seconds"/>, and the fraction.</returns>
    internal (long Seconds, ulong Fraction) Split(ulong unitsPerSecond)
    {
        var perSecond = PerSecond;
        var whole = WholeSeconds(perSecond);
        return (WithOffset(whole), Scale(Units - (whole * perSecond), perSecond, unitsPerSecond));
    }

    /// <summary>The timestamp as a <see cref="DateTimeOffset"/> (UTC, 100 ns precision).</summary>
    /// <returns>The time.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The time is before year 1 or after 9999 (a corrupt or odd timestamp); see <see cref="TryToDateTimeOffset"/>.</exception>
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.UnixEpoch.AddSeconds(Seconds).AddTicks(Nanoseconds / 100);

    /// <summary>The timestamp as a <see cref="DateTimeOffset"/>, when it falls in years 1 to 9999.</summary>
    /// <param name="time">The time.</param>
    /// <returns>Whether it does.</returns>
    public bool TryToDateTimeOffset(out DateTimeOffset time)
    {
        const long MinSeconds = -62_135_596_800L;
        const long MaxSeconds = 253_402_300_799L;
        if (Seconds is >= MinSeconds and <= MaxSeconds)
        {
            time = DateTimeOffset.UnixEpoch.AddSeconds(Seconds).AddTicks(Nanoseconds / 100);
            return true;
        }

        time = default;
        return false;
    }

    /// <summary>Writes seconds and nine decimals (<c>1570152237.968859000</c>), as tshark's <c>frame.time_epoch</c>.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="charsWritten">The number of characters written.</param>
    /// <returns>Whether it fitted.</returns>
    public bool TryFormatEpoch(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (!Seconds.TryFormat(destination, out var n, default, CultureInfo.InvariantCulture) || destination.Length < n + 10)
        {
            return false;
        }

        destination[n] = '.';
        _ = Nanoseconds.TryFormat(destination[(n + 1)..], out _, "D9", CultureInfo.InvariantCulture);
        charsWritten = n + 10;
        return true;
    }

    /// <summary>The epoch form with nine decimals.</summary>
    /// <returns>The text.</returns>
    public string ToEpochString()
    {
        Span<char> buffer = stackalloc char[32];
        _ = TryFormatEpoch(buffer, out var n);
        return new string(buffer[..n]);
    }

    /// <summary>The same instant in another resolution (rounded down when the new one is coarser).</summary>
    /// <param name="resolution">The resolution.</param>
    /// <returns>The units of <paramref name="resolution"/>, offset included.</returns>
    public ulong ToUnits(TimestampResolution resolution) => UnitsSince(0, resolution);

    /// <summary>
    /// The units of <paramref name="resolution"/> from <paramref name="offsetSeconds"/> past the epoch to this time, modulo
    /// 2^64 as a pcapng block stores them (with the interface's <c>if_tsoffset</c>): from the exact seconds, not the
    /// saturated <see cref="Seconds"/>, so that a timestamp written in its own resolution and offset is its stored count
    /// again, whatever its value.
    /// </summary>
    /// <param name="offsetSeconds">The seconds the count starts from (an interface's offset).</param>
    /// <param name="resolution">The count's unit.</param>
    /// <returns>The count.</returns>
    internal ulong UnitsSince(long offsetSeconds, TimestampResolution resolution)
    {
        var perSecond = PerSecond;
        var whole = WholeSeconds(perSecond);
        var fraction = Scale(Units - (whole * perSecond), perSecond, resolution.UnitsPerSecond);
        // Int128 wraps around modulo 2^128 (unchecked), which keeps the low 64 bits the count is taken from.
        return unchecked((ulong)((((Int128)whole + OffsetSeconds - offsetSeconds) * resolution.UnitsPerSecond) + fraction));
    }

    /// <inheritdoc/>
    public int CompareTo(CaptureTimestamp other)
    {
        // The seconds unsaturated (times beyond long's range still order), each side's divided once.
        var perSecond = PerSecond;
        var whole = WholeSeconds(perSecond);
        var otherPerSecond = other.PerSecond;
        var otherWhole = other.WholeSeconds(otherPerSecond);
        var c = ((Int128)whole + OffsetSeconds).CompareTo((Int128)otherWhole + other.OffsetSeconds);
        return c != 0
            ? c
            : ((UInt128)(Units - (whole * perSecond)) * otherPerSecond).CompareTo((UInt128)(other.Units - (otherWhole * otherPerSecond)) * perSecond);
    }

    /// <inheritdoc/>
    public bool Equals(CaptureTimestamp other) => CompareTo(other) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is CaptureTimestamp other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Seconds, Nanoseconds);

    /// <summary>Compares two timestamps.</summary>
    public static bool operator ==(CaptureTimestamp left, CaptureTimestamp right) => left.Equals(right);

    /// <summary>Compares two timestamps.</summary>
    public static bool operator !=(CaptureTimestamp left, CaptureTimestamp right) => !left.Equals(right);

    /// <summary>Orders two timestamps.</summary>
    public static bool operator <(CaptureTimestamp left, CaptureTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Orders two timestamps.</summary>
    public static bool operator >(CaptureTimestamp left, CaptureTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Orders two timestamps.</summary>
    public static bool operator <=(CaptureTimestamp left, CaptureTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two timestamps.</summary>
    public static bool operator >=(CaptureTimestamp left, CaptureTimestamp right) => left.CompareTo(right) >= 0;

    /// <inheritdoc/>
    public override string ToString() => ToEpochString();
}
