using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Output;
using PcapKit.Reassembly;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>IPv4 and IPv6 defragmentation: against tshark's reassembly of the corpus, overlap policies, and bounds under floods.</summary>
public sealed class IpReassemblyTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] TransportFields = ["udp.srcport", "udp.length", "tcp.srcport", "icmp.type"];
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-reasm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public void CompletingFrames_Lengths_AndTransportFields_AgreeWithTshark()
    {
        Corpus.Require();
        var checkedDatagrams = 0;
        foreach (var capture in Corpus.Captures().Where(c => File.Exists(Corpus.File(c) + ".reasm.tsv")))
        {
            var table = TsharkTable.ForFile(Corpus.File(capture) + ".reasm.tsv");
            var fields = new FieldExtractor(Packs.Registry, TransportFields);
            var ours = new Dictionary<long, (long[] Frames, int Length, string[] Fields)>();
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = Corpus.File(capture),
                Registry = Packs.Registry,
                NoFile = true,
                ReassembleIp = true,
                Callback = (in ExtractedFrame f) =>
                {
                    if (f.Datagram is { } d)
                    {
                        fields.Extract(f.Record, f.Reassembled);
                        ours[f.Number] = (d.Frames.ToArray(), d.Payload.Length, TransportFields.Select((_, i) => fields.GetValue(i)).ToArray());
                    }
                },
            }))
            {
                extractor.Run();
            }

            for (var n = 1; n <= table.Count; n++)
            {
                var completedIn = table.Get(n, "ip.reassembled_in") + table.Get(n, "ipv6.reassembled.in");
                if (completedIn.Length > 0)
                {
                    var at = long.Parse(completedIn, CultureInfo.InvariantCulture);
                    Assert.True(ours.ContainsKey(at), $"{capture}: frame {n} belongs to a datagram completed in {at}, which we did not complete");
                    Assert.Contains((long)n, ours[at].Frames);
                }

                var length = table.Get(n, "ip.reassembled.length") + table.Get(n, "ipv6.reassembled.length");
                if (length.Length > 0)
                {
                    Assert.True(ours.TryGetValue(n, out var datagram), $"{capture}: tshark completes a datagram in frame {n}, we do not");
                    Assert.Equal(int.Parse(length, CultureInfo.InvariantCulture), datagram.Length);
                    Assert.Contains((long)n, datagram.Frames);
                    for (var i = 0; i < TransportFields.Length; i++)
                    {
                        Assert.Equal(table.Get(n, TransportFields[i]), datagram.Fields[i]);
                    }

                    checkedDatagrams++;
                }
            }

            // Nothing completed that tshark did not complete.
            foreach (var at in ours.Keys)
            {
                Assert.True((table.Get((int)at, "ip.reassembled.length") + table.Get((int)at, "ipv6.reassembled.length")).Length > 0,
                    $"{capture}: we complete a datagram in frame {at}, tshark does not");
            }
        }

        output.WriteLine($"{checkedDatagrams} datagrams agree with tshark");
        Assert.True(checkedDatagrams >= 5, $"only {checkedDatagrams} datagrams compared");
    }

    [Theory]
    [InlineData(OverlapPolicy.First, "BACZ")]
    [InlineData(OverlapPolicy.Last, "DCCZ")]
    [InlineData(OverlapPolicy.Bsd, "BBCZ")]
    [InlineData(OverlapPolicy.Linux, "DDCZ")]
    public void OverlappingFragments_AreResolvedByThePolicy_AndReported(OverlapPolicy policy, string expected)
    {
        // Offsets in bytes: A [8,16), B [0,16), D [0,16), C [8,24), Z [24,32) (the last).
        var capture = Path.Combine(_folder, "overlaps.pcap");
        WriteFragments(capture, [(8, 8, 'A', true), (0, 16, 'B', true), (0, 16, 'D', true), (8, 16, 'C', true), (24, 8, 'Z', false)], id: 7);
        var reports = new List<ReassemblyReport>();
        var result = Extract(capture, new IpReassemblyOptions { Policy = policy }, reports);

        var datagram = Assert.Single(result.Datagrams);
        var text = Encoding.ASCII.GetString(datagram.Payload.Span);
        Assert.Equal(string.Concat(expected.Select(c => new string(c, 8))), text);
        Assert.Equal([1L, 2, 3, 4, 5], datagram.Frames);
        Assert.True(datagram.HadConflicts);
        Assert.Contains(reports, r => r.Kind == ReassemblyReportKind.Conflict);
        Assert.Equal(5L, result.Summary.Frames);
    }

    /// <summary>
    /// The overlap pattern of Novak's "Target-Based Fragmentation Reassembly" (2005), as Suricata's defrag tests
    /// build it: nine fragments, then seven that overlap them in every way (covering, covered, straddling the start or
    /// the end, repeating an edge), then the last. Each letter is 8 bytes; the expected datagrams are those the
    /// paper gives for each operating system's policy (Suricata's DefragSturgesNovak*Test).
    /// </summary>
    [Theory]
    [InlineData(OverlapPolicy.First, "AAAJBBCCCLDLMEEFFFGGHHIQ")]
    [InlineData(OverlapPolicy.Last, "AJJJJBKKKLLLMMMFNFGOPHQQ")]
    [InlineData(OverlapPolicy.Bsd, "AAAJJBCCCLLLMMMFFFGGHHIQ")]
    [InlineData(OverlapPolicy.Linux, "AAAJJBKKKLLLMMMFFFGGPHQQ")]
    public void TheNovakOverlapPattern_ReassemblesAsTheTargetWould(OverlapPolicy policy, string expected)
    {
        var capture = Path.Combine(_folder, "novak.pcap");
        WriteFragments(capture,
        [
            (0, 24, 'A', true), (32, 16, 'B', true), (48, 24, 'C', true), (80, 8, 'D', true), (104, 16, 'E', true),
            (120, 24, 'F', true), (144, 16, 'G', true), (160, 16, 'H', true), (176, 8, 'I', true),
            (8, 32, 'J', true), (48, 24, 'K', true), (72, 24, 'L', true), (96, 24, 'M', true), (128, 8, 'N', true),
            (152, 8, 'O', true), (160, 8, 'P', true), (176, 16, 'Q', false),
        ], id: 1);
        var reports = new List<ReassemblyReport>();
        var result = Extract(capture, new IpReassemblyOptions { Policy = policy }, reports);

        var datagram = Assert.Single(result.Datagrams);
        Assert.Equal(string.Concat(expected.Select(c => new string(c, 8))), Encoding.ASCII.GetString(datagram.Payload.Span));
        Assert.Equal(17, datagram.Frames.Count);
        Assert.True(datagram.HadConflicts);
        Assert.Contains(reports, r => r.Kind == ReassemblyReportKind.Conflict);
    }

    [Fact]
    public void ExactRepeats_AreIgnored_AndTheDatagramCompletesOnce()
    {
        var capture = Path.Combine(_folder, "repeats.pcap");
        WriteFragments(capture, [(0, 8, 'A', true), (0, 8, 'A', true), (8, 8, 'B', false), (8, 8, 'B', false)], id: 9);
        var reports = new List<ReassemblyReport>();
        var result = Extract(capture, null, reports);
        var datagram = Assert.Single(result.Datagrams);
        Assert.Equal("AAAAAAAABBBBBBBB", Encoding.ASCII.GetString(datagram.Payload.Span));
        Assert.False(datagram.HadConflicts);
        Assert.Contains(reports, r => r.Kind == ReassemblyReportKind.Duplicate);
    }

    [Fact]
    public void ADatagramNotCompletedInTime_IsDroppedAndReported()
    {
        var capture = Path.Combine(_folder, "slow.pcap");
        WriteFragments(capture, [(0, 8, 'A', true), (8, 8, 'B', false)], id: 11, secondsApart: 61);
        var reports = new List<ReassemblyReport>();
        var result = Extract(capture, null, reports);
        Assert.Empty(result.Datagrams);
        var timeout = Assert.Single(reports, r => r.Kind == ReassemblyReportKind.Timeout);
        Assert.Equal([1L], timeout.Frames);
        Assert.Single(reports, r => r.Kind == ReassemblyReportKind.Incomplete);
    }

    [Fact]
    public void WithStrictOff_AnIncompleteDatagramIsListed_WithWhatArrivedAsChunks()
    {
        var capture = Path.Combine(_folder, "holes.pcap");
        WriteFragments(capture, [(0, 8, 'A', true), (16, 8, 'C', false)], id: 17);
        var strict = Extract(capture, null, []);
        Assert.Empty(strict.Datagrams);

        var loose = Extract(capture, new IpReassemblyOptions { Strict = false }, []);
        var datagram = Assert.Single(loose.Datagrams);
        Assert.False(datagram.Completed);
        Assert.True(datagram.Payload.IsEmpty);
        Assert.Equal([(0, "AAAAAAAA"), (16, "CCCCCCCC")], datagram.Chunks.Select(c => (c.Offset, Encoding.ASCII.GetString(c.Data.Span))));
        Assert.Equal([1L, 2], datagram.Frames);
        Assert.Equal(17u, datagram.Id);
        Assert.Equal(17, datagram.Protocol);
    }

    [Fact]
    public void AHundredThousandUnfinishedDatagrams_StayWithinTheBounds()
    {
        // 100,000 first fragments with unique identifications: never completed. The count bound evicts the oldest,
        // the memory bound holds, nothing throws, and every datagram is reported once.
        const int Count = 100_000;
        var capture = Path.Combine(_folder, "flood.pcap");
        using (var writer = PcapWriter.Create(capture, LinkTypes.Ethernet))
        {
            for (var i = 0; i < Count; i++)
            {
                var frame = Fragment(i & 0xFFFF, 0, 'x', more: true);
                frame[14 + 13] = (byte)(i >> 16); // the source address keeps the keys unique past 65,536 identifications
                writer.Write(new CaptureTimestamp((ulong)(1_700_000_000_000_000L + i), TimestampResolution.Microseconds), frame, (uint)frame.Length);
            }
        }

        var options = new IpReassemblyOptions { MaxDatagrams = 1_000, MaxBufferedBytes = 1 << 20 };
        var reassembler = new IpReassembler(options);
        var dissector = new Dissection.Dissector(Packs.Registry);
        var stack = new Dissection.LayerStack();
        long peak = 0;
        using (var reader = CaptureReader.Open(capture))
        {
            foreach (var record in reader)
            {
                dissector.Dissect(record, stack);
                Assert.Equal(FragmentOutcome.Held, reassembler.Add(new Dissection.Frame(record.Data, stack, Packs.Registry), record, out _));
                peak = Math.Max(peak, reassembler.BufferedBytes);
                Assert.True(reassembler.InProgress <= options.MaxDatagrams);
            }
        }

        reassembler.Finish();
        Assert.True(peak <= options.MaxBufferedBytes + 65_536, $"peak {peak} bytes held");
        Assert.Equal(Count, reassembler.ReportCounts.GetValueOrDefault(ReassemblyReportKind.Evicted) + reassembler.ReportCounts.GetValueOrDefault(ReassemblyReportKind.Incomplete));
        Assert.Equal(0, reassembler.InProgress);
        Assert.Equal(0, reassembler.BufferedBytes);
    }

    [Fact]
    public void AFragmentBeyondTheSizeBound_DropsItsDatagram()
    {
        var capture = Path.Combine(_folder, "big.pcap");
        WriteFragments(capture, [(0, 8, 'A', true), (65_528, 16, 'B', false)], id: 13);
        var reports = new List<ReassemblyReport>();
        var result = Extract(capture, null, reports);
        Assert.Empty(result.Datagrams);
        Assert.Contains(reports, r => r.Kind == ReassemblyReportKind.Oversized);
    }

    [Theory]
    [InlineData("0301" + "0000" + "00000000")] // time exceeded, code 1: fragment reassembly time exceeded
    [InlineData("8900" + "0000" + "00000000" + "fe800000000000000000000000000099" + "20010db8000000000000000000000077" + "0408" + "000000000000")] // Redirect
    public void AFragmentAnIcmpv6MessageQuotes_IsNotTakenAsTheFramesOwn(string icmpv6)
    {
        // The quoted packet: IPv6 2001:db8::2 → 2001:db8::77 with a Fragment header (first fragment, more to come, id
        // 0x1234) and 8 bytes of UDP. Its layers are dissected (tshark does too), but it is the sender's copy, not this
        // frame's traffic: reassembling it would file a second, cut-short datagram under the flow's key.
        const string quoted = "60000000" + "0010" + "2c" + "40" + "20010db8000000000000000000000002" + "20010db8000000000000000000000077" +
                              "11000001" + "00001234" + "0001000200100000";
        var message = icmpv6 + quoted;
        var frame = Convert.FromHexString("66778899aabb" + "001122334455" + "86dd" + "60000000" + (message.Length / 2).ToString("x4", CultureInfo.InvariantCulture) +
                                          "3a" + "ff" + "fe800000000000000000000000000001" + "20010db8000000000000000000000002" + message);
        var own = Convert.FromHexString("66778899aabb" + "001122334455" + "86dd" + quoted);
        var capture = Path.Combine(_folder, "quoted.pcap");
        using (var writer = PcapWriter.Create(capture, LinkTypes.Ethernet))
        {
            writer.Write(new CaptureTimestamp(1_700_000_000_000_000UL, TimestampResolution.Microseconds), frame, (uint)frame.Length);
            writer.Write(new CaptureTimestamp(1_700_000_000_000_001UL, TimestampResolution.Microseconds), own, (uint)own.Length);
        }

        var dissector = new Dissection.Dissector(Packs.Registry);
        var stack = new Dissection.LayerStack();
        var reassembler = new IpReassembler(new IpReassemblyOptions());
        var outcomes = new List<FragmentOutcome>();
        using (var reader = CaptureReader.Open(capture))
        {
            foreach (var record in reader)
            {
                dissector.Dissect(record, stack);
                var dissected = new Dissection.Frame(record.Data, stack, Packs.Registry);
                if (record.Number == 1)
                {
                    // The quoted packet's layers are dissected (tshark's too): IPv6, its Fragment header, UDP.
                    var names = new List<string>();
                    for (var i = 0; i < dissected.LayerCount; i++)
                    {
                        names.Add(dissected.ProtocolAt(i).Name);
                    }

                    Assert.Equal(["ethernet", "ipv6", "icmpv6", "ipv6", "ipv6_fraghdr", "udp"], names);
                }

                outcomes.Add(reassembler.Add(dissected, record, out _));
            }
        }

        // The frame's own fragment is held; the quoted copy is not a fragment of this frame.
        Assert.Equal([FragmentOutcome.NotAFragment, FragmentOutcome.Held], outcomes);
        Assert.Equal(1, reassembler.InProgress);
    }

    private static ExtractionResult Extract(string capture, IpReassemblyOptions? options, List<ReassemblyReport> reports)
    {
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture,
            Registry = Packs.Registry,
            NoFile = true,
            Store = true,
            ReassembleIp = true,
            IpReassembly = options,
            ReassemblyReport = reports.Add,
        });
        return extractor.Run();
    }

    /// <summary>IPv4 fragments of UDP between 10.0.0.1 and 10.0.0.2, each a run of one letter.</summary>
    private static void WriteFragments(string path, (int Offset, int Length, char Fill, bool More)[] fragments, int id, int secondsApart = 0)
    {
        using var writer = PcapWriter.Create(path, LinkTypes.Ethernet);
        for (var i = 0; i < fragments.Length; i++)
        {
            var (offset, length, fill, more) = fragments[i];
            var frame = Fragment(id, offset, fill, more, length);
            writer.Write(new CaptureTimestamp((ulong)(1_700_000_000L + (i * secondsApart)) * 1_000_000 + (ulong)i, TimestampResolution.Microseconds), frame, (uint)frame.Length);
        }
    }

    private static byte[] Fragment(int id, int offset, char fill, bool more, int length = 8)
    {
        var frame = new byte[14 + 20 + length];
        frame[12] = 0x08;
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        ip[2] = (byte)((20 + length) >> 8);
        ip[3] = (byte)(20 + length);
        ip[4] = (byte)(id >> 8);
        ip[5] = (byte)id;
        var units = offset / 8;
        ip[6] = (byte)((more ? 0x20 : 0) | ((units >> 8) & 0x1F));
        ip[7] = (byte)units;
        ip[8] = 64;
        ip[9] = 17;
        ip[12] = 10;
        ip[15] = 1;
        ip[16] = 10;
        ip[19] = 2;
        ip[20..].Fill((byte)fill);
        return frame;
    }
}
