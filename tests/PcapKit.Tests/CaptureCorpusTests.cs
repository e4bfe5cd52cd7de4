using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PcapKit.Capture;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Tests;

/// <summary>Every corpus capture read through the library: counts, timestamps, lengths and interfaces equal tshark's.</summary>
public sealed class CaptureCorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> Captures() => Corpus.CaptureRows();

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void EveryRecord_MatchesTsharkFrameFields(string capture)
    {
        Corpus.Require();
        var path = Corpus.File(capture);
        if (Corpus.IsRejectedByTshark(capture))
        {
            var error = Assert.Throws<InvalidDataException>(() => ReadAll(path, mapped: true));
            Assert.Contains(capture, error.Message, StringComparison.Ordinal);
            Assert.True(CaptureError.TryGetCaptureError(error, out var details));
            output.WriteLine($"rejected as tshark does: {error.Message} ({details!.Kind})");
            return;
        }

        var table = TsharkTable.For(capture);
        var records = ReadAll(path, mapped: true);
        Assert.Equal(table.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var n = i + 1;
            Assert.Equal(table.Get(n, "frame.number"), r.Number.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(table.Get(n, "frame.time_epoch"), r.Epoch);
            Assert.Equal(table.Get(n, "frame.len"), r.OriginalLength.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(table.Get(n, "frame.cap_len"), r.CapturedLength.ToString(CultureInfo.InvariantCulture));
            Assert.Equal(table.Get(n, "frame.interface_id"), r.InterfaceId);
        }

        output.WriteLine($"{records.Count} records agree with tshark");
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void Interfaces_HaveTheManifestsLinkTypes_AndPacketCountsMatchCapinfos(string capture)
    {
        Corpus.Require();
        if (Corpus.IsRejectedByTshark(capture))
        {
            return;
        }

        using var reader = CaptureReader.Open(Corpus.File(capture));
        var packets = 0;
        foreach (var record in reader)
        {
            packets += record.Kind == RecordKind.CustomBlock ? 0 : 1;
        }

        Assert.Equal(Manifest.LinkTypes(capture), reader.Interfaces.Select(i => LinkTypes.GetName(i.LinkType)).ToList());
        Assert.Equal(Manifest.CapinfosPackets(capture), packets);
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void StreamingAndMemoryMapping_ReadTheSameRecords(string capture)
    {
        Corpus.Require();
        if (Corpus.IsRejectedByTshark(capture))
        {
            return;
        }

        var path = Corpus.File(capture);
        var mapped = ReadAll(path, mapped: true);
        using var stream = new NonSeekableStream(File.OpenRead(path));
        using var reader = CaptureReader.Open(stream, capture);
        var streamed = Collect(reader);
        Assert.Equal(mapped, streamed);
    }

    internal static List<RecordSummary> ReadAll(string path, bool mapped)
    {
        using var reader = CaptureReader.Open(path, new CaptureReaderOptions { UseMemoryMap = mapped });
        return Collect(reader);
    }

    internal static List<RecordSummary> Collect(CaptureReader reader)
    {
        var list = new List<RecordSummary>();
        foreach (var record in reader)
        {
            list.Add(RecordSummary.Of(record));
        }

        return list;
    }
}

/// <summary>A record's fields as values, for comparisons.</summary>
internal sealed record RecordSummary(long Number, string Epoch, uint OriginalLength, int CapturedLength, string InterfaceId, int LinkType, string Hex, string Options)
{
    public static RecordSummary Of(in CaptureRecord record) => new(
        record.Number,
        record.HasTimestamp ? record.Timestamp.ToEpochString() : string.Empty,
        record.OriginalLength,
        record.CapturedLength,
        // pcap has no interface blocks: tshark leaves frame.interface_id empty there, and for custom blocks.
        record.Kind is RecordKind.Pcap or RecordKind.CustomBlock ? string.Empty : record.Interface.LocalId.ToString(CultureInfo.InvariantCulture),
        record.LinkType,
        Convert.ToHexStringLower(record.Data),
        DescribeOptions(record.Options));

    private static string DescribeOptions(PacketOptions options)
    {
        var text = new System.Text.StringBuilder();
        foreach (var option in options)
        {
            text.Append(option.Code).Append('=').Append(Convert.ToHexStringLower(option.Value)).Append(';');
        }

        return text.ToString();
    }
}

/// <summary>A stream that cannot seek, as standard input.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 4093));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
