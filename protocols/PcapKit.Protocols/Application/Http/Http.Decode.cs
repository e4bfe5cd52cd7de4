using System;
using System.Text;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Protocols;

// Hand-written hook: HTTP/1.x is text — lines ended by CRLF, a start line whose parts are separated by spaces, header
// fields named case-insensitively — which the spec language (fields at offsets) cannot lay out. The fields are
// declared in http.pcapkit.yaml under decode:; this code only finds them in the segment.
public sealed partial record Http
{
    // RFC 9110 §5.1: field names compare case-insensitively.
    private static readonly (byte[] Name, FieldDescriptor Field)[] HeaderFields =
    [
        (Ascii("Host"), Fields.Host),
        (Ascii("User-Agent"), Fields.UserAgent),
        (Ascii("Accept"), Fields.Accept),
        (Ascii("Accept-Encoding"), Fields.AcceptEncoding),
        (Ascii("Accept-Language"), Fields.AcceptLanguage),
        (Ascii("Referer"), Fields.Referer),
        (Ascii("Cookie"), Fields.Cookie),
        (Ascii("Authorization"), Fields.Authorization),
        (Ascii("Connection"), Fields.Connection),
        (Ascii("Server"), Fields.Server),
        (Ascii("Location"), Fields.Location),
        (Ascii("Content-Type"), Fields.ContentType),
        (Ascii("Content-Length"), Fields.ContentLength),
        (Ascii("Content-Encoding"), Fields.ContentEncoding),
        (Ascii("Transfer-Encoding"), Fields.TransferEncoding),
        (Ascii("Set-Cookie"), Fields.SetCookie),
        (Ascii("Cache-Control"), Fields.CacheControl),
        (Ascii("Last-Modified"), Fields.LastModified),
        (Ascii("Date"), Fields.Date),
    ];

    // A request line (a method and its space) or a status line's version ("HTTP/1.0 ", "HTTP/1.1 ").
    // Every method and "HTTP/" start with a capital letter: other payloads are turned away at their first octet.
    private static partial bool IsHeuristicMatch(ReadOnlySpan<byte> payload) =>
        payload.Length > 0 && payload[0] is >= (byte)'A' and <= (byte)'Z' &&
        (HttpMethods.Match(payload) > 0 || (payload.Length >= 9 && payload.StartsWith("HTTP/1."u8) && payload[8] == (byte)' '));

    private static partial void DecodeMessage<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct => DecodeText(view.Message, ref visitor);

    /// <summary>The start line and known header fields of an HTTP/1.x message in <paramref name="data"/> (a segment or datagram).</summary>
    internal static void DecodeText<TVisitor>(ReadOnlySpan<byte> data, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        // Every method and "HTTP/" start with a capital letter: anything else is a continuation, without scanning it.
        if (data.IsEmpty || data[0] is < (byte)'A' or > (byte)'Z')
        {
            return;
        }

        var lineEnd = data.IndexOf((byte)'\n');

        // A start line the segment cuts (a long request-target) is shown as far as it goes, as tshark shows it.
        var line = lineEnd < 0 ? data : TrimCarriageReturn(data[..lineEnd]);
        var method = HttpMethods.Match(line);
        if (method > 0)
        {
            // RFC 9112 §3: method SP request-target SP HTTP-version.
            var rest = line[(method + 1)..];
            var space = rest.LastIndexOf((byte)' ');
            visitor.Bytes(Fields.RequestMethod, line[..method]);
            visitor.Bytes(Fields.RequestUri, space >= 0 ? rest[..space] : rest);
            if (space >= 0)
            {
                visitor.Bytes(Fields.RequestVersion, rest[(space + 1)..]);
            }
        }
        else if (line.StartsWith("HTTP/"u8) && line.IndexOf((byte)' ') is var space and > 0 &&
                 line.Length >= space + 4 && IsDigit(line[space + 1]) && IsDigit(line[space + 2]) && IsDigit(line[space + 3]) &&
                 (line.Length == space + 4 || line[space + 4] == (byte)' '))
        {
            // RFC 9112 §4: HTTP-version SP status-code SP [reason-phrase].
            visitor.Bytes(Fields.ResponseVersion, line[..space]);
            visitor.Value(Fields.ResponseCode, (ulong)(((line[space + 1] - '0') * 100) + ((line[space + 2] - '0') * 10) + (line[space + 3] - '0')));
            visitor.Bytes(Fields.ResponsePhrase, line.Length > space + 4 ? line[(space + 5)..] : []);
        }
        else
        {
            // A continuation: body bytes, or the rest of a message that started in an earlier segment.
            return;
        }

        var (lines, item, lineField) = method > 0
            ? (Fields.RequestLines, Fields.RequestLinesItem, Fields.RequestLinesLine)
            : (Fields.ResponseLines, Fields.ResponseLinesItem, Fields.ResponseLinesLine);
        var listed = false;
        for (var p = lineEnd < 0 ? data.Length : lineEnd + 1; p < data.Length;)
        {
            var end = data[p..].IndexOf((byte)'\n');
            if (end < 0)
            {
                // A header line cut by the segment's (or the capture's) end: shown as far as it goes, as tshark does.
                end = data.Length - p;
            }

            var field = TrimCarriageReturn(data.Slice(p, end));
            if (field.IsEmpty)
            {
                // The empty line that ends the header section (§2.1); the body follows.
                break;
            }

            if (!listed)
            {
                visitor.BeginList(lines);
                listed = true;
            }

            // The line as sent, with its line ending when the segment holds it (tshark's http.request.line).
            visitor.BeginItem(item);
            visitor.Bytes(lineField, data.Slice(p, Math.Min(end + 1, data.Length - p)));
            visitor.EndItem(item);

            var colon = field.IndexOf((byte)':');
            if (colon > 0)
            {
                var name = field[..colon];
                foreach (var (known, descriptor) in HeaderFields)
                {
                    if (System.Text.Ascii.EqualsIgnoreCase(name, known))
                    {
                        visitor.Bytes(descriptor, field[(colon + 1)..].TrimStart(" \t"u8));
                        break;
                    }
                }
            }

            p += end + 1;
        }

        if (listed)
        {
            visitor.EndList(lines);
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
