using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace PcapKit.Buffers;

/// <summary>Reads and writes the integer widths <see cref="BinaryPrimitives"/> lacks (24 and 48 bits).</summary>
public static class Wire
{
    /// <summary>Reads a 24-bit big-endian integer.</summary>
    /// <param name="source">At least 3 bytes.</param>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt24BigEndian(ReadOnlySpan<byte> source) => ((uint)source[0] << 16) | ((uint)source[1] << 8) | source[2];

    /// <summary>Reads a 24-bit little-endian integer.</summary>
    /// <param name="source">At least 3 bytes.</param>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt24LittleEndian(ReadOnlySpan<byte> source) => ((uint)source[2] << 16) | ((uint)source[1] << 8) | source[0];

    /// <summary>Reads a 48-bit big-endian integer.</summary>
    /// <param name="source">At least 6 bytes.</param>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt48BigEndian(ReadOnlySpan<byte> source) =>
        ((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source.Slice(2, 4));

    /// <summary>Reads a 48-bit little-endian integer.</summary>
    /// <param name="source">At least 6 bytes.</param>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt48LittleEndian(ReadOnlySpan<byte> source) =>
        BinaryPrimitives.ReadUInt32LittleEndian(source) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(4, 2)) << 32);

    /// <summary>Writes a 24-bit big-endian integer.</summary>
    /// <param name="destination">At least 3 bytes.</param>
    /// <param name="value">The value; bits above 24 are dropped.</param>
    public static void WriteUInt24BigEndian(Span<byte> destination, uint value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    /// <summary>Writes a 24-bit little-endian integer.</summary>
    /// <param name="destination">At least 3 bytes.</param>
    /// <param name="value">The value; bits above 24 are dropped.</param>
    public static void WriteUInt24LittleEndian(Span<byte> destination, uint value)
    {
        destination[0] = (byte)value;
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)(value >> 16);
    }

    /// <summary>Writes a 48-bit big-endian integer.</summary>
    /// <param name="destination">At least 6 bytes.</param>
    /// <param name="value">The value; bits above 48 are dropped.</param>
    public static void WriteUInt48BigEndian(Span<byte> destination, ulong value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(2, 4), (uint)value);
    }

    /// <summary>Writes a 48-bit little-endian integer.</summary>
    /// <param name="destination">At least 6 bytes.</param>
    /// <param name="value">The value; bits above 48 are dropped.</param>
    public static void WriteUInt48LittleEndian(Span<byte> destination, ulong value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)value);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(4, 2), (ushort)(value >> 32));
    }
}
