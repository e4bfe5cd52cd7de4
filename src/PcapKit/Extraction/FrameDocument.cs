using System;
using PcapKit.Buffers;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Output;

namespace PcapKit.Extraction;

/// <summary>
/// The layout every output format shares: the capture (format, sections, interfaces), then each frame — number,
/// time, lengths, interface, link type, protocol chain, one object per layer (protocol, extent, status, checksum,
/// fields) and the bytes no layer dissected.
/// </summary>
public static class FrameDocument
{
    /// <summary>Writes the capture's description as the object <c>capture</c>.</summary>
    /// <param name="writer">The document.</param>
    /// <param name="reader">The reader, after its file header was read.</param>
    public static void WriteCapture(DocumentWriter writer, CaptureReader reader)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reader);
        writer.StartObject("capture");
        writer.WriteString("file", reader.Name);
        writer.WriteString("format", reader.Format == CaptureFormat.Pcap ? "pcap" : "pcapng");
        writer.WriteString("byte_order", reader.ByteOrder == ByteOrder.BigEndian ? "big-endian" : "little-endian");
        if (reader.PcapHeader is { } header)
        {
            writer.WriteString("version", $"{header.MajorVersion}.{header.MinorVersion}");
            writer.WriteNumber("snap_length", (ulong)header.SnapLength);
        }

        writer.StartArray("interfaces");
        foreach (var i in reader.Interfaces)
        {
            writer.StartObject("interface");
            writer.WriteNumber("index", (long)i.Index);
            writer.WriteEnum("link_type", (ulong)i.LinkType, LinkTypes.GetName(i.LinkType));
            writer.WriteNumber("snap_length", (ulong)i.SnapLength);
            if (i.Name is { } name)
            {
                writer.WriteString("name", name);
            }

            if (i.Description is { } description)
            {
                writer.WriteString("description", description);
            }

            writer.EndObject();
        }

        writer.EndArray();
        writer.EndObject();
    }

    /// <summary>Writes one frame as an object (labelled <c>Frame N</c> where the format shows labels).</summary>
    /// <param name="writer">The document.</param>
    /// <param name="frame">The frame.</param>
    /// <param name="fields">A field visitor over <paramref name="writer"/>.</param>
    public static void WriteFrame(DocumentWriter writer, in ExtractedFrame frame, DocumentFieldVisitor fields)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(fields);
        var record = frame.Record;
        writer.StartObject(writer.UsesLabels ? "Frame " + frame.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        writer.WriteNumber("number", frame.Number);
        Span<char> text = stackalloc char[64];
        if (record.HasTimestamp && record.Timestamp.TryFormatEpoch(text, out var written))
        {
            writer.WriteString("time_epoch", text[..written]);
        }
        else
        {
            writer.WriteNull("time_epoch");
        }

        writer.WriteNumber("captured_length", (long)record.CapturedLength);
        writer.WriteNumber("original_length", (ulong)record.OriginalLength);
        writer.WriteNumber("interface", (long)record.Interface.Index);
        writer.WriteEnum("link_type", (ulong)(uint)record.LinkType, LinkTypes.GetName(record.LinkType));

        if (frame.Engine is { } engine)
        {
            writer.WriteString("engine", engine.Name);
            writer.WriteString("protocols", engine.GetChain(frame.EnginePacket));
            engine.WriteLayers(frame.EnginePacket, writer);
            writer.EndObject();
            return;
        }

        var f = frame.Frame;
        WriteChain(writer, f);
        WriteLayers(writer, f, fields);
        if (frame.Datagram is { } datagram)
        {
            // The IP datagram this frame completed, reassembled and dissected from its transport header on.
            writer.StartObject("reassembled");
            writer.WriteNumber("id", (ulong)datagram.Id);
            writer.WriteNumber("length", (long)datagram.Payload.Length);
            writer.StartArray("frames");
            foreach (var number in datagram.Frames)
            {
                writer.WriteNumber(null, number);
            }

            writer.EndArray();
            WriteChain(writer, frame.Reassembled);
            WriteLayers(writer, frame.Reassembled, fields);
            writer.EndObject();
        }

        writer.EndObject();
    }

    private static void WriteLayers(DocumentWriter writer, Frame f, DocumentFieldVisitor fields)
    {
        writer.StartArray("layers");
        for (var i = 0; i < f.LayerCount; i++)
        {
            ref readonly var layer = ref f[i];
            var protocol = f.ProtocolAt(i);
            writer.StartObject(protocol.Name);
            writer.WriteString("protocol", protocol.Name);
            writer.WriteNumber("offset", (long)layer.Offset);
            writer.WriteNumber("length", (long)layer.Length);
            writer.WriteNumber("header_length", (long)layer.HeaderLength);
            if (layer.ReportedLength != layer.Length)
            {
                writer.WriteNumber("reported_length", (long)layer.ReportedLength);
            }

            writer.WriteString("status", Status(layer.ParseStatus));
            if (!layer.IsParsed)
            {
                var parse = layer.Parse;
                writer.StartObject("error");
                writer.WriteString("field", parse.Field ?? string.Empty);
                writer.WriteNumber("offset", (long)parse.Offset);
                writer.WriteString("reason", parse.Reason ?? string.Empty);
                writer.EndObject();
            }

            if (layer.IsTruncated)
            {
                writer.WriteBoolean("truncated", true);
            }

            if (layer.Checksum is { } checksum)
            {
                writer.WriteString("checksum", Checksum(checksum));
            }

            writer.StartObject("fields");
            protocol.Accept(f.LayerBytes(i), layer.ReportedLength, fields);
            writer.EndObject();
            var trailer = f.GetTrailer(i, out var trailerOffset);
            if (!trailer.IsEmpty)
            {
                // Bytes of this layer after the unit its payload held (padding, a further message): kept, not dropped.
                writer.StartObject("trailer");
                writer.WriteNumber("offset", (long)trailerOffset);
                writer.WriteNumber("length", (long)trailer.Length);
                writer.WriteBytes("data", trailer);
                writer.EndObject();
            }

            writer.EndObject();
        }

        writer.EndArray();
        if (!f.Raw.IsEmpty)
        {
            writer.StartObject("raw");
            writer.WriteNumber("offset", (long)f.RawOffset);
            writer.WriteNumber("length", (long)f.Raw.Length);
            writer.WriteString("reason", f.RawReason ?? string.Empty);
            writer.WriteBytes("data", f.Raw);
            writer.EndObject();
        }
    }

    /// <summary>Writes the chain (<c>ethernet:ipv4:tcp</c>) without allocating for chains up to 512 characters.</summary>
    private static void WriteChain(DocumentWriter writer, Frame frame)
    {
        Span<char> chain = stackalloc char[512];
        var length = 0;
        for (var i = 0; i < frame.LayerCount; i++)
        {
            var name = frame.ProtocolAt(i).Name;
            if (length + name.Length + 1 > chain.Length)
            {
                writer.WriteString("protocols", frame.GetChain());
                return;
            }

            if (i > 0)
            {
                chain[length++] = ':';
            }

            name.AsSpan().CopyTo(chain[length..]);
            length += name.Length;
        }

        writer.WriteString("protocols", chain[..length]);
    }

    private static string Status(ParseStatus status) => status switch
    {
        ParseStatus.Ok => "ok",
        ParseStatus.Truncated => "truncated",
        _ => "invalid",
    };

    private static string Checksum(ChecksumStatus status) => status switch
    {
        ChecksumStatus.Good => "good",
        ChecksumStatus.Bad => "bad",
        ChecksumStatus.NotPresent => "not present",
        _ => "unverifiable",
    };
}
