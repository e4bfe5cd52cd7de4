using System;
using System.Collections.Generic;
using System.Linq;
using System.Buffers;
using PcapKit.Buffers;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Protocols.Tests;

/// <summary>read → <c>ToRecord()</c> → <c>TryWrite</c> gives the same bytes, layer by layer, for real frames.</summary>
public sealed class RoundTripTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EveryCorpusFrameWhoseLayersAreAllKnown_WritesBackTheSameBytes_LayerByLayer()
    {
        Corpus.Require();
        var frames = new List<(string, CorpusFrame)>();
        foreach (var capture in CorpusFrames.Captures())
        {
            frames.AddRange(CorpusFrames.Read(capture, out _).Select(f => (capture, f)));
        }

        Assert.True(RoundTrip(frames) > 6000);
    }

    [Fact]
    public void EverySyntheticFrame_WritesBackTheSameBytes_LayerByLayer()
    {
        var frames = new List<(string, CorpusFrame)>();
        using var reader = CaptureReader.Open(System.IO.Path.Combine(AppContext.BaseDirectory, "Oracle", "synthetic.pcapng"));
        while (reader.TryReadNext(out var r))
        {
            frames.Add(("synthetic.pcapng", new CorpusFrame(r.Number, r.LinkType, (int)r.OriginalLength, r.Data.ToArray())));
        }

        Assert.True(RoundTrip(frames) > 60);
    }

    /// <summary>Writes every layer of every well-formed frame back from its record; returns the number of frames.</summary>
    private int RoundTrip(List<(string Capture, CorpusFrame Frame)> frames)
    {
        var stack = new LayerStack();
        var buffer = new byte[262_144];
        var wellFormed = 0;
        var skipped = 0;
        var layers = 0;
        var perProtocol = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var (capture, record) in frames)
        {
            Packs.Dissector.Dissect(record.Data, record.LinkType, record.OriginalLength, stack);
            var frame = new Frame(record.Data, stack, Packs.Registry);
            if (!frame.IsWellFormed || frame.LayerCount == 0)
            {
                skipped++;
                continue;
            }

            wellFormed++;
            for (var i = 0; i < frame.LayerCount; i++)
            {
                var protocol = frame.ProtocolAt(i);
                var unit = frame.LayerBytes(i);
                var owned = protocol.CreateRecord(unit);
                if (owned is null)
                {
                    failures.Add($"{capture} frame {record.Number}: {protocol.Name} parsed in the frame but not on its own");
                    continue;
                }

                var status = protocol.WriteRecord(owned, buffer, WriteFlags.Preserve, out var written);
                if (status != OperationStatus.Done || !unit.SequenceEqual(buffer.AsSpan(0, written)))
                {
                    failures.Add($"{capture} frame {record.Number}: {protocol.Name} wrote {status} {Hex.Format(buffer.AsSpan(0, written))}, read {Hex.Format(unit)}");
                    continue;
                }

                perProtocol[protocol.Name] = perProtocol.GetValueOrDefault(protocol.Name) + 1;
                layers++;
            }
        }

        output.WriteLine($"{wellFormed} frames whose layers all parse ({skipped} with a malformed or truncated layer left out), {layers} layers written back byte for byte:");
        foreach (var (name, count) in perProtocol)
        {
            output.WriteLine($"  {name,-16} {count,6}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} layers differ:\n" + string.Join("\n", failures.Take(20)));
        return wellFormed;
    }

    [Theory]
    [InlineData("1200fcfaef010203")] // v1 report: the second byte is reserved
    [InlineData("1600f8faef010203")] // v2 report: the maximum response time
    [InlineData("11646f03ef0102030a7d0002c0000209c000020a")] // v3 query
    [InlineData("220034e80000000204000000ef01020301000001ef010204c0000209")] // v3 report: reserved byte, reserved word
    public void AnIgmpMessage_RebuiltWithItsChecksumZeroed_GetsItBack_AfterTheSecondBytesVariant(string hex)
    {
        // The checksum follows a variant (the second byte by type): the writer fills it in where it wrote it.
        var bytes = Hex.Parse(hex);
        Assert.True(Protocols.Igmp.TryParse(bytes, out var view).IsOk);
        Assert.Equal(ChecksumStatus.Good, view.VerifyChecksum().Status);
        var record = view.ToRecord() with { Checksum = 0 };
        var rebuilt = new byte[bytes.Length + 16];
        Assert.Equal(OperationStatus.Done, record.TryWrite(rebuilt, out var written));
        Assert.Equal(hex, Hex.Format(rebuilt.AsSpan(0, written)));
    }

    [SkippableFact]
    public void ComputingLengthsAndChecksums_ReproducesFramesWhoseChecksumsAreCorrect()
    {
        var frames = CorpusFrames.EthernetIpv4TcpUdp("zeek__tcp_option-sack.pcap");
        frames.AddRange(CorpusFrames.EthernetIpv4TcpUdp("ppp__many-protocols.pcap"));
        var checkedFrames = 0;
        foreach (var bytes in frames)
        {
            Assert.True(Ethernet.TryParse(bytes, out var eth).IsOk);
            Assert.True(Ipv4.TryParse(eth.Payload, out var ip).IsOk);
            if (ip.IsTruncated || ip.VerifyChecksum().Status != ChecksumStatus.Good)
            {
                continue;
            }

            var pseudo = IpPseudoHeader.ForIpv4(ip.Source, ip.Destination, (byte)ip.Protocol);
            var transport = new byte[ip.Payload.Length + 64];
            int written;
            if (ip.Protocol == IpProtocol.Tcp && Tcp.TryParse(ip.Payload, out var tcp).IsOk && tcp.VerifyChecksum(pseudo).Status == ChecksumStatus.Good)
            {
                var record = tcp.ToRecord() with { Checksum = 0, DataOffset = 0 };
                Assert.Equal(OperationStatus.Done, record.TryWrite(transport, pseudo, out written));
            }
            else if (ip.Protocol == IpProtocol.Udp && Udp.TryParse(ip.Payload, out var udp).IsOk && udp.VerifyChecksum(pseudo).Status == ChecksumStatus.Good)
            {
                var record = udp.ToRecord() with { Checksum = 0, Length = 0 };
                Assert.Equal(OperationStatus.Done, record.TryWrite(transport, pseudo, out written));
            }
            else
            {
                continue;
            }

            Assert.Equal(Hex.Format(ip.Payload), Hex.Format(transport.AsSpan(0, written)));
            var ipRecord = ip.ToRecord() with { HeaderChecksum = 0, TotalLength = 0, Ihl = 0 };
            var datagram = new byte[ip.Size + 64];
            Assert.Equal(OperationStatus.Done, ipRecord.TryWrite(datagram, out var ipWritten));
            Assert.Equal(Hex.Format(ip.Bytes), Hex.Format(datagram.AsSpan(0, ipWritten)));
            checkedFrames++;
        }

        output.WriteLine($"{checkedFrames} frames rebuilt with computed lengths and checksums");
        Assert.True(checkedFrames > 10);
    }

    [Fact]
    public void BuildingATcpSegment_FillsDataOffsetPaddingAndChecksum()
    {
        var segment = new Tcp
        {
            SourcePort = 49220,
            DestinationPort = 443,
            SequenceNumber = 1,
            Flags = TcpFlags.Syn,
            Window = 65535,
            Options = [new TcpOption.Mss { Value = 1460 }, new TcpOption.WindowScale { Shift = 7 }],
        };
        var pseudo = IpPseudoHeader.ForIpv4(Net.Ipv4Address.Parse("10.0.0.1"), Net.Ipv4Address.Parse("10.0.0.2"), 6);

        // 20 fixed bytes and 7 bytes of options, padded to a multiple of 4 with a zero (end of option list).
        Assert.Equal(28, segment.GetSize());
        var buffer = new byte[28];
        Assert.Equal(OperationStatus.Done, segment.TryWrite(buffer, pseudo, out var written));
        Assert.Equal(28, written);
        Assert.Equal(0, buffer[27]);
        Assert.True(Tcp.TryParse(buffer, out var view).IsOk);
        Assert.Equal(7, view.DataOffset);
        Assert.Equal(ChecksumStatus.Good, view.VerifyChecksum(pseudo).Status);
        Assert.True(view.Options.TryGetWindowScale(out byte shift));
        Assert.Equal(7, shift);
        var expected = segment with
        {
            DataOffset = 7,
            Checksum = view.Checksum,
            Options = [.. segment.Options, new TcpOption.Eol()],
        };
        Assert.Equal(expected, view.ToRecord());
    }

    [Fact]
    public void WritingIntoASmallBuffer_ReportsDestinationTooSmall()
    {
        var udp = new Udp { SourcePort = 1, DestinationPort = 2, Payload = new byte[10] };
        Assert.Equal(OperationStatus.DestinationTooSmall, udp.TryWrite(new byte[17], default, out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void AValueWiderThanItsBitField_IsInvalidData()
    {
        var ip = new Ipv4 { Version = 16, Ttl = 1 };
        Assert.Equal(OperationStatus.InvalidData, ip.TryWrite(new byte[64], out _));
    }
}
