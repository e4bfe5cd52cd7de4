using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using PcapKit.Capture;

namespace PcapKit.Cli.Commands;

/// <summary><c>pcapkit info FILE</c>: what capinfos tells — format, byte order, version, resolution, interfaces, counts, times.</summary>
internal static class InfoCommand
{
    public static Command Create(CommandContext context)
    {
        var file = new Argument<string>("file") { Description = "The capture (pcap or pcapng); '-' reads standard input." };
        var json = new Option<bool>("--json") { Description = "Write JSON." };
        var command = new Command("info", "Summarise a capture file, as capinfos does.") { file, json };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            using var reader = CaptureReader.Open(path);
            var summary = Summarise(reader, out var error);
            if (parse.GetValue(json))
            {
                WriteJson(context.Output, summary);
            }
            else
            {
                WriteText(context.Output, summary);
            }

            if (error is not null)
            {
                context.Error.WriteLine("pcapkit: " + error.Message);
                return ExitCodes.BadInput;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal sealed record Summary(
        string Name,
        CaptureFormat Format,
        ByteOrder ByteOrder,
        string Version,
        IReadOnlyList<CaptureSection> Sections,
        IReadOnlyList<CaptureInterface> Interfaces,
        long Packets,
        long CustomBlocks,
        long Bytes,
        CaptureTimestamp? First,
        CaptureTimestamp? Last,
        Dictionary<int, long> PerInterface,
        IReadOnlyList<CaptureNotice> Notices,
        PcapHeader? Header,
        long? FileSize);

    private static Summary Summarise(CaptureReader reader, out InvalidDataException? error)
    {
        long packets = 0, custom = 0, bytes = 0;
        CaptureTimestamp? first = null, last = null;
        var perInterface = new Dictionary<int, long>();
        error = null;
        try
        {
            foreach (var record in reader)
            {
                if (record.Kind == RecordKind.CustomBlock)
                {
                    custom++;
                    continue;
                }

                packets++;
                bytes += record.CapturedLength;
                perInterface[record.Interface.Index] = perInterface.GetValueOrDefault(record.Interface.Index) + 1;
                if (record.HasTimestamp)
                {
                    var ts = record.Timestamp;
                    if (first is null || ts < first.Value)
                    {
                        first = ts;
                    }

                    if (last is null || ts > last.Value)
                    {
                        last = ts;
                    }
                }
            }
        }
        catch (InvalidDataException ex)
        {
            // Everything read before the damage is summarised; the error is reported after it.
            error = ex;
        }

        var version = reader.Format == CaptureFormat.Pcap
            ? $"{reader.PcapHeader!.MajorVersion}.{reader.PcapHeader.MinorVersion}"
            : string.Join(", ", reader.Sections.Select(s => $"{s.MajorVersion}.{s.MinorVersion}").Distinct());
        return new Summary(reader.Name, reader.Format, reader.ByteOrder, version, reader.Sections, reader.Interfaces, packets, custom, bytes, first, last, perInterface, reader.Notices, reader.PcapHeader, reader.Length);
    }

    private static void WriteText(TextWriter o, Summary s)
    {
        static string Time(CaptureTimestamp t) => t.TryToDateTimeOffset(out var time)
            ? time.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + " (" + t.ToEpochString() + ")"
            : "(beyond the calendar) (" + t.ToEpochString() + ")";
        o.WriteLine($"File name:           {s.Name}");
        o.WriteLine($"File type:           {FileType(s)}");
        o.WriteLine($"Byte order:          {(s.ByteOrder == ByteOrder.LittleEndian ? "little-endian" : "big-endian")}");
        o.WriteLine($"Format version:      {s.Version}");
        if (s.Header is { } h)
        {
            o.WriteLine($"Timestamp precision: {(h.Resolution == TimestampResolution.Nanoseconds ? "nanoseconds (9)" : "microseconds (6)")}");
            o.WriteLine($"Snapshot length:     {h.SnapLength}");
            o.WriteLine($"Link type:           {LinkTypes.GetName(h.LinkType)} ({h.LinkType}){(h.FcsLength is { } fcs ? $", FCS {fcs} bytes" : string.Empty)}");
        }

        o.WriteLine($"Number of packets:   {s.Packets}");
        if (s.CustomBlocks > 0)
        {
            o.WriteLine($"Custom blocks:       {s.CustomBlocks}");
        }

        if (s.FileSize is { } size)
        {
            o.WriteLine($"File size:           {size} bytes");
        }

        o.WriteLine($"Data size:           {s.Bytes} bytes");
        if (s.First is { } first && s.Last is { } last)
        {
            o.WriteLine($"First packet time:   {Time(first)}");
            o.WriteLine($"Last packet time:    {Time(last)}");
            var duration = (last.TotalNanoseconds - first.TotalNanoseconds) / 1e9;
            o.WriteLine($"Capture duration:    {duration.ToString("F6", CultureInfo.InvariantCulture)} seconds");
        }

        foreach (var section in s.Format == CaptureFormat.PcapNg ? s.Sections : [])
        {
            o.WriteLine($"Section {section.Index}:");
            WriteIf(o, "  Capture hardware:  ", section.Hardware);
            WriteIf(o, "  Capture oper-sys:  ", section.OperatingSystem);
            WriteIf(o, "  Capture application:", section.Application);
            foreach (var c in section.Comments)
            {
                o.WriteLine($"  Capture comment:   {c}");
            }

            foreach (var i in section.Interfaces)
            {
                o.WriteLine($"  Interface #{i.LocalId}: {LinkTypes.GetName(i.LinkType)} ({i.LinkType}), snaplen {i.SnapLength}, {s.PerInterface.GetValueOrDefault(i.Index)} packets, resolution {i.TimestampResolution}");
                WriteIf(o, "    Name:            ", i.Name);
                WriteIf(o, "    Description:     ", i.Description);
                WriteIf(o, "    Filter:          ", i.Filter?.Filter);
                WriteIf(o, "    Operating system:", i.OperatingSystem);
                WriteIf(o, "    Hardware:        ", i.Hardware);
                WriteIf(o, "    Speed:           ", i.Speed?.ToString(CultureInfo.InvariantCulture));
                WriteIf(o, "    FCS length:      ", i.FcsLength?.ToString(CultureInfo.InvariantCulture));
                WriteIf(o, "    Time offset:     ", i.TimestampOffset == 0 ? null : i.TimestampOffset.ToString(CultureInfo.InvariantCulture));
                WriteIf(o, "    MAC address:     ", i.MacAddress?.ToString());
                foreach (var (address, mask) in i.Ipv4Addresses)
                {
                    o.WriteLine($"    IPv4 address:     {address}/{mask}");
                }

                foreach (var (address, prefix) in i.Ipv6Addresses)
                {
                    o.WriteLine($"    IPv6 address:     {address}/{prefix}");
                }

                foreach (var c in i.Comments)
                {
                    o.WriteLine($"    Comment:          {c}");
                }

                foreach (var st in i.Statistics)
                {
                    o.WriteLine($"    Statistics at {st.Timestamp.ToEpochString()}: received {st.Received?.ToString(CultureInfo.InvariantCulture) ?? "-"}, dropped {st.Dropped?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
                }
            }
        }

        foreach (var n in s.Notices)
        {
            o.WriteLine($"Notice at byte {n.Offset}: {n.Message}");
        }
    }

    /// <summary>The file type as capinfos names it.</summary>
    private static string FileType(Summary s) => s.Header switch
    {
        null => "pcapng",
        { IsModified: true } => "modpcap",
        { Magic: PcapHeader.NanosecondMagic } => "nsecpcap",
        _ => "pcap",
    };

    private static void WriteIf(TextWriter o, string label, string? value)
    {
        if (value is not null)
        {
            o.WriteLine($"{label} {value}");
        }
    }

    private static void WriteJson(TextWriter o, Summary s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("file", s.Name);
            w.WriteString("format", s.Format == CaptureFormat.Pcap ? "pcap" : "pcapng");
            w.WriteString("file_type", FileType(s));
            w.WriteString("byte_order", s.ByteOrder == ByteOrder.LittleEndian ? "little" : "big");
            w.WriteString("version", s.Version);
            if (s.Header is { } h)
            {
                w.WriteNumber("snaplen", h.SnapLength);
                w.WriteString("timestamp_resolution", h.Resolution.ToString());
                w.WriteNumber("link_type", h.LinkType);
                if (h.FcsLength is { } fcs)
                {
                    w.WriteNumber("fcs_length", fcs);
                }
            }

            w.WriteNumber("packets", s.Packets);
            w.WriteNumber("custom_blocks", s.CustomBlocks);
            w.WriteNumber("data_bytes", s.Bytes);
            if (s.FileSize is { } size)
            {
                w.WriteNumber("file_bytes", size);
            }

            if (s.First is { } first && s.Last is { } last)
            {
                w.WriteString("first_time", first.ToEpochString());
                w.WriteString("last_time", last.ToEpochString());
            }

            w.WriteStartArray("sections");
            foreach (var section in s.Sections)
            {
                w.WriteStartObject();
                w.WriteNumber("index", section.Index);
                w.WriteString("byte_order", section.ByteOrder == ByteOrder.LittleEndian ? "little" : "big");
                w.WriteString("hardware", section.Hardware);
                w.WriteString("os", section.OperatingSystem);
                w.WriteString("application", section.Application);
                w.WriteStartArray("comments");
                foreach (var c in section.Comments)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteStartArray("interfaces");
                foreach (var i in section.Interfaces)
                {
                    w.WriteStartObject();
                    w.WriteNumber("id", i.LocalId);
                    w.WriteNumber("link_type", i.LinkType);
                    w.WriteString("link_type_name", LinkTypes.GetName(i.LinkType));
                    w.WriteNumber("snaplen", i.SnapLength);
                    w.WriteString("name", i.Name);
                    w.WriteString("description", i.Description);
                    w.WriteString("timestamp_resolution", i.TimestampResolution.ToString());
                    w.WriteNumber("packets", s.PerInterface.GetValueOrDefault(i.Index));
                    w.WriteStartArray("comments");
                    foreach (var c in i.Comments)
                    {
                        w.WriteStringValue(c);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("notices");
            foreach (var n in s.Notices)
            {
                w.WriteStartObject();
                w.WriteNumber("offset", n.Offset);
                w.WriteString("message", n.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
