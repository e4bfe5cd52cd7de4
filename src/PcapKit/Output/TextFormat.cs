using System;
using System.Buffers;
using System.Text;
using PcapKit.Net;

namespace PcapKit.Output;

/// <summary>
/// How <see cref="Dissection.FieldKind.Text"/> values are shown, as Wireshark's format_text: printable ASCII as it is, a
/// backslash doubled, the C control escapes (<c>\r</c>, <c>\n</c>, <c>\t</c>, …) by letter, any other byte as <c>\xNN</c> —
/// so a name with a control byte stays readable. A dot inside a DNS label is shown as it
/// is, as tshark shows it (RFC 1035 §5.1's <c>\.</c> would differ from tshark's text).
/// </summary>
public static class TextFormat
{
    /// <summary>The text of a <see cref="Dissection.FieldKind.NulTerminatedText"/> value: the bytes before the first NUL, or all of them.</summary>
    /// <param name="value">The field's bytes.</param>
    /// <returns>The text's bytes.</returns>
    public static ReadOnlySpan<byte> UpToNul(ReadOnlySpan<byte> value) => value.IndexOf((byte)0) is var nul and >= 0 ? value[..nul] : value;

    /// <summary>The number of characters <see cref="Escape"/> writes for <paramref name="value"/>.</summary>
    /// <param name="value">The text's bytes.</param>
    /// <returns>The length.</returns>
    public static int EscapedLength(ReadOnlySpan<byte> value)
    {
        var length = 0;
        foreach (var b in value)
        {
            length += ShortEscape(b) != 0 ? 2 : b is >= 0x20 and < 0x7F ? 1 : 4;
        }

        return length;
    }

    /// <summary>Writes <paramref name="value"/> escaped into <paramref name="destination"/>, which holds at least <see cref="EscapedLength"/> characters.</summary>
    /// <param name="value">The text's bytes.</param>
    /// <param name="destination">Where to write.</param>
    /// <returns>The number of characters written.</returns>
    public static int Escape(ReadOnlySpan<byte> value, Span<char> destination)
    {
        var n = 0;
        foreach (var b in value)
        {
            if (ShortEscape(b) is var letter and not '\0')
            {
                destination[n++] = '\\';
                destination[n++] = letter;
            }
            else if (b is >= 0x20 and < 0x7F)
            {
                destination[n++] = (char)b;
            }
            else
            {
                destination[n++] = '\\';
                destination[n++] = 'x';
                destination[n++] = HexDigits.Lower[b >> 4];
                destination[n++] = HexDigits.Lower[b & 0xF];
            }
        }

        return n;
    }

    /// <summary>Appends <paramref name="value"/> escaped (see <see cref="Escape"/>).</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="value">The text's bytes.</param>
    public static void Append(StringBuilder builder, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var length = EscapedLength(value);
        char[]? rented = null;
        var chars = length <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(length));
        builder.Append(chars[..Escape(value, chars)]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    // The escapes written as a backslash and one character, as Wireshark's format_text: the C control escapes
    // (\a \b \t \n \v \f \r) and the backslash itself; 0 for the others. A double quote is shown as it is, as tshark
    // prints it in -T fields.
    private static char ShortEscape(byte b) => b switch
    {
        0x07 => 'a',
        0x08 => 'b',
        0x09 => 't',
        0x0A => 'n',
        0x0B => 'v',
        0x0C => 'f',
        0x0D => 'r',
        (byte)'\\' => '\\',
        _ => '\0',
    };
}
