using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>The pkt2flow splitter: its names and counts against pkt2flow's own output, conservation of packets, and the bugs it does not have.</summary>
public sealed class FlowSplitterTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-flows-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Captures where pkt2flow 1.4's output is wrong (the corpus README lists its bugs), so only the others must agree exactly.</summary>
    private static readonly Dictionary<string, string> Pkt2flowWrong = new(StringComparer.Ordinal)
    {
        ["gopacket__test_loopback.pcap"] = "NULL link type: pkt2flow parses it as Ethernet and writes nothing",
        ["ppp__null_loopback.pcap"] = "NULL link type parsed as Ethernet",
        ["ppp__sll2.pcap"] = "SLL2 link type parsed as Ethernet",
        ["zeek__linux_dlt_sll2.pcap"] = "SLL2 link type parsed as Ethernet",
        ["zeek__q-in-q.pcap"] = "two VLAN tags: pkt2flow reads one",
        ["pngtg__be_test102.pcapng"] = "pcapng: pkt2flow loses packets of these blocks",
        ["pngtg__le_test008.pcapng"] = "pcapng with a non-microsecond resolution: pkt2flow misreads the timestamp (the name's seconds)",
        ["pngtg__le_test100.pcapng"] = "pcapng Simple Packet Blocks: pkt2flow names them with time 0 and loses packets",
        ["pngtg__le_test202.pcapng"] = "pcapng: pkt2flow loses packets of these blocks",
        ["ppp__many_interfaces-1.pcapng"] = "pcapng with several interfaces: pkt2flow writes nothing",
        ["ppp__pcapng-example.pcapng"] = "pcapng with several sections: pkt2flow loses packets",
        ["ppp__IPv4Frag.pcap"] = "later IP fragments read as if they had ports",
        ["ppp__frag_http_req.pcap"] = "later IP fragments read as if they had ports",
        ["ppp__frag_with_padding.pcap"] = "later IP fragments read as if they had ports",
        ["ppp__ipv6_opt_fragments.pcap"] = "later IPv6 fragments read as if they had ports",
        ["zeek__ipv6-fragmented-dns.pcap"] = "later IPv6 fragments read as if they had ports",
        ["ppp__VlanPackets.pcap"] = "VLAN-tagged ICMP: pkt2flow drops it",
        ["ppp__many-protocols.pcap"] = "VLAN-tagged ICMP: pkt2flow drops it",
        ["ppp__ip4_bad_fragment.pcap"] = "a malformed IPv4 header: pkt2flow drops the packet, the splitter keeps it in a flow",
        ["ppp__ipv4-malformed.pcap"] = "malformed IPv4 headers dropped by pkt2flow",
        ["tcpdump__ip6_frag_asan.pcap"] = "a truncated IPv6 fragment dropped by pkt2flow",
        ["tcpdump__ipv6-next-header-oobr-1.pcap"] = "a truncated IPv6 header chain dropped by pkt2flow",
        ["tcpdump__tcp_header_heapoverflow.pcap"] = "a truncated TCP header dropped by pkt2flow",
        ["zeek__trunc_ip6-ext-trunc.pcap"] = "a truncated IPv6 extension header dropped by pkt2flow",
    };

    [SkippableFact]
    public void NamesAndPacketCounts_AgreeWithPkt2flow_WherePkt2flowIsRight()
    {
        Corpus.Require();
        int same = 0, theirs = 0;
        var failures = new List<string>();
        foreach (var capture in Corpus.Captures().Where(c => File.Exists(Corpus.File(c) + ".pkt2flow.txt") && !Corpus.IsRejectedByTshark(c)))
        {
            var expected = File.ReadLines(Corpus.File(capture) + ".pkt2flow.txt")
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split('\t'))
                .ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
            var ours = Split(capture, udp: true, noSyn: true, others: true).Flows.ToDictionary(f => f.File, f => f.Packets);
            theirs += expected.Count;
            same += expected.Count(e => ours.TryGetValue(e.Key, out var n) && n == e.Value);
            var differences = expected.Where(e => !ours.TryGetValue(e.Key, out var n) || n != e.Value).Select(e => $"{e.Key}: pkt2flow {e.Value}, ours {(ours.TryGetValue(e.Key, out var n) ? n : 0)}")
                .Concat(ours.Where(o => !expected.ContainsKey(o.Key)).Select(o => $"{o.Key}: ours {o.Value}, pkt2flow none")).ToList();
            if (differences.Count == 0)
            {
                continue;
            }

            if (Pkt2flowWrong.TryGetValue(capture, out var reason))
            {
                output.WriteLine($"{capture}: {differences.Count} differences, pkt2flow wrong: {reason}");
            }
            else
            {
                failures.Add($"{capture}:\n  " + string.Join("\n  ", differences.Take(10)));
            }
        }

        output.WriteLine($"{same} of pkt2flow's {theirs} flow files have our name and packet count");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(same > 850, $"only {same} flows agree");
    }

    [SkippableFact]
    public void EveryPacketKeptByTheFlags_IsInExactlyOneFile_AndTheRestIsCountedAsSkipped()
    {
        Corpus.Require();
        var files = 0;
        foreach (var capture in Corpus.Captures().Where(c => !Corpus.IsRejectedByTshark(c)))
        {
            var input = CaptureRecords.Read(Corpus.File(capture));
            foreach (var flags in Enumerable.Range(0, 8))
            {
                bool u = (flags & 1) != 0, v = (flags & 2) != 0, x = (flags & 4) != 0;
                var folder = Path.Combine(_folder, capture + "-" + flags.ToString(CultureInfo.InvariantCulture));
                var result = Split(capture, u, v, x, folder);
                var written = new List<string>();
                foreach (var flow in result.Flows)
                {
                    var records = CaptureRecords.Read(Path.Combine(folder, flow.File));
                    Assert.Equal(flow.Packets, records.Count);
                    written.AddRange(records);
                    files++;
                }

                Assert.Empty(Directory.GetFiles(folder, "*.partial", SearchOption.AllDirectories));
                Assert.Equal(result.PacketsWritten, written.Count);
                Assert.Equal(input.Count, written.Count + result.Skipped.Values.Sum());

                // Every written record is an input record, and none is written twice.
                var remaining = input.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
                foreach (var r in written)
                {
                    Assert.True(remaining.TryGetValue(r, out var n) && n > 0, $"{capture} -{flags}: a written record is not in the input, or is written twice");
                    remaining[r] = n - 1;
                }

                if (u && v && x)
                {
                    // With every flag, only packets without IP are skipped.
                    Assert.All(result.Skipped.Keys, k => Assert.Equal("not IP", k));
                }
            }
        }

        output.WriteLine($"{files} flow files re-read and matched against their input records");
    }

    [SkippableFact]
    public void FlowNames_MatchFlowsComputedFromTsharksFields()
    {
        // Independently of the splitter: for TCP and UDP frames of one IP layer that are not fragments, the flow's
        // first packet (its sender, ports and second) from the tshark oracle's columns names the file.
        Corpus.Require();
        var checkedFlows = 0;
        foreach (var capture in Corpus.Captures().Where(c => !Corpus.IsRejectedByTshark(c)))
        {
            var table = TsharkTable.For(capture);
            var ours = Split(capture, udp: true, noSyn: true, others: true).Flows.Select(f => f.File).ToHashSet(StringComparer.Ordinal);
            var firsts = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var n = 1; n <= table.Count; n++)
            {
                var src = table.Get(n, "ip.src") + table.Get(n, "ipv6.src");
                var dst = table.Get(n, "ip.dst") + table.Get(n, "ipv6.dst");
                var tcp = table.Get(n, "tcp.srcport").Length > 0;
                var sport = tcp ? table.Get(n, "tcp.srcport") : table.Get(n, "udp.srcport");
                var dport = tcp ? table.Get(n, "tcp.dstport") : table.Get(n, "udp.dstport");
                if (src.Length == 0 || src.Contains(',', StringComparison.Ordinal) || sport.Length == 0 || sport.Contains(',', StringComparison.Ordinal) || table.Get(n, "frame.time_epoch").Length == 0 ||
                    table.Get(n, "ip.flags.mf") == "1" || table.Get(n, "ipv6.fraghdr.ident").Length > 0 || table.Get(n, "vlan.id").Length > 0)
                {
                    continue;
                }

                var key = string.CompareOrdinal(src + "/" + sport, dst + "/" + dport) < 0 ? $"{tcp}|{src}|{sport}|{dst}|{dport}" : $"{tcp}|{dst}|{dport}|{src}|{sport}";
                if (firsts.ContainsKey(key))
                {
                    continue;
                }

                if (tcp && table.Get(n, "tcp.flags").Length == 0)
                {
                    // A TCP header cut before its flags: the flow's folder is not known from the fields.
                    continue;
                }

                var syn = tcp && (Convert.ToUInt32(table.Get(n, "tcp.flags"), 16) & 0x002) != 0;
                var folder = tcp ? (syn ? "tcp_syn" : "tcp_nosyn") : "udp";
                var seconds = table.Get(n, "frame.time_epoch").Split('.')[0];
                // A first second beyond pcap's 32-bit field (a corrupt clock) makes the flow's file pcapng.
                var extension = ulong.Parse(seconds.TrimStart('-'), System.Globalization.CultureInfo.InvariantCulture) > uint.MaxValue || seconds.StartsWith('-') ? "pcapng" : "pcap";
                firsts[key] = $"{folder}/{src}_{sport}_{dst}_{dport}_{seconds}.{extension}";
            }

            foreach (var name in firsts.Values)
            {
                Assert.True(ours.Contains(name), $"{capture}: no flow file {name}");
                checkedFlows++;
            }
        }

        output.WriteLine($"{checkedFlows} flows named as computed from tshark's fields");
        Assert.True(checkedFlows > 800);
    }

    [Fact]
    public void IcmpAndGreBetweenTheSameHosts_AreDifferentFlows_AndLaterFragmentsFollowTheirDatagram()
    {
        var synthetic = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "PcapKit.Protocols.Tests", "Oracle", "synthetic.pcapng");
        var result = Split(Path.GetFullPath(synthetic), udp: true, noSyn: true, others: true, Path.Combine(_folder, "synthetic"), corpus: false);
        var others = result.Flows.Where(f => f.Category == FlowCategories.Others && f.First.FormatAddress(f.First.Source) is "192.0.2.1" or "198.51.100.2").ToList();
        Assert.Contains(others, f => f.First.Protocol == 1);
        Assert.Contains(others, f => f.First.Protocol == 47);

        // Frames 33 and 34: the first and the last fragment of one IPv6 UDP datagram (1 → 2); the last has no ports
        // but goes to the file of the first.
        var records = CaptureRecords.Read(Path.GetFullPath(synthetic));
        string FileOf(string record) => Assert.Single(result.Flows, f => CaptureRecords.Read(Path.Combine(_folder, "synthetic", f.File)).Contains(record)).File;
        var first = FileOf(records[32]);
        Assert.StartsWith("udp/2001:db8::1_1_2001:db8::2_2_", first, StringComparison.Ordinal);
        Assert.Equal(first, FileOf(records[33]));
    }

    [Fact]
    public void ProtocolsAfterAnIpv6ExtensionHeader_AreKeyedByTheirOwnNumber()
    {
        // PIM (103) and OSPF (89), which the pack does not dissect, and ICMPv6 (58), each after a Hop-by-Hop header,
        // between the same hosts: three flows, each keyed by the protocol the extension header names (not by the
        // header's own number, 0, which would make the first two one flow).
        var capture = Path.Combine(_folder, "after-hop-by-hop.pcap");
        var icmp = new byte[8];
        icmp[0] = 128; // echo request
        WriteFrames(capture, Ipv6WithHopByHop(103, 1, 2, new byte[8]), Ipv6WithHopByHop(89, 1, 2, new byte[8]), Ipv6WithHopByHop(58, 1, 2, icmp), Ipv6WithHopByHop(103, 2, 1, new byte[8]));
        var result = Split(capture, udp: false, noSyn: false, others: true, Path.Combine(_folder, "after-hop-by-hop"), corpus: false);

        Assert.Equal([(58, 1L), (89, 1L), (103, 2L)], result.Flows.OrderBy(f => f.First.Protocol).Select(f => ((int)f.First.Protocol, f.Packets)));
        Assert.All(result.Flows, f => Assert.Equal(FlowCategories.Others, f.Category));
        Assert.Equal(4, result.PacketsWritten);
    }

    [Theory]
    [InlineData(89)] // OSPF, which the pack does not dissect: the first fragment's flow is keyed by AH's next header
    [InlineData(17)] // UDP: keyed with its ports
    public void LaterFragmentsOfADatagramWithAnAuthenticationHeader_FollowTheFirst(byte upper)
    {
        // IPv4 fragments of one datagram whose first carries AH (RFC 4302) and then the upper protocol: the first
        // fragment's tuple has the upper protocol, the later ones only IPv4's (51); they are tied by IPv4's fields.
        var ah = new byte[12 + 8 + 4]; // 24 bytes: the second fragment follows at offset 3 (24 octets)
        (ah[0], ah[1]) = (upper, 1); // next header; length 1: 12 bytes, no ICV
        if (upper == 17)
        {
            (ah[12], ah[13], ah[14], ah[15], ah[17]) = (0x13, 0x88, 0x00, 0x35, 16); // UDP 5000 -> 53, length 16
        }

        var capture = Path.Combine(_folder, $"ah-fragments-{upper}.pcap");
        WriteFrames(capture, Fragment(Ipv4(51, 1, 2, ah), id: 7, offsetUnits: 0, more: true), Fragment(Ipv4(51, 1, 2, new byte[8]), id: 7, offsetUnits: 3, more: false));
        var result = Split(capture, udp: true, noSyn: false, others: true, Path.Combine(_folder, $"ah-fragments-{upper}"), corpus: false);

        var flow = Assert.Single(result.Flows);
        Assert.Equal((upper, 2L), (flow.First.Protocol, flow.Packets));
        Assert.Equal(upper == 17 ? FlowCategories.Udp : FlowCategories.Others, flow.Category);
    }

    [Fact]
    public void ATunnelWhoseInnerHeaderTheCaptureCut_IsKeyedByTheTunnelProtocol()
    {
        // 6in4 (IPv4 protocol 41) with 34 of the inner IPv6 header's 40 bytes: the inner header names TCP (6), but the
        // flow is the tunnel's, as when its inner header is whole.
        var inner = new byte[40];
        (inner[0], inner[6]) = (0x60, 6);
        var capture = Path.Combine(_folder, "cut-tunnel.pcap");
        WriteFrames(capture, Ipv4(41, 1, 2, inner[..34]), Ipv4(41, 1, 2, inner));
        var result = Split(capture, udp: false, noSyn: false, others: true, Path.Combine(_folder, "cut-tunnel"), corpus: false);

        var flow = Assert.Single(result.Flows);
        Assert.Equal((41, 2L, 0, 0), ((int)flow.First.Protocol, flow.Packets, (int)flow.First.SourcePort, (int)flow.First.DestinationPort));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FlowsOfOneNameInOneSecond_AreNumberedBeforeTheExtension(bool pcapng)
    {
        // ICMP, GRE and protocol 99 between the same hosts in one second: pkt2flow's name is the same for the three
        // (ports 0), so the second and the third get "-2" and "-3".
        var capture = Path.Combine(_folder, $"same-name-{pcapng}.pcap");
        WriteFramesAt(capture, [0, 0.1, 0.2, 0.3], [Ipv4(1, 1, 2, new byte[8], network: 192), Ipv4(47, 1, 2, new byte[4], network: 192), Ipv4(99, 1, 2, new byte[4], network: 192), Ipv4(47, 2, 1, new byte[4], network: 192)]);
        var folder = Path.Combine(_folder, $"same-name-{pcapng}");
        var result = Split(capture, udp: false, noSyn: false, others: true, folder, corpus: false, pcapNg: pcapng);

        var extension = pcapng ? ".pcapng" : ".pcap";
        Assert.Equal(
            [$"others/192.0.0.1_0_192.0.0.2_0_1700000000{extension}", $"others/192.0.0.1_0_192.0.0.2_0_1700000000-2{extension}", $"others/192.0.0.1_0_192.0.0.2_0_1700000000-3{extension}"],
            result.Flows.OrderBy(f => f.First.Protocol).Select(f => f.File));
        Assert.Equal([1L, 2L, 1L], result.Flows.OrderBy(f => f.First.Protocol).Select(f => f.Packets));
        Assert.All(result.Flows, f => Assert.True(File.Exists(Path.Combine(folder, f.File)), f.File));
    }

    [SkippableFact]
    public void ACancelledRun_LeavesOnlyPartialFiles_AndNoIndex()
    {
        Corpus.Require();
        var folder = Path.Combine(_folder, "cancelled");
        using var cancel = new CancellationTokenSource();
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true, TcpWithoutSyn = true, Others = true });
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = Corpus.File("ppp__many-protocols.pcap"),
            Registry = Packs.Registry,
            NoFile = true,
            Consumers = [splitter],
            Callback = (in ExtractedFrame f) =>
            {
                if (f.Number == 2000)
                {
                    cancel.Cancel();
                }
            },
        }))
        {
            Assert.Throws<OperationCanceledException>(() => extractor.Run(cancel.Token));
            splitter.Abort();
        }

        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.EndsWith(".partial", f, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(folder, "flows.csv")));
    }

    [Fact]
    public void TwoHundredThousandConcurrentFlows_CompleteWithSixtyFourOpenFiles()
    {
        // Every flow's first packet, then every flow's second: all 200,000 flows are open at once.
        const int Flows = 200_000;
        var capture = Path.Combine(_folder, "many.pcap");
        using (var writer = PcapWriter.Create(capture, LinkTypes.Ethernet))
        {
            var frame = new byte[42];
            frame[12] = 0x08;
            frame[14] = 0x45;
            frame[17] = 28;
            frame[22] = 64;
            frame[23] = 17;
            frame[26] = 10;
            frame[30] = 10;
            frame[38] = 0;
            frame[39] = 8;
            for (var round = 0; round < 2; round++)
            {
                for (var i = 0; i < Flows; i++)
                {
                    frame[27] = (byte)(i >> 16);
                    frame[28] = (byte)(i >> 8);
                    frame[29] = (byte)i;
                    frame[34] = (byte)(1000 >> 8);
                    frame[35] = 1000 & 0xFF;
                    frame[36] = 0;
                    frame[37] = 53;
                    writer.Write(new CaptureTimestamp((ulong)(1_700_000_000_000_000 + (round * Flows) + i), TimestampResolution.Microseconds), frame, (uint)frame.Length);
                }
            }
        }

        var folder = Path.Combine(_folder, "many");
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true, MaxOpenFiles = 64 });
        using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter] }))
        {
            extractor.Run();
        }

        var result = splitter.Finish();
        Assert.Equal(Flows, result.Flows.Count);
        Assert.All(result.Flows, f => Assert.Equal(2, f.Packets));
        Assert.Equal(2L * Flows, result.PacketsWritten);
        Assert.Equal(Flows, Directory.GetFiles(Path.Combine(folder, "udp")).Length);
    }

    [SkippableTheory]
    [InlineData(1, 2)]
    [InlineData(3, 3)]
    public void TightBuffersABudgetAndFewOpenFiles_WriteTheSameFilesAsTheDefaults(int writers, int openFiles)
    {
        // 1 KiB flow buffers, 4 KiB over all flows and two or three open files (one per writer thread): flows go to
        // disk early and often, large records bypass the flow buffers, files are closed and reopened to append, each
        // file's operations stay in order on its writer; the files must not differ by a byte from the defaults' (two
        // writers, 256 open files).
        Corpus.Require();
        var checkedFiles = 0;
        foreach (var capture in Corpus.Captures().Where(c => !Corpus.IsRejectedByTshark(c)).Take(40))
        {
            var loose = Path.Combine(_folder, capture + "-default");
            var tight = Path.Combine(_folder, capture + "-tight");
            Split(capture, udp: true, noSyn: true, others: true, folder: loose);
            using (var splitter = new FlowSplitter(new FlowSplitterOptions
            {
                OutputDirectory = tight, Udp = true, TcpWithoutSyn = true, Others = true, FlowBufferSize = 1024, MaxBufferedBytes = 4096, MaxOpenFiles = openFiles, WriterThreads = writers,
            }))
            {
                using var extractor = new Extractor(new ExtractionOptions { InputPath = Corpus.File(capture), Registry = Packs.Registry, NoFile = true, Consumers = [splitter] });
                try
                {
                    extractor.Run();
                }
                catch (InvalidDataException)
                {
                    // Damaged at the end: the records before it count, as in the default run.
                }

                splitter.Finish();
            }

            var expected = Directory.GetFiles(loose, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(loose, f)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, Directory.GetFiles(tight, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tight, f)).Order(StringComparer.Ordinal));
            foreach (var file in expected.Where(f => !f.EndsWith(".csv", StringComparison.Ordinal)))
            {
                Assert.True(File.ReadAllBytes(Path.Combine(loose, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(tight, file))), capture + ": " + file);
                checkedFiles++;
            }
        }

        output.WriteLine($"{checkedFiles} flow files identical");
        Assert.True(checkedFiles > 100, $"only {checkedFiles} flow files compared");
    }

    [Fact]
    public void NoOpenFile_OrNoWriterThread_IsRefused()
    {
        var folder = Path.Combine(_folder, "refused");
        Assert.Contains("one file", Assert.Throws<ArgumentException>(() => new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, MaxOpenFiles = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("one thread", Assert.Throws<ArgumentException>(() => new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, WriterThreads = 0 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatCannotBeWritten_FailsTheSplitWithAnIOException()
    {
        // A file where the udp/ folder must go: the writer thread's failure reaches the caller, not a log.
        var (capture, folder) = UdpFlowWithItsFolderBlocked("blocked");
        // An earlier split's index and counts in the folder: they must not outlive this split's failure, looking complete.
        File.WriteAllText(Path.Combine(folder, "flows.csv"), "an earlier split's index");
        File.WriteAllText(Path.Combine(folder, "skipped.csv"), "an earlier split's counts");
        var error = Assert.ThrowsAny<IOException>(() =>
        {
            using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true });
            using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter] }))
            {
                extractor.Run();
            }

            splitter.Finish();
        });
        Assert.Contains("udp", error.Message, StringComparison.Ordinal);
        // The index is written while the writers complete the files, under a temporary name until they have: the
        // failure leaves none that looks complete.
        Assert.False(File.Exists(Path.Combine(folder, "flows.csv")), "a failed split leaves no index");
        Assert.False(File.Exists(Path.Combine(folder, "skipped.csv")), "a failed split leaves no skipped counts");
        Assert.True(File.Exists(Path.Combine(folder, "flows.csv.partial")), "the index written meanwhile keeps its temporary name");
    }

    [SkippableFact]
    public void AFullDisk_FailsTheSplit_NamingTheFileAndTheError_AndWritesNoIndex()
    {
        // The flow's temporary file is a link to /dev/full, where every write fails with ENOSPC as on a full disk: the
        // writer's failure reaches the caller with the file's name and the system's reason, and no index is left.
        Skip.IfNot(File.Exists("/dev/full"), "needs /dev/full");
        var capture = Path.Combine(_folder, "full.pcap");
        WriteFrames(capture, Udp(1000, 53), Udp(53, 1000));
        var name = Split(capture, udp: true, noSyn: false, others: false, folder: Path.Combine(_folder, "full-names"), corpus: false).Flows.Single().File;
        var folder = Path.Combine(_folder, "full");
        Directory.CreateDirectory(Path.Combine(folder, "udp"));
        File.CreateSymbolicLink(Path.Combine(folder, name + FlowFile.PartialSuffix), "/dev/full");
        var error = Assert.ThrowsAny<IOException>(() => Split(capture, udp: true, noSyn: false, others: false, folder: folder, corpus: false));
        Assert.Contains(Path.GetFileName(name) + FlowFile.PartialSuffix, error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot write", error.Message, StringComparison.Ordinal);
        // ENOSPC, the system's reason (its text depends on the locale), on the writer's exception the caller's wraps.
        Exception reason = error;
        while (reason.HResult != 28 && reason.InnerException is { } inner)
        {
            reason = inner;
        }

        Assert.Equal(28, reason.HResult);
        Assert.False(File.Exists(Path.Combine(folder, "flows.csv")), "a failed split leaves no index");
        Assert.False(File.Exists(Path.Combine(folder, name)), "nor a flow file under its final name");
    }

    [Fact]
    public void AfterADamagedCapture_TheResultHoldsTheFlowsBeforeTheDamage()
    {
        // The extraction finishes the split before it throws for the damage: Result holds that finished split (null
        // before), as flows.csv lists it.
        var capture = Path.Combine(_folder, "damaged.pcap");
        WriteFrames(capture, Udp(1000, 53), Udp(53, 1000), Udp(2000, 53));
        File.WriteAllBytes(capture, File.ReadAllBytes(capture)[..^5]);
        var folder = Path.Combine(_folder, "damaged");
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true });
        Assert.Null(splitter.Result);
        using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter] }))
        {
            Assert.ThrowsAny<InvalidDataException>(() => extractor.Run());
        }

        var result = Assert.IsType<FlowSplitResult>(splitter.Result);
        Assert.Equal(2, result.PacketsWritten);
        var flow = Assert.Single(result.Flows);
        Assert.Equal(2, flow.Packets);
        Assert.Equal(["file", flow.File], File.ReadAllLines(Path.Combine(folder, "flows.csv")).Select(line => line.Split(',')[0]));
        Assert.Same(result, splitter.Finish());
    }

    [Fact]
    public void ASplitWhoseInputCannotBeRead_LeavesAnEarlierSplitsIndex()
    {
        // The earlier index goes when the split takes its first frame, not when the splitter is made: a capture that
        // cannot be opened leaves the folder as it was.
        var folder = Path.Combine(_folder, "earlier");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "flows.csv"), "an earlier split's index");
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder });
        Assert.ThrowsAny<IOException>(() => new Extractor(new ExtractionOptions { InputPath = Path.Combine(_folder, "missing.pcap"), Registry = Packs.Registry, NoFile = true, Consumers = [splitter] }));
        Assert.Equal("an earlier split's index", File.ReadAllText(Path.Combine(folder, "flows.csv")));
    }

    [Fact]
    public void AnIndexThatCannotBeWritten_FailsTheSplit_AfterTheFilesAreComplete_AndFailsAgainWhenAskedAgain()
    {
        // The index's folder does not exist: writing it fails; the writers still finish the flows' files (their final
        // names), and a second Finish throws again instead of returning the flows as if all were written.
        var capture = Path.Combine(_folder, "index.pcap");
        WriteFrames(capture, Udp(1000, 53), Udp(53, 1000), Udp(2000, 53));
        var folder = Path.Combine(_folder, "no-index");
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true, IndexFileName = Path.Combine("missing", "flows.csv") });
        using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true }))
        {
            foreach (var frame in extractor)
            {
                splitter.Consume(frame);
            }
        }

        Assert.ThrowsAny<IOException>(() => splitter.Finish());
        Assert.Null(splitter.Result);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, "udp")).Length);
        Assert.DoesNotContain(Directory.GetFiles(folder, "*" + FlowFile.PartialSuffix, SearchOption.AllDirectories), f => !f.EndsWith("skipped.csv.partial", StringComparison.Ordinal));
        Assert.ThrowsAny<IOException>(() => splitter.Finish());
    }

    [Fact]
    public void WhenTheFilesAndTheIndexBothFail_TheFilesFailureIsThrown_WithTheIndexs()
    {
        // A file where the udp/ folder must go (the writers fail) and an index in a folder that does not exist: the
        // files' failure is the one thrown, and the index's is told with it rather than lost.
        var (capture, folder) = UdpFlowWithItsFolderBlocked("both");
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true, IndexFileName = Path.Combine("missing", "flows.csv") });
        using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true }))
        {
            foreach (var frame in extractor)
            {
                splitter.Consume(frame);
            }
        }

        var error = Assert.ThrowsAny<IOException>(() => splitter.Finish());
        var both = Assert.IsType<AggregateException>(error.InnerException);
        Assert.Equal(2, both.InnerExceptions.Count);
        var files = Assert.IsAssignableFrom<IOException>(both.InnerExceptions[0]);
        Assert.Contains(Path.Combine(folder, "udp"), files.Message, StringComparison.Ordinal);
        Assert.IsType<DirectoryNotFoundException>(both.InnerExceptions[1]);
        // The files' failure first, the index's told after it.
        Assert.StartsWith(files.Message + " (and the index was not written: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine("missing", "flows.csv"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnwantedProtocols_AreSkippedByProtocol_FragmentsToo_WithTheirReasons()
    {
        // Without -u and -x: a UDP datagram in two fragments, a whole UDP datagram of the same pair and a GRE packet
        // are skipped, each counted under its protocol's reason; the TCP flow is written.
        var first = Ipv4(17, 1, 2, Udp(1000, 53)[20..], network: 192);
        first[4] = 0x12; // identification 0x1234, more fragments
        first[5] = 0x34;
        first[6] = 0x20;
        var later = Ipv4(17, 1, 2, new byte[8], network: 192);
        later[4] = 0x12;
        later[5] = 0x34;
        later[7] = 1; // offset 8
        var capture = Path.Combine(_folder, "unwanted.pcap");
        var syn = new byte[20];
        syn[0] = 0x03; // 1000 → 80, data offset 5, SYN
        syn[1] = 0xe8;
        syn[3] = 80;
        syn[12] = 0x50;
        syn[13] = 0x02;
        WriteFrames(capture, first, Udp(1000, 53), later, Ipv4(47, 1, 2, new byte[4], network: 192), Ipv4(6, 1, 2, syn, network: 192));
        var folder = Path.Combine(_folder, "unwanted");
        var result = Split(capture, udp: false, noSyn: false, others: false, folder, corpus: false);
        var flow = Assert.Single(result.Flows);
        Assert.StartsWith("tcp_syn/", flow.File, StringComparison.Ordinal);
        Assert.Equal(3L, result.Skipped["udp (-u writes them)"]);
        Assert.Equal(1L, result.Skipped["others (-x writes them)"]);
        Assert.Equal(2, result.Skipped.Count);
    }

    [Fact]
    public void IpInIp_IsAFlowOfTheOuterDatagram_KeyedByTheTunnelProtocol()
    {
        // Ethernet / IPv4 10.0.0.1 → 10.0.0.2 protocol 4 / IPv4 192.168.0.1 → 192.168.0.2 UDP 1000 → 53: the inner
        // ports must not be read as the outer flow's.
        var capture = Path.Combine(_folder, "4in4.pcap");
        WriteFrames(capture, Tunnelled(Udp(1000, 53)), Tunnelled(Udp(53, 1000)));
        var result = Split(capture, udp: true, noSyn: true, others: true, folder: Path.Combine(_folder, "4in4"), corpus: false);
        var flow = Assert.Single(result.Flows);
        Assert.Equal("others/10.0.0.1_0_10.0.0.2_0_1700000000.pcap", flow.File);
        Assert.Equal(4, flow.First.Protocol);
        Assert.Equal(2, flow.Packets);
    }

    [Fact]
    public void ALaterFragmentOfAFlowThatTimedOut_IsKept_NotWrittenToTheClosedFile()
    {
        // Frame 1 is the first fragment of datagram 5; by frame 3 the flow's hard timeout (1 s) has ended it; frame 4
        // is the datagram's later fragment. It used to be written to the renamed file, failing the run.
        var first = Udp(1000, 53);
        first[5] = 5;
        first[6] = 0x20; // more fragments
        var later = Ipv4(17, 1, 2, new byte[8], network: 192);
        later[5] = 5;
        later[7] = 1; // offset 8 bytes
        var capture = Path.Combine(_folder, "late.pcap");
        WriteFrames(capture, first, Udp(1000, 53), Udp(1000, 53), later);
        var folder = Path.Combine(_folder, "late");
        using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true, Others = true, HardTimeout = TimeSpan.FromSeconds(1) });
        using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter] }))
        {
            extractor.Run();
        }

        var result = splitter.Finish();
        Assert.Equal(4, result.PacketsWritten);
        Assert.Empty(Directory.GetFiles(folder, "*.partial", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(2, 256)]
    [InlineData(1, 1)]
    public void AFlowThatGoesQuietAndResumes_IsWrittenWhole_InOrder(int writers, int openFiles)
    {
        // A flow quiet for over a second of capture time goes to its file before the capture ends (FlowFiles.FlushQuiet);
        // when it resumes, its next records are appended to that file — reopened when the open-file bound closed it.
        // Flow A: t = 0, 0.5, 10, 12.5 s; flow B: t = 5, 10.5, 20 s.
        var a = Udp(1000, 53);
        var b = Udp(2000, 53);
        var times = new[] { 0.0, 0.5, 5, 10, 10.5, 12.5, 20 };
        var packets = new[] { a, a, b, a, b, a, b };
        for (var i = 0; i < packets.Length; i++)
        {
            packets[i] = (byte[])packets[i].Clone();
            packets[i][^1] = (byte)i; // each record told apart by its last byte
        }

        var capture = Path.Combine(_folder, $"quiet-{writers}-{openFiles}.pcap");
        WriteFramesAt(capture, times, packets);
        var folder = Path.Combine(_folder, $"quiet-{writers}-{openFiles}");
        var result = Split(capture, udp: true, noSyn: false, others: false, folder, corpus: false, openFiles, writers);
        Assert.Equal(2, result.Flows.Count);
        var lastBytes = result.Flows.OrderBy(f => f.First.SourcePort).Select(f =>
        {
            using var reader = CaptureReader.Open(Path.Combine(folder, f.File));
            var bytes = new List<string>();
            foreach (var record in reader)
            {
                bytes.Add($"{record.Data[^1]}@{record.Timestamp.ToEpochString()}");
            }

            return string.Join(' ', bytes);
        }).ToList();
        Assert.Equal("0@1700000000.000000000 1@1700000000.500000000 3@1700000010.000000000 5@1700000012.500000000", lastBytes[0]);
        Assert.Equal("2@1700000005.000000000 4@1700000010.500000000 6@1700000020.000000000", lastBytes[1]);
        Assert.Empty(Directory.GetFiles(folder, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public void FragmentsOfASkippedFlow_AreSkippedWithIt_NotHeld()
    {
        // UDP without -u: the datagram's first fragment is skipped, so its later fragment (before and after it) is too.
        var first = Udp(1000, 53);
        first[5] = 6;
        first[6] = 0x20;
        var later = Ipv4(17, 1, 2, new byte[8], network: 192);
        later[5] = 6;
        later[7] = 1;
        var capture = Path.Combine(_folder, "skipped.pcap");
        WriteFrames(capture, later, first, later);
        var result = Split(capture, udp: false, noSyn: true, others: true, folder: Path.Combine(_folder, "skipped"), corpus: false);
        Assert.Equal(0, result.PacketsWritten);
        Assert.Equal(3, result.Skipped["udp (-u writes them)"]);
    }

    [Theory]
    [InlineData("pcap", false)]
    [InlineData("pcap-nanoseconds-big-endian", false)]
    [InlineData("pcapng", false)]
    [InlineData("pcap", true)]
    public void BulkFlowsWrittenFromTheMappedInput_AreTheFilesACopyingSplitWrites(string format, bool pcapngOutput)
    {
        // Bulk TCP transfers (past their first flow buffer, a flow's records are written from the mapped input, not
        // copied): the input's record headers reused as they are (little-endian µs pcap to pcap) or not (other byte
        // order and units, pcapng input, pcapng output). Against the same split read through a stream (every record
        // copied): on one thread and in two shards; and a run failed midway, its extractor disposed before the split is
        // aborted (the split's lease keeps the mapping its flows hold pieces of until they are written).
        var capture = Path.Combine(_folder, "bulk." + format);
        WriteBulkTransfers(capture, format);
        var copied = SplitBulk(capture, "copied", pcapngOutput, mapped: false);
        Assert.Equal(4, copied.Count);
        Assert.All(copied.Values, bytes => Assert.True(bytes.Length > 1 << 20));
        foreach (var (name, mapped) in new[]
        {
            ("mapped", SplitBulk(capture, "mapped", pcapngOutput, mapped: true)),
            ("sharded", SplitBulk(capture, "sharded", pcapngOutput, mapped: true, shards: 2)),
        })
        {
            Assert.Equal(copied.Keys.Order(StringComparer.Ordinal), mapped.Keys.Order(StringComparer.Ordinal));
            foreach (var (file, bytes) in copied)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(mapped[file]), $"{name}: {file}");
            }
        }

        var failedCopied = SplitBulk(capture, "failed-copied", pcapngOutput, mapped: false, failAt: 10_000);
        var failedMapped = SplitBulk(capture, "failed-mapped", pcapngOutput, mapped: true, failAt: 10_000);
        Assert.Equal(4, failedCopied.Count);
        Assert.All(failedCopied.Keys, file => Assert.EndsWith(".partial", file, StringComparison.Ordinal));
        Assert.Equal(failedCopied.Keys.Order(StringComparer.Ordinal), failedMapped.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in failedCopied)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(failedMapped[file]), $"failed: {file}");
        }
    }

    [SkippableFact]
    public void AnExtractionWithTheSplitter_MapsAheadWithoutReadingIntoTheCache_UnlessTheCallerSetsTheReader()
    {
        // The splitter's writers copy the records from the mapping on the cores a read into the cache would take: with
        // no reader options of the caller's, the extractor's reader only maps ahead (CaptureReaderOptions.ReadAheadIntoCache).
        Skip.IfNot(OperatingSystem.IsLinux(), "the read-ahead thread is Linux's (madvise)");
        var capture = Path.Combine(_folder, "ahead.pcap");
        var udp = new byte[1408];
        udp[0] = 0x03; // 1000 → 53
        udp[1] = 0xe8;
        udp[3] = 53;
        udp[4] = 1408 >> 8;
        udp[5] = 1408 & 0xff;
        var frame = Ethernet(Ipv4(17, 1, 2, udp, network: 192));
        using (var writer = PcapWriter.Create(capture, LinkTypes.Ethernet))
        {
            // ~21 MiB: large enough for a read-ahead thread.
            for (var i = 0; i < 15_000; i++)
            {
                writer.Write(new CaptureTimestamp(1_700_000_000_000_000UL + (ulong)i, TimestampResolution.Microseconds), frame, (uint)frame.Length);
            }
        }

        var folder = Path.Combine(_folder, "ahead");
        using (var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true }))
        {
            using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter] }))
            {
                Assert.True(extractor.Reader.ReadsAhead);
                Assert.False(extractor.Reader.Mapped!.ReadsAheadIntoCache);
                extractor.Run();
            }

            Assert.Equal(15_000, splitter.Finish().PacketsWritten);
        }

        using (var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder + "-set", Udp = true }))
        using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter], ReaderOptions = new CaptureReaderOptions() }))
        {
            Assert.True(extractor.Reader.Mapped!.ReadsAheadIntoCache);
        }

        using (var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true }))
        {
            Assert.True(extractor.Reader.Mapped!.ReadsAheadIntoCache);
        }
    }

    // Four TCP connections of 10.0.0.1 to 10.0.0.2:80: two sending in turn, then one alone, then one answering each
    // segment with a bare ACK; segments of 1–1,460 bytes.
    private static void WriteBulkTransfers(string path, string format)
    {
        var random = new Random(17);
        var frames = new List<byte[]>();
        for (var i = 0; i < 9_000; i++)
        {
            var connection = i < 3_000 ? i % 2 : i < 6_000 ? 2 : 3;
            var payload = new byte[random.Next(1, 1461)];
            random.NextBytes(payload);
            frames.Add(Ethernet(ShardedReassemblyTests.Segment(random, 0x0A000001, (ushort)(40_000 + connection), 0x0A000002, 80, 0, 0, 0x10, payload)));
            if (connection == 3)
            {
                frames.Add(Ethernet(ShardedReassemblyTests.Segment(random, 0x0A000002, 80, 0x0A000001, 40_003, 0, 0, 0x10, [])));
            }
        }

        using var stream = File.Create(path);
        if (format == "pcapng")
        {
            using var writer = new PcapNgWriter(stream);
            var id = writer.AddInterface(LinkTypes.Ethernet);
            for (var i = 0; i < frames.Count; i++)
            {
                writer.WritePacket(id, Time(i, TimestampResolution.Microseconds), frames[i], (uint)frames[i].Length);
            }

            return;
        }

        var nanoseconds = format.Contains("nanoseconds", StringComparison.Ordinal);
        using var pcap = new PcapWriter(stream, LinkTypes.Ethernet, nanoseconds: nanoseconds, byteOrder: format.Contains("big-endian", StringComparison.Ordinal) ? ByteOrder.BigEndian : ByteOrder.LittleEndian);
        for (var i = 0; i < frames.Count; i++)
        {
            pcap.Write(Time(i, nanoseconds ? TimestampResolution.Nanoseconds : TimestampResolution.Microseconds), frames[i], (uint)frames[i].Length);
        }

        static CaptureTimestamp Time(int i, TimestampResolution resolution) =>
            new((ulong)(1_700_000_000 * resolution.UnitsPerSecond) + ((ulong)i * 1_000), resolution);
    }

    // The flow files of a -v split of the capture, by path under the output folder. With failAt, a callback fails the
    // extraction at that frame, the extractor is disposed (it does not complete the split after a failure: its reader and
    // mapping go while the flows still hold pieces of it), and then the split is aborted (its files written, not renamed).
    private Dictionary<string, byte[]> SplitBulk(string capture, string name, bool pcapngOutput, bool mapped, int shards = 0, long failAt = 0)
    {
        var folder = Path.Combine(_folder, name);
        long fromInput;
        using (var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, TcpWithoutSyn = true, PcapNg = pcapngOutput }))
        {
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = capture,
                ReaderOptions = new CaptureReaderOptions { UseMemoryMap = mapped },
                Registry = Packs.Registry,
                NoFile = true,
                Consumers = [splitter],
                Threads = shards > 0 ? 2 : 1,
                StateShards = shards,
                Callback = (in ExtractedFrame frame) =>
                {
                    if (frame.Number == failAt)
                    {
                        throw new InvalidOperationException("failed on purpose");
                    }
                },
            }))
            {
                if (failAt > 0)
                {
                    Assert.Throws<InvalidOperationException>(() => extractor.Run());
                }
                else
                {
                    extractor.Run();
                }
            }

            if (failAt > 0)
            {
                splitter.Abort();
            }

            fromInput = splitter.MappedBytes;
        }

        // Written from the mapping: most of the bulk flows' bytes when mapped (on Linux), none when streamed.
        if (mapped && Flows.FlowFileSystem.Native)
        {
            Assert.True(fromInput > 1 << 20, $"{name}: {fromInput} bytes written from the mapped input");
        }
        else
        {
            Assert.Equal(0, fromInput);
        }

        return Directory.GetFiles(folder, "*.pcap*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);
    }

    /// <summary>An Ethernet II frame around an IPv4 or IPv6 packet.</summary>
    private static byte[] Ethernet(byte[] packet)
    {
        var frame = new byte[14 + packet.Length];
        (frame[12], frame[13]) = packet[0] >> 4 == 6 ? ((byte)0x86, (byte)0xDD) : ((byte)0x08, (byte)0x00);
        packet.CopyTo(frame, 14);
        return frame;
    }

    /// <summary>
    /// An IPv6 packet 2001:db8::<paramref name="source"/> → 2001:db8::<paramref name="destination"/> with a Hop-by-Hop
    /// Options header (one PadN option) before <paramref name="payload"/> of protocol <paramref name="protocol"/>.
    /// </summary>
    private static byte[] Ipv6WithHopByHop(byte protocol, byte source, byte destination, byte[] payload)
    {
        var packet = new byte[40 + 8 + payload.Length];
        packet[0] = 0x60;
        packet[4] = (byte)((8 + payload.Length) >> 8);
        packet[5] = (byte)(8 + payload.Length);
        packet[6] = 0; // Hop-by-Hop Options
        packet[7] = 64;
        (packet[8], packet[9], packet[10], packet[11], packet[23]) = (0x20, 0x01, 0x0d, 0xb8, source);
        (packet[24], packet[25], packet[26], packet[27], packet[39]) = (0x20, 0x01, 0x0d, 0xb8, destination);
        packet[40] = protocol;
        (packet[42], packet[43]) = (1, 4); // PadN, four bytes
        payload.CopyTo(packet, 48);
        return packet;
    }

    /// <summary>An IPv4 header (no options, checksum left 0) around <paramref name="payload"/>.</summary>
    private static byte[] Ipv4(byte protocol, byte source, byte destination, byte[] payload, byte network = 10)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        packet[2] = (byte)(packet.Length >> 8);
        packet[3] = (byte)packet.Length;
        packet[8] = 64;
        packet[9] = protocol;
        packet[12] = network;
        packet[15] = source;
        packet[16] = network;
        packet[19] = destination;
        payload.CopyTo(packet, 20);
        return packet;
    }

    /// <summary>An IPv4 packet made a fragment: its identification, offset (in 8-octet units) and More Fragments bit.</summary>
    private static byte[] Fragment(byte[] ipv4, ushort id, int offsetUnits, bool more)
    {
        (ipv4[4], ipv4[5]) = ((byte)(id >> 8), (byte)id);
        var field = offsetUnits | (more ? 0x2000 : 0);
        (ipv4[6], ipv4[7]) = ((byte)(field >> 8), (byte)field);
        return ipv4;
    }

    /// <summary>An Ethernet frame of IPv4 192.168.0.1 → 192.168.0.2 carrying UDP between the ports (or the reverse).</summary>
    private static byte[] Udp(ushort sourcePort, ushort destinationPort)
    {
        var udp = new byte[12];
        udp[0] = (byte)(sourcePort >> 8);
        udp[1] = (byte)sourcePort;
        udp[2] = (byte)(destinationPort >> 8);
        udp[3] = (byte)destinationPort;
        udp[5] = 12;
        var forward = sourcePort > destinationPort;
        return Ipv4(17, forward ? (byte)1 : (byte)2, forward ? (byte)2 : (byte)1, udp, network: 192);
    }

    private static byte[] Tunnelled(byte[] inner) => Ipv4(4, inner[15] == 1 ? (byte)1 : (byte)2, inner[15] == 1 ? (byte)2 : (byte)1, inner);

    /// <summary>A capture of one UDP flow, and an output folder where a file stands in the way of its udp/ folder.</summary>
    private (string Capture, string Folder) UdpFlowWithItsFolderBlocked(string name)
    {
        var capture = Path.Combine(_folder, name + ".pcap");
        WriteFrames(capture, Udp(1000, 53), Udp(53, 1000));
        var folder = Path.Combine(_folder, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "udp"), "not a folder");
        return (capture, folder);
    }

    /// <summary>A pcap of Ethernet frames around the IP packets, one second apart from 1,700,000,000.</summary>
    private static void WriteFrames(string path, params byte[][] packets)
    {
        var seconds = new double[packets.Length];
        for (var i = 0; i < seconds.Length; i++)
        {
            seconds[i] = i;
        }

        WriteFramesAt(path, seconds, packets);
    }

    /// <summary>A pcap of Ethernet frames around the IP packets, at these seconds (to the microsecond) after 1,700,000,000.</summary>
    private static void WriteFramesAt(string path, double[] seconds, byte[][] packets)
    {
        using var writer = PcapWriter.Create(path, LinkTypes.Ethernet);
        for (var i = 0; i < packets.Length; i++)
        {
            var frame = Ethernet(packets[i]);
            writer.Write(new CaptureTimestamp((ulong)Math.Round((1_700_000_000 + seconds[i]) * 1_000_000), TimestampResolution.Microseconds), frame, (uint)frame.Length);
        }
    }

    private FlowSplitResult Split(string capture, bool udp, bool noSyn, bool others, string? folder = null, bool corpus = true, int maxOpenFiles = 256, int writers = 2, bool pcapNg = false)
    {
        folder ??= Path.Combine(_folder, Path.GetFileName(capture) + "-uvx");
        using var splitter = new FlowSplitter(new FlowSplitterOptions
        {
            OutputDirectory = folder, Udp = udp, TcpWithoutSyn = noSyn, Others = others, MaxOpenFiles = maxOpenFiles, WriterThreads = writers, PcapNg = pcapNg,
        });
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = corpus ? Corpus.File(capture) : capture,
            Registry = Packs.Registry,
            NoFile = true,
            Consumers = [splitter],
        });
        try
        {
            extractor.Run();
        }
        catch (InvalidDataException)
        {
            // A capture that ends in a damaged record: the flows hold every packet before it (Run completed them).
        }

        return splitter.Finish();
    }
}
