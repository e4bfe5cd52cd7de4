using System;
using System.Collections.Generic;
using System.IO;
using PcapKit.Capture;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Tests;

/// <summary>Cut files and hostile lengths: every complete record first, then the documented error; never a crash, a hang or a large allocation.</summary>
public sealed class CaptureTruncationTests
{
    [SkippableTheory]
    [InlineData("zeek__tcp_option-sack.pcap")]
    [InlineData("pngtg__le_test100.pcapng")]
    [InlineData("ppp__nanosecs_big_endian.pcap")]
    [InlineData("pngtg__be_test102.pcapng")]
    public void CutAtEveryByte_DeliversEveryCompleteRecordThenReportsTheTruncation(string capture)
    {
        var bytes = File.ReadAllBytes(Corpus.File(capture));
        var full = Read(bytes, out var fullError);
        Assert.Null(fullError);
        var boundaries = new HashSet<long>();
        foreach (var r in full)
        {
            boundaries.Add(r.End);
        }

        for (var length = 0; length < bytes.Length; length++)
        {
            var records = Read(bytes.AsSpan(0, length).ToArray(), out var error);

            // Every record that ends within the cut is delivered, unchanged.
            var complete = full.FindAll(r => r.End <= length);
            Assert.True(records.Count >= complete.Count - 1, $"cut at {length}: {records.Count} records, {complete.Count} complete");
            for (var i = 0; i < Math.Min(records.Count, complete.Count); i++)
            {
                Assert.Equal(complete[i].Summary, records[i].Summary);
            }

            if (error is not null)
            {
                Assert.True(CaptureError.TryGetCaptureError(error, out var details));
                Assert.Contains("cut.pcap", error.Message, StringComparison.Ordinal);
                Assert.InRange(details!.Offset, 0, length);
            }
            else
            {
                // A clean end can only be at a record boundary (or right after the headers).
                Assert.True(records.Count == complete.Count);
            }
        }
    }

    [Fact]
    public void AHugeDeclaredLength_IsReportedWithoutAllocatingIt()
    {
        // A pcap header and one record claiming 0x7fffffff captured bytes.
        var file = Hex.Parse("d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000" + "00000000 00000000 ffffff7f ffffff7f" + "00112233");
        using var stream = new NonSeekableStream(new MemoryStream(file));
        using var reader = CaptureReader.Open(stream, "huge.pcap");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => reader.TryReadNext(out _));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("huge.pcap: corrupt capture at byte offset 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyFile_IsRejectedWithItsName()
    {
        using var stream = new MemoryStream();
        var error = Assert.Throws<InvalidDataException>(() => CaptureReader.Open(stream, "empty.pcap"));
        Assert.Equal("empty.pcap: the file is cut short at byte offset 0: the file is empty", error.Message);
    }

    [Fact]
    public void AnUnknownMagic_IsUnsupported()
    {
        using var stream = new MemoryStream(Hex.Parse("7f454c46 02010100 00000000 00000000 00000000 00000000"));
        var error = Assert.Throws<InvalidDataException>(() => CaptureReader.Open(stream, "elf"));
        Assert.True(CaptureError.TryGetCaptureError(error, out var details));
        Assert.Equal(CaptureErrorKind.Unsupported, details!.Kind);
    }

    [Fact]
    public void APcapNgBlockWithAMismatchedTrailer_IsCorrupt_AfterTheGoodRecords()
    {
        using var output = new MemoryStream();
        using (var writer = new PcapNgWriter(output, leaveOpen: true))
        {
            var id = writer.AddInterface(LinkTypes.Ethernet);
            writer.WritePacket(id, CaptureTimestamp.FromNanoseconds(1, 0), new byte[20], 20);
            writer.WritePacket(id, CaptureTimestamp.FromNanoseconds(2, 0), new byte[20], 20);
        }

        var bytes = output.ToArray();
        bytes[^4] ^= 0xFF; // the last block's trailing length
        using var reader = CaptureReader.Open(new MemoryStream(bytes), "bad.pcapng");
        Assert.True(reader.TryReadNext(out var first));
        Assert.Equal(1, first.Number);
        var error = Assert.Throws<InvalidDataException>(() => reader.TryReadNext(out _));
        Assert.Contains("trailing length", error.Message, StringComparison.Ordinal);
    }

    private static List<(long End, RecordSummary Summary)> Read(byte[] bytes, out InvalidDataException? error)
    {
        var list = new List<(long, RecordSummary)>();
        error = null;
        try
        {
            using var reader = CaptureReader.Open(new MemoryStream(bytes), "cut.pcap");
            while (reader.TryReadNext(out var record))
            {
                list.Add((reader.Position, RecordSummary.Of(record)));
            }
        }
        catch (InvalidDataException ex)
        {
            error = ex;
        }

        return list;
    }
}
