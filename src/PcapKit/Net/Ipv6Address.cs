using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace PcapKit.Net;

/// <summary>An IPv6 address held as its 128-bit value, printed in RFC 5952's canonical form.</summary>
public readonly struct Ipv6Address : IEquatable<Ipv6Address>, IComparable<Ipv6Address>, ISpanFormattable, IUtf8SpanFormattable
{
    /// <summary>The size on the wire.</summary>
    public const int Size = 16;

    /// <summary>The longest text form (<c>ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255</c>).</summary>
    public const int MaxTextLength = 45;

    /// <summary>Creates an address from its value (the first byte on the wire is the most significant).</summary>
    /// <param name="value">The value.</param>
    public Ipv6Address(UInt128 value) => Value = value;

    /// <summary>The 128-bit value.</summary>
    public UInt128 Value { get; }

    /// <summary>Reads an address from the first 16 bytes of <paramref name="source"/>.</summary>
    /// <param name="source">At least 16 bytes.</param>
    /// <returns>The address.</returns>
    public static Ipv6Address Read(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt128BigEndian(source));

    /// <summary>Writes the address to the first 16 bytes of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 16 bytes.</param>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    /// <summary>Parses any text form RFC 4291 §2.2 allows.</summary>
    /// <param name="text">The text.</param>
    /// <param name="address">The address.</param>
    /// <returns>Whether the text is an IPv6 address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv6Address address)
    {
        address = default;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6 || ip.ScopeId != 0)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        _ = ip.TryWriteBytes(bytes, out _);
        address = Read(bytes);
        return true;
    }

    /// <summary>Parses an IPv6 address.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="FormatException">The text is not an IPv6 address.</exception>
    public static Ipv6Address Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IPv6 address.");

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (ushort)(Value >> (112 - (16 * i)));
        }

        // RFC 5952 §4.2: the longest run of two or more zero groups (the first when tied) becomes "::".
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        if (bestLength < 2)
        {
            bestStart = -1;
        }

        // IPv4-mapped addresses (::ffff:a.b.c.d) keep their dotted quad, RFC 5952 §5.
        var mapped = bestStart == 0 && bestLength == 5 && groups[5] == 0xFFFF;
        var w = 0;
        var last = mapped ? 6 : 8;
        for (var i = 0; i < last; i++)
        {
            if (i == bestStart)
            {
                // The run of zeros: "::" stands for it and for the separators around it.
                if (!Put(destination, ref w, ':') || !Put(destination, ref w, ':'))
                {
                    charsWritten = 0;
                    return false;
                }

                i += bestLength - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength && !Put(destination, ref w, ':'))
            {
                charsWritten = 0;
                return false;
            }

            if (!groups[i].TryFormat(destination[w..], out var n, "x", null))
            {
                charsWritten = 0;
                return false;
            }

            w += n;
        }

        if (mapped)
        {
            // The loop wrote "::ffff"; the dotted quad stands for the last two groups.
            if (!Put(destination, ref w, ':') || !new Ipv4Address((uint)Value).TryFormat(destination[w..], out var n))
            {
                charsWritten = 0;
                return false;
            }

            w += n;
        }

        charsWritten = w;
        return true;
    }

    private static bool Put(Span<char> destination, ref int position, char c)
    {
        if (position >= destination.Length)
        {
            return false;
        }

        destination[position++] = c;
        return true;
    }

    /// <inheritdoc/>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        Span<char> chars = stackalloc char[MaxTextLength];
        _ = TryFormat(chars, out var n);
        bytesWritten = 0;
        if (utf8Destination.Length < n)
        {
            return false;
        }

        for (var i = 0; i < n; i++)
        {
            utf8Destination[i] = (byte)chars[i];
        }

        bytesWritten = n;
        return true;
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxTextLength];
        _ = TryFormat(buffer, out var n);
        return new string(buffer[..n]);
    }

    /// <inheritdoc/>
    public bool Equals(Ipv6Address other) => Value == other.Value;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Ipv6Address other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public int CompareTo(Ipv6Address other) => Value.CompareTo(other.Value);

    /// <summary>Compares two addresses.</summary>
    public static bool operator ==(Ipv6Address left, Ipv6Address right) => left.Equals(right);

    /// <summary>Compares two addresses.</summary>
    public static bool operator !=(Ipv6Address left, Ipv6Address right) => !left.Equals(right);

    /// <summary>Orders two addresses.</summary>
    public static bool operator <(Ipv6Address left, Ipv6Address right) => left.Value < right.Value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator >(Ipv6Address left, Ipv6Address right) => left.Value > right.Value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator <=(Ipv6Address left, Ipv6Address right) => left.Value <= right.Value;

    /// <summary>Orders two addresses.</summary>
    public static bool operator >=(Ipv6Address left, Ipv6Address right) => left.Value >= right.Value;
}
