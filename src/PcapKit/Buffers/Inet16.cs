using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PcapKit.Buffers;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of 16-bit words.
/// Sums are kept in 64 bits and folded at the end, so pieces can be added in any order as long as each piece
/// starts at an even offset of the covered data.
/// </summary>
public static class Inet16
{
    /// <summary>Adds the 16-bit big-endian words of <paramref name="data"/> (a trailing odd byte is padded with zero) to <paramref name="sum"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="sum">The running sum.</param>
    /// <returns>The new running sum, not folded.</returns>
    public static ulong Add(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        // Eight bytes at a time: adding 32-bit halves of big-endian 64-bit words keeps every 16-bit column aligned.
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var raw in words)
        {
            var w = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
            sum += (w >> 32) + (w & 0xFFFF_FFFFUL);
        }

        var rest = data[(words.Length * 8)..];
        while (rest.Length >= 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(rest);
            rest = rest[2..];
        }

        if (rest.Length == 1)
        {
            sum += (ulong)rest[0] << 8;
        }

        return sum;
    }

    /// <summary>Adds one 16-bit word to the running sum.</summary>
    /// <param name="word">The word.</param>
    /// <param name="sum">The running sum.</param>
    /// <returns>The new running sum.</returns>
    public static ulong AddWord(ushort word, ulong sum) => sum + word;

    /// <summary>Folds a running sum to 16 bits and complements it: the value that goes in the checksum field.</summary>
    /// <param name="sum">The running sum.</param>
    /// <returns>The checksum.</returns>
    public static ushort Finish(ulong sum)
    {
        sum = (sum >> 32) + (sum & 0xFFFF_FFFFUL);
        sum = (sum >> 32) + (sum & 0xFFFF_FFFFUL);
        sum = (sum >> 16) + (sum & 0xFFFF);
        sum = (sum >> 16) + (sum & 0xFFFF);
        sum = (sum >> 16) + (sum & 0xFFFF);
        return (ushort)~sum;
    }

    /// <summary>Computes the checksum of <paramref name="data"/> as if the two bytes at <paramref name="checksumOffset"/> were zero.</summary>
    /// <param name="data">The covered bytes, checksum field included.</param>
    /// <param name="checksumOffset">The offset of the checksum field.</param>
    /// <param name="sum">A running sum to start from (a pseudo-header's).</param>
    /// <returns>The checksum the field should hold.</returns>
    public static ushort Compute(ReadOnlySpan<byte> data, int checksumOffset, ulong sum = 0)
    {
        sum = Add(data, sum);

        // Subtracting in one's complement arithmetic is adding the complement.
        sum += (ushort)~BinaryPrimitives.ReadUInt16BigEndian(data.Slice(checksumOffset, 2));
        return Finish(sum);
    }
}
