using System;
using System.Net;
using System.Net.Sockets;

namespace PcapKit.Net;

/// <summary>
/// Reads where an FTP data connection will be (RFC 959 §4.1.2 PORT and the 227 reply, RFC 2428 EPRT and the 229 reply)
/// from a control connection's line: what the single-segment dissector shows and <see cref="Reassembly.FtpDataTracker"/>
/// uses to associate the data connection. Reads only the bytes given; never throws.
/// </summary>
public static class FtpAddress
{
    /// <summary>Whether a line is a reply (RFC 959 §4.2): three digits, then the end, a space or a hyphen.</summary>
    /// <param name="line">The line, without its CRLF.</param>
    /// <returns>Whether it is a reply.</returns>
    public static bool IsReply(ReadOnlySpan<byte> line) =>
        line.Length >= 3 && IsDigit(line[0]) && IsDigit(line[1]) && IsDigit(line[2]) && (line.Length == 3 || line[3] is (byte)' ' or (byte)'-');

    /// <summary>
    /// The six numbers h1,h2,h3,h4,p1,p2 of PORT's argument or a 227 reply's text (found anywhere in it, as servers
    /// word the reply differently): the IPv4 address and the port p1 × 256 + p2.
    /// </summary>
    /// <param name="text">The argument or the reply's text.</param>
    /// <param name="address">Receives the 4 octets of the address.</param>
    /// <param name="port">The port.</param>
    /// <returns>Whether six numbers that fit were found.</returns>
    public static bool TryParseHostPort(ReadOnlySpan<byte> text, Span<byte> address, out ushort port)
    {
        port = 0;
        Span<int> numbers = stackalloc int[6];
        for (var start = 0; start < text.Length; start++)
        {
            if (!IsDigit(text[start]) || (start > 0 && IsDigit(text[start - 1])))
            {
                continue;
            }

            var p = start;
            var count = 0;
            while (count < 6 && p < text.Length && IsDigit(text[p]))
            {
                var value = 0;
                var digits = 0;
                while (p < text.Length && IsDigit(text[p]) && digits < 4)
                {
                    value = (value * 10) + (text[p++] - '0');
                    digits++;
                }

                if (value > 255 || (p < text.Length && IsDigit(text[p])))
                {
                    break;
                }

                numbers[count++] = value;
                if (count < 6)
                {
                    if (p >= text.Length || text[p] != (byte)',')
                    {
                        break;
                    }

                    p++;
                }
            }

            if (count == 6)
            {
                for (var i = 0; i < 4; i++)
                {
                    address[i] = (byte)numbers[i];
                }

                port = (ushort)((numbers[4] << 8) | numbers[5]);
                return true;
            }
        }

        return false;
    }

    /// <summary>A 229 reply's port (RFC 2428 §3): the number between the last two of "(|||port|)"'s delimiters.</summary>
    /// <param name="text">The reply's text.</param>
    /// <param name="port">The port.</param>
    /// <returns>Whether it was found.</returns>
    public static bool TryParseExtendedPassive(ReadOnlySpan<byte> text, out ushort port)
    {
        port = 0;
        var open = text.IndexOf((byte)'(');
        if (open < 0 || text.Length - open < 6)
        {
            return false;
        }

        // The delimiter is any printable character; the three before the port are the same.
        var d = text[open + 1];
        var rest = text[(open + 1)..];
        if (rest.Length < 5 || rest[1] != d || rest[2] != d)
        {
            return false;
        }

        var close = rest[3..].IndexOf(d);
        return close > 0 && TryParsePort(rest.Slice(3, close), out port);
    }

    /// <summary>EPRT's argument (RFC 2428 §2): |af|address|port| with af 1 (IPv4) or 2 (IPv6).</summary>
    /// <param name="argument">The argument.</param>
    /// <param name="address">Receives the address (4 or 16 octets; 16 bytes of room).</param>
    /// <param name="family">The address family.</param>
    /// <param name="length">The address's length.</param>
    /// <param name="port">The port.</param>
    /// <returns>Whether it was well formed.</returns>
    public static bool TryParseExtendedPort(ReadOnlySpan<byte> argument, Span<byte> address, out byte family, out int length, out ushort port)
    {
        family = 0;
        length = 0;
        port = 0;
        if (argument.Length < 7)
        {
            return false;
        }

        // |af|address|port|: the first octet is the delimiter, which ends each of the three parts.
        var d = argument[0];
        var parts = argument[1..];
        var first = parts.IndexOf(d);
        var second = first < 0 ? -1 : parts[(first + 1)..].IndexOf(d);
        var third = second < 0 ? -1 : parts[(first + second + 2)..].IndexOf(d);
        if (third < 0)
        {
            return false;
        }

        var af = parts[..first];
        var host = parts.Slice(first + 1, second);
        var portText = parts.Slice(first + second + 2, third);
        if (af.Length != 1 || af[0] is not ((byte)'1' or (byte)'2'))
        {
            return false;
        }

        family = (byte)(af[0] - '0');
        if (!IPAddress.TryParse(host, out var ip) ||
            ip.AddressFamily != (family == 1 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6) ||
            !ip.TryWriteBytes(address, out length))
        {
            return false;
        }

        return TryParsePort(portText, out port);
    }

    private static bool TryParsePort(ReadOnlySpan<byte> digits, out ushort port)
    {
        port = 0;
        if (digits.IsEmpty || digits.Length > 5)
        {
            return false;
        }

        var value = 0;
        foreach (var c in digits)
        {
            if (!IsDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        if (value > ushort.MaxValue)
        {
            return false;
        }

        port = (ushort)value;
        return true;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
