using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Net;
using PcapKit.Reassembly;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>TCP stream reassembly against tshark's: stream numbers per frame and the followed bytes of each direction.</summary>
public sealed class TcpReassemblyTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void StreamNumbersAndFollowedBytes_AgreeWithTshark()
    {
        Corpus.Require();
        int streams = 0, frames = 0;
        var failures = new List<string>();
        foreach (var capture in Corpus.Captures().Where(c => File.Exists(Corpus.File(c) + ".tcpstreams.txt") && !Corpus.IsRejectedByTshark(c)))
        {
            var numbers = new Dictionary<long, long>();
            ExtractionResult result;
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = Corpus.File(capture),
                Registry = Packs.Registry,
                NoFile = true,
                ReassembleIp = true,
                ReassembleTcp = true,
                TcpReassembly = new TcpReassemblyOptions { Store = true },
                Callback = (in ExtractedFrame f) =>
                {
                    if (f.Stream is { } s)
                    {
                        numbers[f.Number] = s.Index;
                    }
                },
            }))
            {
                try
                {
                    result = extractor.Run();
                }
                catch (InvalidDataException)
                {
                    result = extractor.Complete();
                }
            }

            var table = TsharkTable.For(capture);
            for (var n = 1; n <= table.Count; n++)
            {
                var theirs = table.Get(n, "tcp.stream");
                if (theirs.Length == 0 || theirs.Contains(',', StringComparison.Ordinal) ||
                    table.Get(n, "ip.flags.mf") == "1" || table.Get(n, "ip.frag_offset") is { Length: > 0 } and not "0")
                {
                    // The oracle's columns come without IP reassembly; fragments' segments are ours in the completing frame.
                    continue;
                }

                if (!numbers.TryGetValue(n, out var ours) || ours.ToString(CultureInfo.InvariantCulture) != theirs)
                {
                    failures.Add($"{capture}: frame {n}: tcp.stream {theirs}, ours {(numbers.TryGetValue(n, out var o) ? o.ToString(CultureInfo.InvariantCulture) : "none")}");
                    continue;
                }

                frames++;
            }

            foreach (var (index, node0, toNode1, toNode0) in Follow(Corpus.File(capture) + ".tcpstreams.txt"))
            {
                if (node0.StartsWith(':'))
                {
                    // tshark could not follow it (no endpoints: a header it rejects); nothing to compare.
                    continue;
                }

                var stream = result.Streams.FirstOrDefault(s => s.Index == index);
                if (stream is null)
                {
                    failures.Add($"{capture}: no stream {index}");
                    continue;
                }

                // tshark's node 0 is the first sender of data; ours is the first packet's sender.
                var client = $"{stream.Client.FormatAddress(stream.Client.Source)}:{stream.Client.SourcePort}";
                var forward = client == node0.Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);
                // tshark's follow drops what comes after a hole that never fills; ours delivers it after reporting the
                // gap, so tshark's bytes are ours up to the first gap.
                var fromNode0 = UpToGap(stream, forward ? 0 : 1);
                var fromNode1 = UpToGap(stream, forward ? 1 : 0);
                if (fromNode0 != toNode1 || fromNode1 != toNode0)
                {
                    failures.Add($"{capture}: stream {index} ({node0}, ours from {client}): node 0 → 1 {fromNode0.Length / 2} bytes vs tshark {toNode1.Length / 2}, 1 → 0 {fromNode1.Length / 2} vs {toNode0.Length / 2}; gaps: " +
                        string.Join("; ", stream.Gaps.Take(5)));
                    continue;
                }

                streams++;
            }
        }

        foreach (var f in failures.Take(40))
        {
            output.WriteLine(f);
        }

        output.WriteLine($"{streams} streams byte-identical to tshark's, {frames} frames with tshark's stream number, {failures.Count} differences");
        Assert.Empty(failures);
        Assert.True(streams > 50, $"only {streams} streams compared");
    }

    /// <summary>
    /// The bytes tshark's follow shows: what was captured of each segment; for a hole the peer acknowledged, tshark's
    /// marker <c>[N bytes missing in capture file]</c> and a NUL; nothing after a hole never acknowledged.
    /// </summary>
    private static string UpToGap(TcpStream stream, int direction)
    {
        var data = stream.GetData(direction).Span;
        var text = new StringBuilder();
        long missingBefore = 0, at = 0;
        foreach (var gap in stream.Gaps.Where(g => g.Direction == direction && g.Reason != TcpReassembler.NotCapturedGap))
        {
            var upTo = gap.Offset - missingBefore - stream.Gaps.Where(g => g.Direction == direction && g.Reason == TcpReassembler.NotCapturedGap && g.Offset < gap.Offset).Sum(g => g.Length);
            text.Append(Convert.ToHexString(data[(int)at..(int)upTo]));
            if (gap.Reason != TcpReassembler.AcknowledgedGap)
            {
                return text.ToString().ToLowerInvariant();
            }

            text.Append(Convert.ToHexString(Encoding.ASCII.GetBytes($"[{gap.Length} bytes missing in capture file]\0")));
            at = upTo;
            missingBefore += gap.Length;
        }

        return (text + Convert.ToHexString(data[(int)at..])).ToLowerInvariant();
    }

    /// <summary>The blocks of <c>tshark -q -z follow,tcp,raw,N</c>: stream, node 0, and the hex each way.</summary>
    private static IEnumerable<(long Index, string Node0, string ToNode1, string ToNode0)> Follow(string path)
    {
        long index = -1;
        string node0 = string.Empty;
        StringBuilder toNode1 = new(), toNode0 = new();
        var nodes = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("Filter: tcp.stream eq ", StringComparison.Ordinal))
            {
                index = long.Parse(line["Filter: tcp.stream eq ".Length..], CultureInfo.InvariantCulture);
                (node0, nodes) = (string.Empty, 0);
                toNode1.Clear();
                toNode0.Clear();
            }
            else if (line.StartsWith("Node 0: ", StringComparison.Ordinal))
            {
                node0 = line["Node 0: ".Length..];
                nodes++;
            }
            else if (line.StartsWith("Node 1: ", StringComparison.Ordinal))
            {
                nodes++;
            }
            else if (line.StartsWith("=====", StringComparison.Ordinal))
            {
                if (index >= 0 && nodes == 2)
                {
                    yield return (index, node0, toNode1.ToString(), toNode0.ToString());
                }

                index = -1;
            }
            else if (index >= 0 && nodes == 2 && line.Length > 0)
            {
                (line[0] == '\t' ? toNode0 : toNode1).Append(line.Trim());
            }
        }
    }
}

/// <summary>The reassembler on segments made in the test: wrap-around, overlaps, bounds and floods.</summary>
public sealed class TcpReassemblerTests
{
    private static readonly FiveTuple Forward = FiveTuple.ForIpv4(new Net.Ipv4Address(0x0A000001), new Net.Ipv4Address(0x0A000002), 6, 40000, 80);

    [Fact]
    public void SequenceNumbers_WrapAround()
    {
        var tcp = new TcpReassembler(new TcpReassemblyOptions { Store = true });
        var isn = 0xFFFF_FFF0u;
        tcp.AddSegment(Forward, 0x02, isn, 0, [], 0, 1, 0);
        tcp.AddSegment(Forward, 0x18, unchecked(isn + 1), 0, Fill('a', 10), 0, 2, 1);
        tcp.AddSegment(Forward, 0x18, unchecked(isn + 11), 0, Fill('b', 10), 0, 3, 2);   // crosses 2^32
        tcp.AddSegment(Forward, 0x18, unchecked(isn + 21), 0, Fill('c', 10), 0, 4, 3);
        tcp.Finish();
        var stream = Assert.Single(tcp.ClosedStreams);
        Assert.Equal("aaaaaaaaaabbbbbbbbbbcccccccccc", Encoding.ASCII.GetString(stream.GetData(0).Span));
        Assert.Empty(stream.Gaps);
    }

    [Fact]
    public void AnEarlyCutShortSegment_WhoseMissingBytesReachPastAWaitingOne_IsHeldAsAGap()
    {
        // Found by the fuzzer: the part of the segment after the waiting one is only missing bytes, and holding it
        // sliced the payload past its end.
        var tcp = new TcpReassembler(new TcpReassemblyOptions { Store = true });
        tcp.AddSegment(Forward, 0x02, 999, 0, [], 0, 1, 0);
        tcp.AddSegment(Forward, 0x18, 1010, 0, Fill('B', 10), 0, 2, 1);   // waits for [1000, 1010)
        tcp.AddSegment(Forward, 0x18, 1005, 0, Fill('C', 2), 20, 3, 2);   // 2 bytes captured, 20 not: reaches 1027
        tcp.AddSegment(Forward, 0x18, 1000, 0, Fill('A', 5), 0, 4, 3);
        tcp.Finish();
        var stream = Assert.Single(tcp.ClosedStreams);
        Assert.StartsWith("AAAAACC", Encoding.ASCII.GetString(stream.GetData(0).Span), StringComparison.Ordinal);
        Assert.Contains(stream.Gaps, g => g.Reason == TcpReassembler.NotCapturedGap);
    }

    [Fact]
    public void OutOfOrderAndRetransmittedSegments_KeepTheFirstCopy_AndCountConflicts()
    {
        var tcp = new TcpReassembler(new TcpReassemblyOptions { Store = true });
        tcp.AddSegment(Forward, 0x02, 999, 0, [], 0, 1, 0);
        tcp.AddSegment(Forward, 0x18, 1010, 0, Fill('B', 10), 0, 2, 1);   // early
        tcp.AddSegment(Forward, 0x18, 1005, 0, Fill('X', 10), 0, 3, 2);   // overlaps it, other bytes
        tcp.AddSegment(Forward, 0x18, 1000, 0, Fill('A', 10), 0, 4, 3);   // fills the hole
        tcp.AddSegment(Forward, 0x18, 1000, 0, Fill('A', 10), 0, 5, 4);   // a retransmission, the same bytes
        tcp.AddSegment(Forward, 0x18, 1010, 0, Fill('Y', 10), 0, 6, 5);   // a retransmission with other bytes
        tcp.Finish();
        var stream = Assert.Single(tcp.ClosedStreams);
        Assert.Equal("AAAAAAAAAABBBBBBBBBB", Encoding.ASCII.GetString(stream.GetData(0).Span));
        Assert.Equal(2, stream.Conflicts);
        Assert.Empty(stream.Gaps);
    }

    [Fact]
    public void AnAcknowledgedHole_IsAGapAtOnce_AndAnUnacknowledgedOneAtTheEnd()
    {
        var reverse = new FiveTuple(4, Forward.Destination, Forward.Source, 6, 80, 40000);
        var tcp = new TcpReassembler(new TcpReassemblyOptions { Store = true });
        tcp.AddSegment(Forward, 0x02, 99, 0, [], 0, 1, 0);
        tcp.AddSegment(Forward, 0x18, 100, 0, Fill('a', 10), 0, 2, 1);
        tcp.AddSegment(Forward, 0x18, 120, 0, Fill('c', 10), 0, 3, 2);    // 110..120 never captured
        tcp.AddSegment(reverse, 0x10, 5000, 130, [], 0, 4, 3);            // the peer acknowledged up to 130
        tcp.AddSegment(Forward, 0x18, 150, 0, Fill('e', 10), 0, 5, 4);    // 130..150 never captured, never acknowledged
        tcp.Finish();
        var stream = Assert.Single(tcp.ClosedStreams);
        Assert.Equal("aaaaaaaaaacccccccccceeeeeeeeee", Encoding.ASCII.GetString(stream.GetData(0).Span));
        Assert.Equal([new TcpGap(0, 10, 10, TcpReassembler.AcknowledgedGap), new TcpGap(0, 30, 20, "missing when the connection ended")], stream.Gaps);
    }

    [Fact]
    public void ASequenceJumpOfTwoToThe31_IsCounted_NotDeliveredOrHeld()
    {
        var tcp = new TcpReassembler(new TcpReassemblyOptions { Store = true });
        tcp.AddSegment(Forward, 0x02, 0, 0, [], 0, 1, 0);
        tcp.AddSegment(Forward, 0x18, 1, 0, Fill('a', 10), 0, 2, 1);
        tcp.AddSegment(Forward, 0x18, 11u + (1u << 31), 0, Fill('z', 1000), 0, 3, 2);
        tcp.AddSegment(Forward, 0x18, 11, 0, Fill('b', 10), 0, 4, 3);
        Assert.Equal(0, tcp.BufferedBytes);
        tcp.Finish();
        var stream = Assert.Single(tcp.ClosedStreams);
        Assert.Equal("aaaaaaaaaabbbbbbbbbb", Encoding.ASCII.GetString(stream.GetData(0).Span));
        Assert.Equal(1, stream.OutOfWindow);
    }

    [Fact]
    public void EarlySegmentsBeyondTheBound_GiveUpTheirHole_AndMemoryStaysBounded()
    {
        var tcp = new TcpReassembler(new TcpReassemblyOptions { Store = true, MaxBufferedBytesPerDirection = 64 * 1024 });
        tcp.AddSegment(Forward, 0x02, 0, 0, [], 0, 1, 0);
        long peak = 0;
        for (var i = 0; i < 1000; i++)
        {
            // Byte 1 never comes; everything after it is early.
            tcp.AddSegment(Forward, 0x18, 2 + ((uint)i * 1000), 0, Fill('x', 1000), 0, 2 + i, 2 + i);
            peak = Math.Max(peak, tcp.BufferedBytes);
        }

        tcp.Finish();
        Assert.True(peak <= (64 * 1024) + 2048, $"peak {peak}");
        var stream = Assert.Single(tcp.ClosedStreams);
        Assert.Equal(1000 * 1000, stream.GetData(0).Length);
        Assert.Equal(new TcpGap(0, 0, 1, "out-of-order bytes beyond the per-stream bound"), stream.Gaps[0]);
    }

    [Fact]
    public void AHundredThousandSynsWithoutData_StayWithinTheStreamBound()
    {
        var closed = new CountingHandler();
        var tcp = new TcpReassembler(new TcpReassemblyOptions { MaxStreams = 1000 }, closed);
        for (var i = 0; i < 100_000; i++)
        {
            var tuple = FiveTuple.ForIpv4(new Net.Ipv4Address(0x0A000000 + (uint)(i >> 16)), new Net.Ipv4Address(0x0A000002), 6, (ushort)i, 80);
            tcp.AddSegment(tuple, 0x02, (uint)i, 0, [], 0, i + 1, i);
            Assert.True(tcp.OpenStreams <= 1000);
        }

        tcp.Finish();
        Assert.Equal(100_000, closed.Closed);
        Assert.Equal(99_000, closed.Evicted);
        Assert.Empty(tcp.ClosedStreams); // nothing kept without Store
    }

    [Fact]
    public void MessagesAreGroupedByAcknowledgment_AsPyPCAPKitDoes()
    {
        var reverse = new FiveTuple(4, Forward.Destination, Forward.Source, 6, 80, 40000);
        var messages = new List<TcpMessage>();
        var tcp = new TcpReassembler(null, new TcpMessageGrouper(messages.Add));
        tcp.AddSegment(Forward, 0x02, 99, 0, [], 0, 1, 0);
        tcp.AddSegment(reverse, 0x12, 499, 100, [], 0, 2, 1);
        tcp.AddSegment(Forward, 0x18, 100, 500, Fill('q', 10), 0, 3, 2);     // request, two segments, ack 500
        tcp.AddSegment(Forward, 0x18, 110, 500, Fill('r', 10), 0, 4, 3);
        tcp.AddSegment(reverse, 0x18, 500, 120, Fill('a', 100), 0, 5, 4);    // response, acking the request
        tcp.AddSegment(reverse, 0x18, 600, 120, Fill('b', 100), 0, 6, 5);
        tcp.AddSegment(Forward, 0x18, 120, 700, Fill('s', 5), 0, 7, 6);       // next request, acking the response
        tcp.AddSegment(Forward, 0x11, 125, 700, [], 0, 8, 7);
        tcp.AddSegment(reverse, 0x11, 700, 126, [], 0, 9, 8);
        tcp.Finish();

        Assert.Equal(
            [(0, 500u, "qqqqqqqqqqrrrrrrrrrr", "3,4"), (1, 120u, new string('a', 100) + new string('b', 100), "5,6"), (0, 700u, "sssss", "7")],
            messages.OrderBy(m => m.Frames[0]).Select(m => (m.Direction, m.Acknowledgment, Encoding.ASCII.GetString(m.Payload.Span), string.Join(',', m.Frames))));
        Assert.Equal("new acknowledgment", messages.Single(m => m.Acknowledgment == 500).EndedBy);
    }

    [Fact]
    public void EndedConnections_AreRememberedUpToTheirBound()
    {
        var closed = new CountingHandler();
        var tcp = new TcpReassembler(new TcpReassemblyOptions { MaxEndedStreams = 3 }, closed);
        for (ushort port = 1; port <= 10; port++)
        {
            var client = FiveTuple.ForIpv4(new Net.Ipv4Address(0x0A000001), new Net.Ipv4Address(0x0A000002), 6, port, 80);
            var server = new FiveTuple(4, client.Destination, client.Source, 6, 80, port);
            tcp.AddSegment(client, 0x02, 0, 0, [], 0, port * 10, 0);
            tcp.AddSegment(server, 0x12, 0, 1, [], 0, (port * 10) + 1, 0);
            tcp.AddSegment(client, 0x11, 1, 1, [], 0, (port * 10) + 2, 0);
            tcp.AddSegment(server, 0x11, 1, 2, [], 0, (port * 10) + 3, 0);
            Assert.True(tcp.EndedStreams <= 3);
        }

        Assert.Equal(0, tcp.OpenStreams);
        Assert.Equal(10, closed.Closed);
        tcp.Finish();
        Assert.Equal(0, tcp.EndedStreams);
    }

    private static byte[] Fill(char c, int n) => Enumerable.Repeat((byte)c, n).ToArray();

    private sealed class CountingHandler : ITcpStreamHandler
    {
        public int Closed { get; private set; }

        public int Evicted { get; private set; }

        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
        {
        }

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
        {
        }

        public void OnClose(TcpStream stream)
        {
            Closed++;
            Evicted += stream.ClosedBy == "evicted" ? 1 : 0;
        }
    }
}
