using System;

namespace PcapKit.Capture;

/// <summary>
/// The unit of a timestamp: 10^-n or 2^-n seconds, as pcapng's <c>if_tsresol</c> encodes it (bit 7 set for powers
/// of two). Classic pcap uses 10^-6 or 10^-9.
/// </summary>
public readonly struct TimestampResolution : IEquatable<TimestampResolution>
{
    private TimestampResolution(bool binary, byte exponent)
    {
        IsBinary = binary;
        Exponent = exponent;
        UnitsPerSecond = binary ? 1UL << exponent : Pow10(exponent);
    }

    /// <summary>Microseconds, the pcap and pcapng default.</summary>
    public static TimestampResolution Microseconds { get; } = new(false, 6);

    /// <summary>Nanoseconds.</summary>
    public static TimestampResolution Nanoseconds { get; } = new(false, 9);

    /// <summary>Whether the unit is a power of two.</summary>
    public bool IsBinary { get; }

    /// <summary>The exponent n of 10^-n or 2^-n.</summary>
    public byte Exponent { get; }

    /// <summary>The number of units in a second.</summary>
    public ulong UnitsPerSecond { get; }

    /// <summary>The <c>if_tsresol</c> byte.</summary>
    public byte ToByte() => (byte)((IsBinary ? 0x80 : 0) | Exponent);

    /// <summary>Decodes an <c>if_tsresol</c> byte.</summary>
    /// <param name="value">The byte.</param>
    /// <param name="resolution">The resolution.</param>
    /// <returns>False when the unit does not fit 64 bits (10^-20 and finer, 2^-64 and finer).</returns>
    public static bool TryFromByte(byte value, out TimestampResolution resolution)
    {
        var binary = (value & 0x80) != 0;
        var exponent = (byte)(value & 0x7F);
        if ((binary && exponent > 63) || (!binary && exponent > 19))
        {
            resolution = Microseconds;
            return false;
        }

        resolution = new TimestampResolution(binary, exponent);
        return true;
    }

    /// <summary>A decimal resolution of 10^-<paramref name="exponent"/> seconds.</summary>
    /// <param name="exponent">0 to 19.</param>
    /// <returns>The resolution.</returns>
    public static TimestampResolution Decimal(byte exponent) =>
        exponent <= 19 ? new(false, exponent) : throw new ArgumentOutOfRangeException(nameof(exponent));

    /// <summary>A binary resolution of 2^-<paramref name="exponent"/> seconds.</summary>
    /// <param name="exponent">0 to 63.</param>
    /// <returns>The resolution.</returns>
    public static TimestampResolution Binary(byte exponent) =>
        exponent <= 63 ? new(true, exponent) : throw new ArgumentOutOfRangeException(nameof(exponent));

    private static ulong Pow10(int n)
    {
        ulong v = 1;
        for (var i = 0; i < n; i++)
        {
            v *= 10;
        }

        return v;
    }

    /// <inheritdoc/>
    public bool Equals(TimestampResolution other) => IsBinary == other.IsBinary && Exponent == other.Exponent;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TimestampResolution other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => ToByte();

    /// <summary>Compares two resolutions.</summary>
    public static bool operator ==(TimestampResolution left, TimestampResolution right) => left.Equals(right);

    /// <summary>Compares two resolutions.</summary>
    public static bool operator !=(TimestampResolution left, TimestampResolution right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => IsBinary ? $"2^-{Exponent} s" : $"10^-{Exponent} s";
}
