using System;
using System.IO;
using System.Linq;
using PcapKit.Capture;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Tests;

/// <summary>Writers: pcap → write is byte-identical; pcapng → write → read gives the same records and interfaces.</summary>
public sealed class CaptureWriterTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [MemberData(nameof(CaptureCorpusTests.Captures), MemberType = typeof(CaptureCorpusTests))]
    public void EveryReadableCorpusFile_RoundTripsThroughTheWriters(string capture)
    {
        Corpus.Require();
        if (Corpus.IsRejectedByTshark(capture))
        {
            return;
        }

        var path = Corpus.File(capture);
        var original = CaptureCorpusTests.ReadAll(path, mapped: true);
        using var reader = CaptureReader.Open(path);
        using var buffer = new MemoryStream();
        if (reader.Format == CaptureFormat.Pcap)
        {
            using (var writer = new PcapWriter(buffer, reader.PcapHeader!, leaveOpen: true))
            {
                foreach (var record in reader)
                {
                    writer.Write(record);
                }
            }

            Assert.Equal(File.ReadAllBytes(path), buffer.ToArray());
            output.WriteLine($"{capture}: {original.Count} records, byte-identical");
            return;
        }

        using (var writer = new PcapNgWriter(buffer, new PcapNgSectionInfo(reader.Sections[0].Hardware, reader.Sections[0].OperatingSystem, reader.Sections[0].Application, reader.Sections[0].Comments), leaveOpen: true))
        {
            foreach (var record in reader)
            {
                writer.Write(record);
            }
        }

        buffer.Position = 0;
        using var again = CaptureReader.Open(buffer, "rewritten.pcapng");
        var rewritten = CaptureCorpusTests.Collect(again);
        Assert.Equal(original.Count, rewritten.Count);
        for (var i = 0; i < original.Count; i++)
        {
            // Interface ids are renumbered into one section; everything else is kept.
            Assert.Equal(original[i] with { InterfaceId = string.Empty }, rewritten[i] with { InterfaceId = string.Empty });
        }

        foreach (var iface in again.Interfaces)
        {
            var source = reader.Interfaces.First(i => i.Name == iface.Name && i.LinkType == iface.LinkType && i.SnapLength == iface.SnapLength);
            Assert.Equal(source.TimestampResolution, iface.TimestampResolution);
            Assert.Equal(source.Description, iface.Description);
            Assert.Equal(source.Filter, iface.Filter);
            Assert.Equal(source.OperatingSystem, iface.OperatingSystem);
            Assert.Equal(source.Comments, iface.Comments);
        }

        output.WriteLine($"{capture}: {original.Count} records and {again.Interfaces.Count} interfaces read back the same");
    }

    [Fact]
    public void PcapWriter_WritesNanosecondsBigEndian_AndReadsBack()
    {
        using var buffer = new MemoryStream();
        using (var writer = new PcapWriter(buffer, LinkTypes.Raw, 65535, nanoseconds: true, ByteOrder.BigEndian, leaveOpen: true))
        {
            writer.Write(CaptureTimestamp.FromNanoseconds(1_700_000_000, 123_456_789), [0x45, 0, 0, 20], 20);
        }

        Assert.Equal("a1b23c4d", Hex.Format(buffer.ToArray().AsSpan(0, 4)));
        buffer.Position = 0;
        using var reader = CaptureReader.Open(buffer, "ns.pcap");
        Assert.True(reader.TryReadNext(out var record));
        Assert.Equal("1700000000.123456789", record.Timestamp.ToEpochString());
        Assert.Equal(20u, record.OriginalLength);
        Assert.Equal(4, record.CapturedLength);
        Assert.Equal(LinkTypes.Raw, record.LinkType);
    }

    [Fact]
    public void PcapNgWriter_KeepsCommentsFlagsAndBinaryResolutions()
    {
        using var buffer = new MemoryStream();
        using (var writer = new PcapNgWriter(buffer, new PcapNgSectionInfo("hw", "os", "app", ["section note"]), leaveOpen: true))
        {
            var id = writer.AddInterface(LinkTypes.Ethernet, 96, new PcapNgInterfaceInfo { Name = "eth9", Resolution = TimestampResolution.Binary(8), Comments = ["iface note"] });
            writer.WritePacket(id, new CaptureTimestamp((1519128000UL << 8) + 50, TimestampResolution.Binary(8)), new byte[14], 60, flags: 1, comments: ["hello"]);
        }

        buffer.Position = 0;
        using var reader = CaptureReader.Open(buffer, "ng.pcapng");
        Assert.True(reader.TryReadNext(out var record));
        Assert.Equal("1519128000.195312500", record.Timestamp.ToEpochString());
        Assert.Equal(1u, record.Options.Flags);
        Assert.Equal(["hello"], record.Options.GetComments());
        Assert.Equal("eth9", record.Interface.Name);
        Assert.Equal(["iface note"], record.Interface.Comments);
        Assert.Equal(["section note"], reader.Sections[0].Comments);
        Assert.Equal("app", reader.Sections[0].Application);
    }

    [Theory]
    [InlineData(0UL, 0L)]
    [InlineData(9_223_372_036_854_775_813UL, 0L)] // 2^63 + 5 seconds at one unit per second: beyond long's seconds
    [InlineData(ulong.MaxValue, 3_600L)]
    [InlineData(1_733_000_000UL, long.MaxValue)] // an offset that takes the seconds beyond long's range
    public void PcapNgWriter_CopiesARecordsStoredCountExactly_AlsoBeyondLongsSeconds(ulong units, long offset)
    {
        // A pcapng record copied to an interface of its own resolution and offset (CaptureSink, a pcapng flow file) keeps
        // its stored count, though CaptureTimestamp.Seconds saturates for such times.
        var resolution = TimestampResolution.Decimal(0);
        using var buffer = new MemoryStream();
        using (var writer = new PcapNgWriter(buffer, leaveOpen: true))
        {
            var id = writer.AddInterface(LinkTypes.Ethernet, 96, new PcapNgInterfaceInfo { Resolution = resolution, TimestampOffset = offset });
            writer.WritePacket(id, new CaptureTimestamp(units, resolution, offset), new byte[14], 14);
        }

        buffer.Position = 0;
        using var reader = CaptureReader.Open(buffer, "ng.pcapng");
        Assert.True(reader.TryReadNext(out var record));
        Assert.Equal((units, offset), (record.Timestamp.Units, record.Timestamp.OffsetSeconds));
    }
}
