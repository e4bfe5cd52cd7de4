using System;
using System.Globalization;
using System.Text;
using PcapKit.Annotations;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Output;

/// <summary>Formats field values as tshark's <c>-T fields</c> prints them (tshark 4.0).</summary>
public static class TsharkFormat
{
    /// <summary>"x1" … "x16": the hex format for each number of digits, made once.</summary>
    private static readonly string[] HexFormats = MakeHexFormats();

    /// <summary>Appends a number: decimal, or <c>0x</c> and two hex digits per byte of the field for hex fields; length fields scaled as tshark shows them.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="field">The field.</param>
    /// <param name="value">The value.</param>
    public static void AppendValue(StringBuilder builder, FieldDescriptor field, ulong value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(field);
        if (field.DisplayScale != 1 || field.DisplayOffset != 0)
        {
            value = (value * (ulong)field.DisplayScale) + (ulong)field.DisplayOffset;
        }

        if (field.Kind == FieldKind.Int)
        {
            // Sign-extended by the dissector: tshark prints a signed field in decimal with its sign.
            Span<char> signed = stackalloc char[20];
            _ = ((long)value).TryFormat(signed, out var length, default, CultureInfo.InvariantCulture);
            builder.Append(signed[..length]);
        }
        else if (field.Format == NumberFormat.NtpTimestamp)
        {
            Span<char> time = stackalloc char[NtpTimestamp.MaxTextLength];
            _ = new NtpTimestamp(value).TryFormatTshark(time, out var written);
            builder.Append(time[..written]);
        }
        else if (field.Format == NumberFormat.Hex)
        {
            // Formatted into the stack: a field's value makes no string (fields output runs this for every field of every frame).
            Span<char> hex = stackalloc char[16];
            _ = value.TryFormat(hex, out var n, HexFormats[Math.Clamp(field.HexDigits, 1, 16)], CultureInfo.InvariantCulture);
            builder.Append("0x").Append(hex[..n]);
        }
        else
        {
            Span<char> text = stackalloc char[20];
            _ = value.TryFormat(text, out var n, default, CultureInfo.InvariantCulture);
            builder.Append(text[..n]);
        }
    }

    /// <summary>Appends an address or bytes: MAC with colons, IPv4 dotted, IPv6 in RFC 5952 form, bytes as colon-free hex.</summary>
    /// <param name="builder">Where to append.</param>
    /// <param name="field">The field.</param>
    /// <param name="value">The bytes.</param>
    public static void AppendBytes(StringBuilder builder, FieldDescriptor field, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(field);
        Span<char> text = stackalloc char[Ipv6Address.MaxTextLength];
        switch (field.Kind)
        {
            case FieldKind.Mac or FieldKind.Address when value.Length == MacAddress.Size:
                _ = MacAddress.Read(value).TryFormat(text, out var m);
                builder.Append(text[..m]);
                return;
            case FieldKind.Ipv4 or FieldKind.Address when value.Length == Ipv4Address.Size:
                _ = Ipv4Address.Read(value).TryFormat(text, out var a);
                builder.Append(text[..a]);
                return;
            case FieldKind.Ipv6 or FieldKind.Address when value.Length == Ipv6Address.Size:
                _ = Ipv6Address.Read(value).TryFormat(text, out var b);
                builder.Append(text[..b]);
                return;
            case FieldKind.Text:
                TextFormat.Append(builder, value);
                return;
            case FieldKind.NulTerminatedText:
                TextFormat.Append(builder, TextFormat.UpToNul(value));
                return;
        }

        if (value.IsEmpty)
        {
            // tshark's text for a zero-length byte string.
            builder.Append("<none>");
            return;
        }

        foreach (var x in value)
        {
            builder.Append(HexDigits.Lower[x >> 4]).Append(HexDigits.Lower[x & 0xF]);
        }
    }

    private static string[] MakeHexFormats()
    {
        var formats = new string[17];
        for (var digits = 1; digits <= 16; digits++)
        {
            formats[digits] = "x" + digits.ToString(CultureInfo.InvariantCulture);
        }

        return formats;
    }
}
