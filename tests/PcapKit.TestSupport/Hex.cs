using System;

namespace PcapKit.TestSupport;

/// <summary>Golden packets written as hex in tests.</summary>
public static class Hex
{
    /// <summary>Parses hex, ignoring white space.</summary>
    /// <param name="text">The hex.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Parse(string text) => Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal));

    /// <summary>Formats bytes as lower-case hex.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The hex.</returns>
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
