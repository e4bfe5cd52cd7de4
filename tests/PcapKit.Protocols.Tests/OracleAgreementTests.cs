using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using PcapKit.Dissection;
using PcapKit.Output;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// Every corpus capture, every frame, every column of its <c>*.tshark.tsv</c> that the standard pack's layers own
/// (<c>eth.*</c>, <c>vlan.*</c>, <c>ip.*</c>, <c>tcp.*</c>, …, and <c>frame.protocols</c> up to the last protocol the
/// pack knows), compared with what the library dissects. Prints an agreement table; fails on any difference that
/// is not in <see cref="KnownDifferences"/>.
/// </summary>
public sealed class OracleAgreementTests(ITestOutputHelper output)
{
    /// <summary>
    /// Where tshark's output is not the packet's content but a choice of tshark's; each entry names the frame, the
    /// column and the reason. Anything else that differs is ours to fix.
    /// </summary>
    internal static readonly KnownDifference[] KnownDifferences =
    [
        new("ppp__ipv4-options.pcap", 6, "ip.dst", "tshark shows a source-routed datagram's final hop as ip.dst: the last slot of its route option, here unused (0.0.0.0); the header says 10.0.0.138"),
        new("ppp__ipv4-options.pcap", 7, "ip.dst", "as frame 6: tshark's ip.dst is the route option's last slot, 0.0.0.0"),
        new("ppp__IcmpPackets.pcap", 13, "tcp.seq_raw", "tshark adds tcp.seq_raw only after the whole 20-byte fixed header; the ICMP error quotes 8 bytes of TCP (ports and sequence number), which we show"),
        new("tcpdump__tcp_header_heapoverflow.pcap", 1, "tcp.seq_raw", "the capture ends 12 bytes into the TCP header: tshark shows the ports only, we also show the sequence and acknowledgment numbers that were captured"),
        new("tcpdump__tcp_header_heapoverflow.pcap", 1, "tcp.ack_raw", "as tcp.seq_raw: captured, shown by us, not by tshark"),
        new("tcpdump__ip6_frag_asan.pcap", 1, "ipv6.fraghdr.offset", "the capture ends 6 bytes into the 8-byte Fragment header; tshark reads the whole header before adding any field, we show the offset and M flag that were captured"),
        new("tcpdump__ip6_frag_asan.pcap", 1, "ipv6.fraghdr.more", "as ipv6.fraghdr.offset"),
        new("ppp__many-protocols.pcap", 27, "frame.protocols", "the connection was upgraded to WebSocket (HTTP 101); tshark's conversation state keeps its later segments from HTTP, we dissect each segment on its own (an HTTP continuation)"),
        new("ppp__many-protocols.pcap", 28, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 42, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 43, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 1287, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 1288, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 33, "frame.protocols", "a one-octet segment of a connection tshark later calls keep-alives; tshark hands it to no dissector"),
        new("ppp__many-protocols.pcap", 3613, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 3614, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 4601, "frame.protocols", "as frame 27"),
        new("ppp__many-protocols.pcap", 4602, "frame.protocols", "as frame 27"),
        new("ppp__pcapng-example.pcapng", 141, "frame.protocols", "body octets of a connection whose start tshark did not see as HTTP; tshark shows them as TCP payload, we as an HTTP continuation"),
        new("ppp__raw_ip.pcap", 66, "frame.protocols", "a one-octet segment tshark hands to no dissector (a keep-alive its analysis does not flag)"),
        new("tcpdump__tcp_rst_data-trunc.pcap", 1, "frame.protocols", "tshark shows a RST's payload as the reset cause, not to a dissector"),
        new("zeek__tcp_window-scale-range.pcap", 4, "frame.protocols", "five octets to port 80 that tshark's conversation state hands to no dissector; we show an HTTP continuation"),
        new("tcpdump__ipv6-next-header-oobr-1.pcap", 1, "frame.protocols", "tshark abandons the frame at a Hop-by-Hop option whose length runs past the header; we keep the option's bytes raw and go on to the Routing header it names (cut off by the capture, so a truncated layer)"),
    ];

    [SkippableFact]
    public void EveryCorpusCapture_AgreesWithTshark_OnEveryColumnTheLayersOwn()
    {
        var prefixes = OwnedPrefixes();
        var known = KnownDifferences.ToDictionary(k => (k.Capture, k.Frame, k.Column));
        var stats = new SortedDictionary<string, ColumnStats>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var stale = new HashSet<(string, long, string)>(known.Keys);
        var captures = 0;
        var frames = 0;
        foreach (var capture in CorpusFrames.Captures())
        {
            var table = TsharkTable.For(capture);
            var records = CorpusFrames.Read(capture, out var error);
            if (records.Count != table.Count)
            {
                unexpected.Add($"{capture}: {records.Count} frames read, tshark has {table.Count} ({error ?? "no reader error"})");
                continue;
            }

            var columns = table.Columns.Where(c => c != "tcp.stream" && prefixes.Contains(c.Split('.')[0])).ToList();
            var sackBases = SackBases(table);
            var collector = new FieldValueCollector(columns);
            var stack = new LayerStack();
            var chain = new StringBuilder();
            captures++;
            foreach (var record in records)
            {
                frames++;
                Packs.Dissector.Dissect(record.Data, record.LinkType, record.OriginalLength, stack);
                var frame = new Frame(record.Data, stack, Packs.Registry);
                collector.Reset();
                collector.Collect(frame);
                chain.Clear();
                FieldExtractor.AppendTsharkChain(chain, frame);
                for (var c = 0; c <= columns.Count; c++)
                {
                    var column = c < columns.Count ? columns[c] : "frame.protocols";
                    var expected = table.Get((int)record.Number, column);
                    var actual = c < columns.Count ? collector.GetValue(c) : chain.ToString();
                    if (column == "frame.protocols")
                    {
                        expected = TsharkChain.Known(expected);
                        actual = TsharkChain.Known(actual);
                    }
                    else if (column is "tcp.options.sack_le" or "tcp.options.sack_re")
                    {
                        actual = RelativeSack(actual, table, (int)record.Number, sackBases);
                    }

                    if (expected.Length == 0 && actual.Length == 0)
                    {
                        continue;
                    }

                    if (!stats.TryGetValue(column, out var s))
                    {
                        stats[column] = s = new ColumnStats();
                    }

                    s.Compared++;
                    if (expected == actual)
                    {
                        continue;
                    }

                    if (known.ContainsKey((capture, record.Number, column)))
                    {
                        s.Known++;
                        stale.Remove((capture, record.Number, column));
                        continue;
                    }

                    if (TlsOracleRules.Reason(frame, column, actual, expected) is not null)
                    {
                        s.Known++;
                        continue;
                    }

                    if (TcpAnalysis.Value.Contains((capture, record.Number)) && (column == "frame.protocols" || ApplicationPrefixes.Contains(column.Split('.')[0])))
                    {
                        // tshark's sequence analysis (on by default) hands a retransmission's, keep-alive's, zero-window
                        // probe's or out-of-order segment's payload to no dissector; we dissect every frame on its own.
                        s.Known++;
                        continue;
                    }

                    s.Mismatches++;
                    unexpected.Add($"{capture} frame {record.Number}: {column} is '{actual}', tshark says '{expected}'");
                }
            }
        }

        output.WriteLine($"{captures} captures, {frames} frames");
        output.WriteLine($"{"column",-30} {"frames",8} {"differ",7} {"known",6}");
        foreach (var (column, s) in stats)
        {
            output.WriteLine($"{column,-30} {s.Compared,8} {s.Mismatches,7} {s.Known,6}");
        }

        foreach (var k in KnownDifferences)
        {
            output.WriteLine($"known: {k.Capture} frame {k.Frame} {k.Column}: {k.Reason}");
        }

        Assert.True(unexpected.Count == 0, $"{unexpected.Count} differences from tshark:\n" + string.Join("\n", unexpected.Take(40)));
        Assert.True(stale.Count == 0, "known differences that no longer differ (remove them): " + string.Join(", ", stale));
        Assert.True(frames > 7000, $"only {frames} frames compared");
    }

    /// <summary>The first field-name component of every protocol in the pack (<c>eth</c>, <c>ip</c>, <c>tcp</c>, …).</summary>
    /// <summary>The display prefixes of the application-layer protocols (what tshark's sequence analysis keeps from a segment).</summary>
    private static readonly HashSet<string> ApplicationPrefixes = Packs.Registry.Protocols
        .Where(p => p.Layer == LayerKind.Application).Select(p => p.DisplayPrefix.Split('.')[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Oracle/tcp-analysis.tsv: the frames tshark's TCP sequence analysis flags (make-tcp-analysis.sh).</summary>
    private static readonly Lazy<HashSet<(string, long)>> TcpAnalysis = new(() =>
        File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Oracle", "tcp-analysis.tsv"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t'))
            .Select(p => (p[0], long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToHashSet());

    private static HashSet<string> OwnedPrefixes()
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var protocol in Packs.Registry.Protocols)
        {
            prefixes.Add(protocol.DisplayPrefix.Split('.')[0]);
        }

        return prefixes;
    }

    /// <summary>
    /// tshark prints SACK edges relative to the peer's initial sequence number, which only its conversation tracking
    /// knows: the first sequence number the peer sent (minus one unless that segment was a SYN). The base is taken
    /// from the oracle's own seq_raw column and applied to our raw edges.
    /// </summary>
    private static string RelativeSack(string raw, TsharkTable table, int frameNumber, Dictionary<string, uint> bases)
    {
        if (raw.Length == 0 || !bases.TryGetValue(Direction(table, frameNumber, reverse: true), out var b))
        {
            return raw;
        }

        return string.Join(',', raw.Split(',').Select(v => unchecked(uint.Parse(v, CultureInfo.InvariantCulture) - b).ToString(CultureInfo.InvariantCulture)));
    }

    private static Dictionary<string, uint> SackBases(TsharkTable table)
    {
        var bases = new Dictionary<string, uint>(StringComparer.Ordinal);
        if (!table.Has("tcp.seq_raw") || !table.Has("tcp.flags"))
        {
            return bases;
        }

        for (var n = 1; n <= table.Count; n++)
        {
            var seq = table.Get(n, "tcp.seq_raw");
            if (seq.Length == 0 || seq.Contains(','))
            {
                continue;
            }

            var syn = (Convert.ToUInt32(table.Get(n, "tcp.flags"), 16) & 0x002) != 0;
            var value = uint.Parse(seq, CultureInfo.InvariantCulture);
            bases.TryAdd(Direction(table, n, reverse: false), syn ? value : unchecked(value - 1));
        }

        return bases;
    }

    private static string Direction(TsharkTable table, int n, bool reverse)
    {
        var source = table.Get(n, "ip.src") + table.Get(n, "ipv6.src") + "/" + table.Get(n, "tcp.srcport");
        var destination = table.Get(n, "ip.dst") + table.Get(n, "ipv6.dst") + "/" + table.Get(n, "tcp.dstport");
        return reverse ? destination + ">" + source : source + ">" + destination;
    }

    private sealed class ColumnStats
    {
        public int Compared;
        public int Mismatches;
        public int Known;
    }
}

/// <summary>A column of one frame where tshark's value is tshark's choice, not the packet's content.</summary>
/// <param name="Capture">The corpus capture.</param>
/// <param name="Frame">The frame number.</param>
/// <param name="Column">The tshark field.</param>
/// <param name="Reason">Why tshark's value differs.</param>
internal sealed record KnownDifference(string Capture, long Frame, string Column, string Reason);
