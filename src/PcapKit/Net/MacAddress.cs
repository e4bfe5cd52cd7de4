using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PcapKit.Net;

/// <summary>A 48-bit IEEE 802 MAC address, printed as Wireshark does (<c>00:1b:d4:1b:a4:d8</c>).</summary>
public readonly struct MacAddress : IEquatable<MacAddress>, IComparable<MacAddress>, ISpanFormattable, IUtf8SpanFormattable
{
    /// <summary>The size on the wire.</summary>
    public const int Size = 6;

    private readonly ulong _value;

    /// <summary>Creates an address from its 48-bit value (the first byte on the wire is the most significant).</summary>
    /// <param name="value">The value; bits above 48 must be zero.</param>
    public MacAddress(ulong value)
    {
        if (value > 0xFFFF_FFFF_FFFFUL)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A MAC address has 48 bits.");
        }

        _value = value;
    }

    /// <summary>The broadcast address <c>ff:ff:ff:ff:ff:ff</c>.</summary>
    public static MacAddress Broadcast => new(0xFFFF_FFFF_FFFFUL);

    /// <summary>The 48-bit value.</summary>
    public ulong Value => _value;

    /// <summary>Whether the group bit (I/G) is set.</summary>
    public bool IsMulticast => (_value & 0x0100_0000_0000UL) != 0;

    /// <summary>Reads an address from the first 6 bytes of <paramref name="source"/>.</summary>
    /// <param name="source">At least 6 bytes.</param>
    /// <returns>The address.</returns>
    public static MacAddress Read(ReadOnlySpan<byte> source) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source.Slice(2, 4)));

    /// <summary>Writes the address to the first 6 bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 6 bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(2, 4), (uint)_value);
    }

    /// <summary>Parses <c>aa:bb:cc:dd:ee:ff</c> (or with <c>-</c>).</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address.</param>
    /// <returns>Whether the text is an address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress address)
    {
        address = default;
        if (text.Length != 17)
        {
            return false;
        }

        ulong value = 0;
        for (var i = 0; i < 6; i++)
        {
            if (i > 0 && text[(i * 3) - 1] is not (':' or '-'))
            {
                return false;
            }

            if (!byte.TryParse(text.Slice(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            value = (value << 8) | b;
        }

        address = new MacAddress(value);
        return true;
    }

    /// <summary>Parses <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">The text is not a MAC address.</exception>
    public static MacAddress Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not a MAC address.");

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        charsWritten = 0;
        if (destination.Length < 17)
        {
            return false;
        }

        for (var i = 0; i < 6; i++)
        {
            var b = (byte)(_value >> (40 - (8 * i)));
            if (i > 0)
            {
                destination[(i * 3) - 1] = ':';
            }

            destination[i * 3] = HexDigits.Lower[b >> 4];
            destination[(i * 3) + 1] = HexDigits.Lower[b & 0xF];
        }

        charsWritten = 17;
        return true;
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<char> chars = stackalloc char[17];
        _ = TryFormat(chars, out _);
        bytesWritten = 0;
        if (utf8Destination.Length < 17)
        {
            return false;
        }

        for (var i = 0; i < 17; i++)
        {
            utf8Destination[i] = (byte)chars[i];
        }

        bytesWritten = 17;
        return true;
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public override string ToString() => string.Create(17, this, static (span, mac) => mac.TryFormat(span, out _));

    /// <inheritdoc/>
    public bool Equals(MacAddress other) => _value == other._value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MacAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(MacAddress other) => _value.CompareTo(other._value);

    /// <summary>Compares two addresses.</summary>
    public static bool operator ==(MacAddress left, MacAddress right) => left.Equals(right);

    /// <summary>Compares two addresses.</summary>
    public static bool operator !=(MacAddress left, MacAddress right) => !left.Equals(right);

    /// <summary>Orders two addresses.</summary>
    public static bool operator <(MacAddress left, MacAddress right) => left._value < right._value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator >(MacAddress left, MacAddress right) => left._value > right._value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator <=(MacAddress left, MacAddress right) => left._value <= right._value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator >=(MacAddress left, MacAddress right) => left._value >= right._value;
}
