using System;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Protocols;

// Hand-written hook: FTP's control connection is text — CRLF-ended lines, a command word and its argument, or a
// three-digit reply code and its text — which the spec language (fields at offsets) cannot lay out. The fields are
// declared in ftp.pcapkit.yaml under decode:; FtpAddress reads the data connection's address from them.
public sealed partial record Ftp
{
    private static partial void DecodeLines<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct => Decode(view.Lines, ref visitor);

    /// <summary>Reports the first line's command or reply (with the data connection's address when it gives one) and the other lines as text.</summary>
    internal static void Decode<TVisitor>(ReadOnlySpan<byte> data, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var end = data.IndexOf((byte)'\n');
        var line = TrimLineEnd(end < 0 ? data : data[..end]);
        if (FtpAddress.IsReply(line))
        {
            // RFC 959 §4.2: three digits, then a space (or '-' for the first line of a multi-line reply) and text.
            var code = (ushort)(((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0'));
            visitor.Value(Fields.Response, 1);
            visitor.Value(Fields.Code, code);
            var text = line.Length > 4 ? line[4..] : [];
            visitor.Bytes(Fields.Text, text);
            Span<byte> address = stackalloc byte[4];
            if (code == 227 && FtpAddress.TryParseHostPort(text, address, out var port))
            {
                visitor.Bytes(Fields.PassiveAddress, address);
                visitor.Value(Fields.PassivePort, port);
            }
            else if (code == 229 && FtpAddress.TryParseExtendedPassive(text, out port))
            {
                visitor.Value(Fields.EpsvPort, port);
            }
        }
        else if (!line.IsEmpty)
        {
            // RFC 959 §5.3: a command word, then a space and the argument.
            var space = line.IndexOf((byte)' ');
            var command = space < 0 ? line : line[..space];
            var argument = space < 0 ? [] : line[(space + 1)..];
            visitor.Value(Fields.Request, 1);
            visitor.Bytes(Fields.Command, command);
            if (space >= 0)
            {
                visitor.Bytes(Fields.Argument, argument);
            }

            Span<byte> address = stackalloc byte[16];
            if (System.Text.Ascii.EqualsIgnoreCase(command, "PORT"u8) && FtpAddress.TryParseHostPort(argument, address[..4], out var port))
            {
                visitor.Bytes(Fields.ActiveAddress, address[..4]);
                visitor.Value(Fields.ActivePort, port);
            }
            else if (System.Text.Ascii.EqualsIgnoreCase(command, "EPRT"u8) && FtpAddress.TryParseExtendedPort(argument, address, out var family, out var length, out port))
            {
                visitor.Value(Fields.EprtFamily, family);
                visitor.Bytes(family == 1 ? Fields.EprtAddress : Fields.EprtAddressV6, address[..length]);
                visitor.Value(Fields.EprtPort, port);
            }
        }

        if (end < 0 || end + 1 >= data.Length)
        {
            return;
        }

        visitor.BeginList(Fields.More);
        var rest = data[(end + 1)..];
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf((byte)'\n');
            visitor.BeginItem(Fields.MoreItem);
            visitor.Bytes(Fields.MoreLine, TrimLineEnd(next < 0 ? rest : rest[..next]));
            visitor.EndItem(Fields.MoreItem);
            rest = next < 0 ? [] : rest[(next + 1)..];
        }

        visitor.EndList(Fields.More);
    }

    private static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
