using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Output;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// Every field the standard pack exports, compared with tshark 4.0.17's value (<c>Oracle/field-oracle.tsv</c>, made
/// by <c>make-field-oracle.py</c>) for the corpus frames that carry a protocol beyond Ethernet/IPv4/TCP/UDP and for
/// the hand-built frames of <c>Oracle/synthetic.pcapng</c> (protocols the corpus lacks). A field tshark shows and we
/// do not, or the reverse, is a difference too.
/// </summary>
public sealed class FieldOracleTests(ITestOutputHelper output)
{
    private const string Synthetic = "synthetic.pcapng";

    /// <summary>Where tshark's value is its own choice (T), or where the pack does not lay the bytes out yet (P).</summary>
    internal static readonly KnownDifference[] KnownDifferences =
    [
        // tshark's choices
        new("ppp__raw_ip.pcap", 66, "frame.protocols", "T: a one-octet segment tshark hands to no dissector (a keep-alive its analysis does not flag)"),
        new("ppp__pcapng-example.pcapng", 141, "frame.protocols", "T: body octets of a connection whose start tshark did not see as HTTP; tshark shows them as TCP payload, we as an HTTP continuation"),
        new("ppp__many-protocols.pcap", 1027, "http.connection", "T: the segment continues a header section begun in the previous one; tshark's conversation state reads its header lines, we dissect each segment on its own (HttpStreamParser has them from the stream)"),
        new("ppp__many-protocols.pcap", 1050, "http.set_cookie", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1051, "http.connection", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1051, "http.content_encoding", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1051, "http.content_type", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1051, "http.date", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1051, "http.set_cookie", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1051, "http.transfer_encoding", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1058, "http.set_cookie", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1060, "http.connection", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1060, "http.content_length_header", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1060, "http.content_type", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1060, "http.date", "T: as frame 1027"),
        new("ppp__many-protocols.pcap", 1121, "http.connection", "T: as frame 1027"),
        new("tcpdump__dns_tcp.pcap", 4, "dns.opt.cookie.server", "T: tshark adds an empty server cookie to a COOKIE option that carries only the client's"),
        new("tcpdump__ipv4_invalid_total_length.pcap", 1, "dns.opt.cookie.server", "T: as tcpdump__dns_tcp.pcap frame 4"),
        new("zeek__pcapng-multi-interface.pcapng", 1, "dns.opt.cookie.server", "T: as tcpdump__dns_tcp.pcap frame 4"),
        new("zeek__dns-two-responses.pcap", 2, "dns.rrsig.signature_expiration", "T: tshark prints the RRSIG's times as dates; the pack gives the seconds since the epoch on the wire (RFC 4034 §3.1.5)"),
        new("zeek__dns-two-responses.pcap", 2, "dns.rrsig.signature_inception", "T: as signature_expiration"),
        new("zeek__dns-two-responses.pcap", 3, "dns.rrsig.signature_expiration", "T: as frame 2"),
        new("zeek__dns-two-responses.pcap", 3, "dns.rrsig.signature_inception", "T: as frame 2"),
        new("ppp__raw_ip.pcap", 67, "dhcp.secs", "T: tshark guesses that a Windows client wrote secs little-endian (dhcp.secs_le); the pack reads it big-endian as RFC 2131 §2 says"),
        new("ppp__raw_ip.pcap", 68, "dhcp.secs", "T: as frame 67"),
        new("ppp__ipv4-options.pcap", 6, "ip.dst", "T: tshark shows a source route's last slot as ip.dst (here unused, 0.0.0.0)"),
        new("ppp__ipv4-options.pcap", 7, "ip.dst", "T: as frame 6"),
        new("ppp__ipv4-options.pcap", 6, "ip.src_rt", "T: tshark moves the route's last slot to ip.dst"),
        new("ppp__ipv4-options.pcap", 7, "ip.src_rt", "T: as frame 6"),
        new(Synthetic, 2, "ip.src_rt", "T: tshark moves the route's last slot (198.51.100.2) to ip.dst"),
        new(Synthetic, 1, "ip.rec_rt", "T: tshark shows only the slots before the pointer (none recorded yet); the pack shows every slot"),
        new("ppp__IcmpPackets.pcap", 13, "tcp.seq_raw", "T: tshark adds tcp.seq_raw only after the whole fixed header; the ICMP error quotes 8 bytes"),
        new(Synthetic, 12, "tcp.seq_raw", "T: inside an ICMP error tshark shows only the quoted TCP header's ports"),
        new(Synthetic, 12, "tcp.len", "T: inside an ICMP error tshark shows only the quoted TCP header's ports"),
        new(Synthetic, 39, "tcp.len", "T: inside an ICMPv6 error tshark does not compute the quoted segment's length"),
        new("ppp__IcmpPackets.pcap", 13, "icmp.unused", "T: tshark shows no field for a source quench's unused word"),
        new("ppp__IcmpPackets.pcap", 1, "icmp.reserved", "T: tshark shows no field for a router solicitation's reserved word"),
        new(Synthetic, 17, "icmp.reserved", "T: as IcmpPackets frame 1"),
        new("tcpdump__ip6_frag_asan.pcap", 1, "ipv6.fraghdr.nxt", "T: the capture ends 6 bytes into the Fragment header; tshark reads all 8 before adding any field"),
        new("tcpdump__ip6_frag_asan.pcap", 1, "ipv6.fraghdr.reserved_octet", "T: as ipv6.fraghdr.nxt"),
        new("tcpdump__ip6_frag_asan.pcap", 1, "ipv6.fraghdr.offset", "T: as ipv6.fraghdr.nxt"),
        new("tcpdump__ip6_frag_asan.pcap", 1, "ipv6.fraghdr.reserved_bits", "T: as ipv6.fraghdr.nxt"),
        new("tcpdump__ip6_frag_asan.pcap", 1, "ipv6.fraghdr.more", "T: as ipv6.fraghdr.nxt"),
        new("tcpdump__ipv6-next-header-oobr-1.pcap", 1, "frame.protocols", "T: tshark abandons the frame at a Hop-by-Hop option whose length runs past the header; the pack goes on to the Routing header"),
        new("tcpdump__ipv6-next-header-oobr-1.pcap", 1, "ipv6.opt.type", "T: tshark shows an option whose length runs past the header; the pack keeps its bytes as trailing"),
        new("tcpdump__ipv6-next-header-oobr-1.pcap", 1, "ipv6.opt.length", "T: as ipv6.opt.type"),
        new("ppp__ip4_bad_fragment.pcap", 1, "ip.opt.type", "T: the capture cuts the IPv4 options; tshark shows none of them, the pack shows those that fit"),
        new("ppp__ip4_bad_fragment.pcap", 1, "ip.opt.len", "T: as ip.opt.type"),
        new("ppp__null_loopback.pcap", 3, "null.family", "T: tshark names a header holding an EtherType null.type; the pack reads one field"),
        new(Synthetic, 22, "gre.flags.ack", "T: tshark shows the A bit only in version 1 (enhanced GRE)"),
        new(Synthetic, 23, "gre.flags.ack", "T: as frame 22"),
        new(Synthetic, 53, "sctp.chunk_type", "T: a HEARTBEAT without its information parameter is malformed; tshark stops there, the pack reads the next chunk"),
        new(Synthetic, 53, "sctp.chunk_flags", "T: as sctp.chunk_type"),
        new(Synthetic, 53, "sctp.chunk_length", "T: as sctp.chunk_type"),
        new(Synthetic, 66, "dccp.seq_raw", "T: tshark shows no sequence number for a Data packet with short (24-bit) sequence numbers"),
        new(Synthetic, 67, "udp.length", "T: tshark adds a computed udp.length for UDP-Lite (the IP payload length)"),
        new(Synthetic, 110, "tcp.options.mptcp.checksum", "T: tshark shows a DSS checksum only when the connection's MP_CAPABLE asked for checksums (its conversation state); the pack shows it whenever the option's length leaves room for it (RFC 8684 §3.3)"),
    ];

    [Fact]
    public void SyntheticFrames_AgreeWithTshark_OnEveryField() =>
        Compare(Synthetic, Path.Combine(AppContext.BaseDirectory, "Oracle", Synthetic), frames: 70);

    [SkippableFact]
    public void CorpusFramesBeyondEthernetIpv4TcpUdp_AgreeWithTshark_OnEveryField()
    {
        Corpus.Require();
        var captures = Oracle.Value.Keys.Select(k => k.Capture).Where(c => c != Synthetic).Distinct().ToList();
        Assert.True(captures.Count > 20, $"only {captures.Count} captures in the field oracle");
        foreach (var capture in captures)
        {
            Compare(capture, Corpus.File(capture), frames: 1);
        }
    }

    private void Compare(string capture, string path, int frames)
    {
        var names = Names.Value;
        var known = KnownDifferences.Where(k => k.Capture == capture).ToDictionary(k => (k.Frame, k.Column), k => k.Reason);
        var seen = new HashSet<(long, string)>();
        var differences = new List<string>();
        var collector = new FieldValueCollector(names);
        var stack = new LayerStack();
        var chain = new StringBuilder();
        var compared = 0;
        var values = 0;
        using var reader = CaptureReader.Open(path);
        while (reader.TryReadNext(out var record))
        {
            if (!Oracle.Value.TryGetValue((capture, record.Number), out var expected))
            {
                continue;
            }

            compared++;
            Packs.Dissector.Dissect(record, stack);
            var frame = new Frame(record.Data, stack, Packs.Registry);
            collector.Reset();
            collector.Collect(frame);
            chain.Clear();
            FieldExtractor.AppendTsharkChain(chain, frame);
            for (var i = 0; i <= names.Count; i++)
            {
                var name = i < names.Count ? names[i] : "frame.protocols";
                var ours = i < names.Count ? collector.GetValue(i) : TsharkChain.Known(chain.ToString());
                var theirs = expected.GetValueOrDefault(name, string.Empty);
                if (name == "frame.protocols")
                {
                    theirs = TsharkChain.Known(theirs);
                }
                else if (name == "dhcp.option.type")
                {
                    // tshark shows the End option as dhcp.option.end, not as an option type, and the padding after it as
                    // an option of type 0; the pack lists End (255) and keeps that padding as the option list's trailing bytes.
                    if (ours.EndsWith(",255", StringComparison.Ordinal))
                    {
                        ours = ours[..^4];
                        theirs = theirs.EndsWith(",0", StringComparison.Ordinal) ? theirs[..^2] : theirs;
                    }
                }
                else if (name == "ip.version")
                {
                    // tshark's IPv6 dissector also adds a hidden ip.version; the pack shows IPv6's as ipv6.version.
                    theirs = string.Join(',', theirs.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(v => v != "6"));
                }

                if (ours.Length > 0 || theirs.Length > 0)
                {
                    values++;
                }

                if (ours == theirs)
                {
                    continue;
                }

                if (known.ContainsKey((record.Number, name)))
                {
                    seen.Add((record.Number, name));
                    continue;
                }

                if (TlsOracleRules.Reason(frame, name, ours, theirs) is not null)
                {
                    continue;
                }

                differences.Add($"{capture} frame {record.Number}: {name} is '{ours}', tshark says '{theirs}'");
            }
        }

        output.WriteLine($"{capture}: {compared} frames, {values} values compared, {seen.Count} known differences");
        Assert.True(differences.Count == 0, $"{differences.Count} differences from tshark (if a field was renamed, rerun make-field-oracle.py):\n" + string.Join("\n", differences.Take(40)));
        var stale = known.Keys.Where(k => !seen.Contains(k)).ToList();
        Assert.True(stale.Count == 0, $"{capture}: known differences that no longer differ (remove them): " + string.Join(", ", stale));
        Assert.True(compared >= frames, $"{capture}: only {compared} frames compared");
    }

    /// <summary>The fields compared: every one the pack exports that tshark has, payloads aside (as the oracle script picks them).</summary>
    private static readonly Lazy<List<string>> Names = new(() =>
    {
        var tshark = new HashSet<string>(
            File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Oracle", "tshark-fields.tsv")).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')[0]),
            StringComparer.Ordinal);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var protocol in Packs.Registry.Protocols)
        {
            Walk(protocol.Fields.Concat(protocol.ComputedFields), names);
        }

        // Payloads and TLS's encrypted application data are compared by the round-trip and reassembly tests.
        return names.Where(n => tshark.Contains(n) && !n.EndsWith(".payload", StringComparison.Ordinal) && n != "tls.app_data").ToList();
    });

    private static void Walk(IEnumerable<FieldDescriptor> fields, SortedSet<string> names)
    {
        foreach (var field in fields)
        {
            if (field.DisplayName is { } name && field.Kind is not (FieldKind.List or FieldKind.Structure))
            {
                names.Add(name);
            }

            Walk(field.Children, names);
        }
    }

    /// <summary>The oracle: (capture, frame) → field → tshark's value.</summary>
    private static readonly Lazy<Dictionary<(string Capture, long Frame), Dictionary<string, string>>> Oracle = new(() =>
    {
        var oracle = new Dictionary<(string, long), Dictionary<string, string>>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Oracle", "field-oracle.tsv")))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var cells = line.Split('\t', 4);
            var key = (cells[0], long.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture));
            if (!oracle.TryGetValue(key, out var fields))
            {
                oracle[key] = fields = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            fields[cells[2]] = cells[3];
        }

        return oracle;
    });
}
