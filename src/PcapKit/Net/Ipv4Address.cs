using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PcapKit.Net;

/// <summary>An IPv4 address held as its 32-bit value (no allocation, unlike <see cref="System.Net.IPAddress"/>).</summary>
public readonly struct Ipv4Address : IEquatable<Ipv4Address>, IComparable<Ipv4Address>, ISpanFormattable, IUtf8SpanFormattable
{
    /// <summary>The size on the wire.</summary>
    public const int Size = 4;

    /// <summary>Creates an address from its value (the first byte on the wire is the most significant).</summary>
    /// <param name="value">The value.</param>
    public Ipv4Address(uint value) => Value = value;

    /// <summary>Creates an address from its four bytes.</summary>
    /// <param name="a">The first byte.</param>
    /// <param name="b">The second byte.</param>
    /// <param name="c">The third byte.</param>
    /// <param name="d">The fourth byte.</param>
    public Ipv4Address(byte a, byte b, byte c, byte d) => Value = ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;

    /// <summary>The 32-bit value.</summary>
    public uint Value { get; }

    /// <summary>Reads an address from the first 4 bytes of <paramref name="source"/>.</summary>
    /// <param name="source">At least 4 bytes.</param>
    /// <returns>The address.</returns>
    public static Ipv4Address Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32BigEndian(source));

    /// <summary>Writes the address to the first 4 bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 4 bytes.</param>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    /// <summary>Parses dotted-decimal text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address.</param>
    /// <returns>Whether the text is an address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Address address)
    {
        address = default;
        uint value = 0;
        for (var part = 0; part < 4; part++)
        {
            var end = text.IndexOf('.');
            if (part == 3)
            {
                end = text.Length;
            }

            if (end <= 0 || !byte.TryParse(text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                return false;
            }

            value = (value << 8) | b;
            text = part == 3 ? text[end..] : text[(end + 1)..];
        }

        address = new Ipv4Address(value);
        return text.IsEmpty;
    }

    /// <summary>Parses dotted-decimal text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">The text is not an IPv4 address.</exception>
    public static Ipv4Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv4 address.");

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        charsWritten = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                if (charsWritten >= destination.Length)
                {
                    return false;
                }

                destination[charsWritten++] = '.';
            }

            var b = (byte)(Value >> (24 - (8 * i)));
            if (!b.TryFormat(destination[charsWritten..], out var n, default, CultureInfo.InvariantCulture))
            {
                return false;
            }

            charsWritten += n;
        }

        return true;
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        bytesWritten = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                if (bytesWritten >= utf8Destination.Length)
                {
                    return false;
                }

                utf8Destination[bytesWritten++] = (byte)'.';
            }

            var b = (byte)(Value >> (24 - (8 * i)));
            if (!b.TryFormat(utf8Destination[bytesWritten..], out var n, default, CultureInfo.InvariantCulture))
            {
                return false;
            }

            bytesWritten += n;
        }

        return true;
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[15];
        _ = TryFormat(buffer, out var n);
        return new string(buffer[..n]);
    }

    /// <inheritdoc/>
    public bool Equals(Ipv4Address other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Ipv4Address other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Ipv4Address other) => Value.CompareTo(other.Value);

    /// <summary>Compares two addresses.</summary>
    public static bool operator ==(Ipv4Address left, Ipv4Address right) => left.Equals(right);

    /// <summary>Compares two addresses.</summary>
    public static bool operator !=(Ipv4Address left, Ipv4Address right) => !left.Equals(right);

    /// <summary>Orders two addresses.</summary>
    public static bool operator <(Ipv4Address left, Ipv4Address right) => left.Value < right.Value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator >(Ipv4Address left, Ipv4Address right) => left.Value > right.Value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator <=(Ipv4Address left, Ipv4Address right) => left.Value <= right.Value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator >=(Ipv4Address left, Ipv4Address right) => left.Value >= right.Value;
}
