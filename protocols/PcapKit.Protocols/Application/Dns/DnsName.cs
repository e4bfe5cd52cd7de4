using System;

namespace PcapKit.Protocols;

/// <summary>
/// Reads DNS names (RFC 1035 §3.1, §4.1.4): labels up to the root, following compression pointers anywhere in the
/// message. Loop-safe and bounded: a name may follow at most <see cref="MaxPointers"/> pointers and spell at most
/// 255 octets, so a pointer into itself or a chain of pointers ends as an error instead of hanging.
/// </summary>
public static class DnsName
{
    /// <summary>The most octets a name spells as text (RFC 1035 §2.3.4: 255 on the wire).</summary>
    public const int MaxTextLength = 255;

    /// <summary>The most compression pointers one name may follow (each must make progress; 127 covers any legal name).</summary>
    public const int MaxPointers = 127;

    /// <summary>How tshark shows the root name.</summary>
    public static ReadOnlySpan<byte> Root => "<Root>"u8;

    /// <summary>
    /// Reads the name at <paramref name="offset"/> of <paramref name="message"/> as dotted text into
    /// <paramref name="text"/> (at least <see cref="MaxTextLength"/> bytes).
    /// </summary>
    /// <param name="message">The whole DNS message (pointers are offsets from its first octet).</param>
    /// <param name="offset">Where the name starts.</param>
    /// <param name="text">Where the dotted name goes (<c>&lt;Root&gt;</c> for the root).</param>
    /// <param name="textLength">The text's length.</param>
    /// <param name="wireLength">The octets the name takes at <paramref name="offset"/> (up to and including its first pointer).</param>
    /// <returns>Null when read; otherwise why not.</returns>
    public static string? TryRead(ReadOnlySpan<byte> message, int offset, Span<byte> text, out int textLength, out int wireLength)
    {
        textLength = 0;
        wireLength = 0;
        var position = offset;
        var pointers = 0;
        var consumed = -1;
        while (true)
        {
            if ((uint)position >= (uint)message.Length)
            {
                return "a name runs past the end of the message";
            }

            var length = message[position];
            if (length == 0)
            {
                if (consumed < 0)
                {
                    consumed = position + 1 - offset;
                }

                break;
            }

            switch (length & 0xC0)
            {
                case 0xC0:
                    if (position + 1 >= message.Length)
                    {
                        return "a compression pointer runs past the end of the message";
                    }

                    if (consumed < 0)
                    {
                        consumed = position + 2 - offset;
                    }

                    if (++pointers > MaxPointers)
                    {
                        return "a name follows too many compression pointers (a loop)";
                    }

                    position = ((length & 0x3F) << 8) | message[position + 1];
                    continue;
                case 0x00:
                    if (position + 1 + length > message.Length)
                    {
                        return "a label runs past the end of the message";
                    }

                    var separator = textLength > 0 ? 1 : 0;
                    if (textLength + separator + length > MaxTextLength)
                    {
                        return "a name is longer than 255 octets";
                    }

                    if (separator > 0)
                    {
                        text[textLength++] = (byte)'.';
                    }

                    message.Slice(position + 1, length).CopyTo(text[textLength..]);
                    textLength += length;
                    position += 1 + length;
                    continue;
                default:
                    // 0x40 and 0x80: extended label types (RFC 6891 §5 retired them); nothing defines their length.
                    return length >= 0x80 ? "a label of an unknown type (0x2)" : "a label of an unknown type (0x1)";
            }
        }

        wireLength = consumed;
        if (textLength == 0)
        {
            Root.CopyTo(text);
            textLength = Root.Length;
        }

        return null;
    }
}
