using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Reassembly;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>
/// IP and TCP reassembly sharded over threads (<see cref="ExtractionOptions.Threads"/>): a generated capture of a few
/// hundred connections between many hosts — handshakes, data both ways, segments out of order, retransmissions with
/// other bytes, lost segments later acknowledged, segments split into IP fragments that arrive in any order, FIN, RST,
/// ports reused, idle connections closed by time jumps over every shard at once, fragments that never complete, and a
/// clock that now and then runs backwards — gives,
/// on 1 to 7 shards, every event in the order and with the values of the one-thread run: each handler call with
/// the connection's counters at that moment, each report, each frame's connection number and datagram, and the stored
/// streams, gaps and datagrams.
/// </summary>
public sealed class ShardedReassemblyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pcapkit-shards-" + Guid.NewGuid().ToString("N"));

    public ShardedReassemblyTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    public void ManyConnections_ThroughShardedReassembly_GiveTheOneThreadRunsEvents(int seed, bool clockRunsBackwards)
    {
        var capture = Path.Combine(_folder, $"connections-{seed}.pcap");
        var frames = Generate(capture, seed, connections: 400, clockRunsBackwards);
        var one = Run(capture, threads: 1);
        Assert.Contains("close idle", one, StringComparison.Ordinal);
        Assert.Contains("close rst", one, StringComparison.Ordinal);
        Assert.Contains("close fin", one, StringComparison.Ordinal);
        Assert.Contains("close new connection", one, StringComparison.Ordinal);
        Assert.Contains("gap", one, StringComparison.Ordinal);
        Assert.Contains("report Timeout", one, StringComparison.Ordinal);
        Assert.Contains(" datagram ", one, StringComparison.Ordinal);
        Assert.Contains($"frames {frames}", one, StringComparison.Ordinal);
        foreach (var (threads, shards) in new (int, int?)[] { (2, 1), (2, 2), (3, null), (5, 3), (4, 7) })
        {
            var many = Run(capture, threads, shards);
            Assert.True(one == many, $"{threads} threads, {shards} shards: first difference at line {FirstDifference(one, many)}");
        }
    }

    [Fact]
    public void TcpReassemblyAlone_ShardedByPorts_BetweenOnePairOfHosts_GivesTheOneThreadRunsEvents()
    {
        // Without IP reassembly the connections between two hosts spread over the shards by their ports.
        var capture = Path.Combine(_folder, "one-pair.pcap");
        Generate(capture, seed: 6, connections: 300, onePair: true);
        var one = Run(capture, threads: 1, ip: false);
        Assert.Contains("close fin", one, StringComparison.Ordinal);
        foreach (var (threads, shards) in new (int, int?)[] { (2, 2), (3, 3), (4, 5) })
        {
            var many = Run(capture, threads, shards, ip: false);
            Assert.True(one == many, $"{threads} threads, {shards} shards: first difference at line {FirstDifference(one, many)}");
        }
    }

    [Fact]
    public void AHandlersException_ComesOut_AfterTheFramesBeforeIt_AsOnOneThread()
    {
        var capture = Path.Combine(_folder, "throwing.pcap");
        Generate(capture, seed: 4, connections: 100);
        var one = RunThrowing(capture, threads: 1, shards: null, out var closedAfterwards);
        Assert.True(closedAfterwards > 0, "one thread ends the connections it held when disposed");
        Assert.Equal(one, RunThrowing(capture, threads: 3, shards: 2, out closedAfterwards));
        Assert.Equal(0, closedAfterwards); // the shards may be ahead of the frame the run stopped on: nothing more is reported
        Assert.Equal(one, RunThrowing(capture, threads: 2, shards: 3, out closedAfterwards));
        Assert.Equal(0, closedAfterwards);
        Assert.True(one.Frames > 0);
    }

    /// <summary>Runs with a handler that fails at its 200th piece of data: the frames the callback saw, and the message.</summary>
    private static (long Frames, long LastFrame, string Message) RunThrowing(string capture, int threads, int? shards, out int closedAfterwards)
    {
        long frames = 0, last = 0;
        var handler = new Failing(200);
        string message;
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture, NoFile = true, Registry = Packs.Registry, Threads = threads, StateShards = shards,
            ReassembleIp = true, ReassembleTcp = true, TcpStreamHandler = handler,
            Callback = (in ExtractedFrame f) => (frames, last) = (frames + 1, f.Number),
        }))
        {
            message = Assert.Throws<InvalidOperationException>(() => extractor.Run()).Message;
            handler.Closes = 0;
        }

        closedAfterwards = handler.Closes;
        return (frames, last, message);
    }

    /// <summary>The first line where two logs differ (used by the sharded runs' tests).</summary>
    internal static string FirstDifference(string a, string b)
    {
        var x = a.Split('\n');
        var y = b.Split('\n');
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            if (x[i] != y[i])
            {
                return $"{i}: '{x[i]}' vs '{y[i]}'";
            }
        }

        return $"{Math.Min(x.Length, y.Length)} (lengths {x.Length}, {y.Length})";
    }

    private static string Run(string capture, int threads, int? shards = null, bool ip = true)
    {
        var log = new StringBuilder();
        var handler = new Recorder(log);
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture, NoFile = true, Registry = Packs.Registry, Threads = threads, StateShards = shards, Store = true,
            ReassembleIp = ip, ReassembleTcp = true,
            IpReassembly = new IpReassemblyOptions { Timeout = TimeSpan.FromSeconds(5), Strict = false },
            TcpReassembly = new TcpReassemblyOptions { Store = true, IdleTimeout = TimeSpan.FromSeconds(30) },
            TcpStreamHandler = handler,
            ReassemblyReport = r => log.Append(CultureInfo.InvariantCulture, $"report {r.Kind} {r.Frame} {r.Source} {r.Destination} {r.Id} [{string.Join(',', r.Frames)}] {r.Detail} {r.Datagram?.Chunks.Count}\n"),
            Callback = (in ExtractedFrame f) => log.Append(CultureInfo.InvariantCulture,
                $"frame {f.Number} stream {f.Stream?.Index} {f.Stream?.LastFrame} {f.Stream?.FinFrame[0]} {f.Stream?.FinFrame[1]} {f.Stream?.Conflicts} datagram {f.Datagram?.Id} {f.Reassembled.LayerCount}\n"),
        });
        var result = extractor.Run();
        log.Append(CultureInfo.InvariantCulture, $"frames {result.Summary.Frames}\n");
        foreach (var stream in result.Streams)
        {
            log.Append(CultureInfo.InvariantCulture,
                $"stream {stream.Index} {stream.Client} {stream.FirstFrame} {stream.LastFrame} {stream.ClosedBy} {Hash(stream.GetData(0).Span)} {Hash(stream.GetData(1).Span)} gaps {string.Join(';', stream.Gaps)}\n");
        }

        foreach (var datagram in result.Datagrams)
        {
            log.Append(CultureInfo.InvariantCulture, $"datagram {datagram.Id} {datagram.Completed} [{string.Join(',', datagram.Frames)}] {Hash(datagram.Payload.Span)}\n");
        }

        return log.ToString();
    }

    /// <summary>FNV-1a of some bytes, as hex (used by the sharded runs' tests).</summary>
    internal static string Hash(ReadOnlySpan<byte> data)
    {
        // FNV-1a: enough to tell the bytes apart in a log.
        var hash = 14695981039346656037UL;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Writes the connections' packets, interleaved at random, as raw IPv4; returns the frames written. With
    /// <paramref name="otherTraffic"/>: ICMP echoes between the connections' hosts (another protocol, the same
    /// address pairs) and UDP datagrams whose later fragments come without their first one, ever. With
    /// <paramref name="datagrams"/>: UDP conversations of a few datagrams each way (ports reused across pauses), and
    /// UDP datagrams in IP-in-IP tunnels, fragmented inside the tunnel, the fragments in either order — the inner
    /// address pair is reassembled where its hash says, the flow is the outer pair's.
    /// </summary>
    internal static long Generate(string path, int seed, int connections, bool clockRunsBackwards = false, bool onePair = false, bool otherTraffic = false, bool datagrams = false)
    {
        var random = new Random(seed);
        var scripts = new List<Queue<byte[]>>();
        for (var c = 0; c < connections; c++)
        {
            scripts.Add(Script(random, c, onePair));
        }

        // Never-finished UDP fragments between other hosts: dropped by the IP timeout or at the end.
        for (var u = 0; u < 60; u++)
        {
            var fragment = Ipv4(0x0B000000u + (uint)random.Next(40), 0x0B010000u + (uint)random.Next(40), 17, (ushort)(5000 + u), offset: 0, more: true, new byte[64]);
            scripts.Add(new Queue<byte[]>([fragment]));
        }

        for (var o = 0; otherTraffic && o < 80; o++)
        {
            var client = 0x0A000000u + (uint)random.Next(64);
            var server = 0x0A010000u + (uint)random.Next(16);
            var echo = new byte[16];
            echo[0] = 8;
            random.NextBytes(echo.AsSpan(4));
            var reply = (byte[])echo.Clone();
            reply[0] = 0;
            var orphan = Ipv4(client, server, 17, (ushort)(9000 + o), offset: 4, more: random.Next(2) == 0, new byte[24]);
            scripts.Add(new Queue<byte[]>([Ipv4(client, server, 1, (ushort)o, 0, false, echo), Ipv4(server, client, 1, (ushort)o, 0, false, reply), orphan]));
        }

        for (var d = 0; datagrams && d < 150; d++)
        {
            var client = 0x0C000000u + (uint)random.Next(48);
            var server = 0x0C010000u + (uint)random.Next(12);
            var (clientPort, serverPort) = ((ushort)(20000 + random.Next(30)), (ushort)(53 + random.Next(3)));
            var conversation = new Queue<byte[]>();
            for (var n = random.Next(1, 7); n > 0; n--)
            {
                var reply = random.Next(2) == 0;
                var body = new byte[random.Next(0, 120)];
                random.NextBytes(body);
                conversation.Enqueue(Ipv4(reply ? server : client, reply ? client : server, 17, (ushort)random.Next(65536), 0, false, Udp(reply ? serverPort : clientPort, reply ? clientPort : serverPort, body)));
            }

            scripts.Add(conversation);
        }

        for (var t = 0; datagrams && t < 60; t++)
        {
            // IPv4 in IPv6 (an IPv4 tunnel's unfragmented outer header ends the search for fragments; IPv6's does not).
            var (outerSource, outerDestination) = ((byte)random.Next(6), (byte)(16 + random.Next(3)));
            var (innerSource, innerDestination) = (0x0E000000u + (uint)random.Next(40), 0x0E010000u + (uint)random.Next(40));
            var body = new byte[random.Next(48, 160)];
            random.NextBytes(body);
            var udp = Udp((ushort)(7000 + t), 4789, body);
            var id = (ushort)(40000 + t);
            var first = Ipv4(innerSource, innerDestination, 17, id, 0, true, udp[..48]);
            var rest = Ipv4(innerSource, innerDestination, 17, id, 6, false, udp[48..]);
            var (a, b) = random.Next(2) == 0 ? (first, rest) : (rest, first);
            scripts.Add(new Queue<byte[]>([Ipv4InIpv6(outerSource, outerDestination, a), Ipv4InIpv6(outerSource, outerDestination, b)]));
        }

        using var writer = PcapWriter.Create(path, datagrams ? LinkTypes.Raw : LinkTypes.Ipv4);
        var time = 1_700_000_000_000_000UL;
        long written = 0;
        while (scripts.Count > 0)
        {
            var i = random.Next(scripts.Count);
            var packet = scripts[i].Dequeue();
            if (scripts[i].Count == 0)
            {
                scripts.RemoveAt(i);
            }

            // Mostly close together; now and then a pause longer than both timeouts, which ends connections in every shard at once.
            time += random.Next(2000) == 0 ? 40_000_000UL : (ulong)random.Next(1, 20_000);
            if (clockRunsBackwards && random.Next(300) == 0)
            {
                // A capture merged from clocks that disagree: each entry must time out by its own time, whatever else is held.
                time -= 35_000_000UL;
            }
            writer.Write(new CaptureTimestamp(time, TimestampResolution.Microseconds), packet, (uint)packet.Length);
            written++;
        }

        return written;
    }

    /// <summary>One connection's packets in the order it sends them.</summary>
    private static Queue<byte[]> Script(Random random, int c, bool onePair)
    {
        var client = onePair ? 0x7F000001u : 0x0A000000u + (uint)random.Next(64);
        var server = onePair ? 0x7F000001u : 0x0A010000u + (uint)random.Next(16);
        var clientPort = (ushort)(20_000 + c);
        var packets = new List<byte[]>();
        var rounds = random.Next(3) == 0 ? 2 : 1; // a third reuse their ports for a second connection
        for (var round = 0; round < rounds; round++)
        {
            var isn = (uint)random.Next();
            var serverIsn = (uint)random.Next();
            packets.Add(Segment(random, client, clientPort, server, 80, isn, 0, 0x02, []));
            packets.Add(Segment(random, server, 80, client, clientPort, serverIsn, isn + 1, 0x12, []));
            packets.Add(Segment(random, client, clientPort, server, 80, isn + 1, serverIsn + 1, 0x10, []));
            var next = new[] { isn + 1, serverIsn + 1 };
            byte[]? held = null;
            for (var k = random.Next(2, 12); k > 0; k--)
            {
                var d = random.Next(2);
                var data = new byte[random.Next(1, 300)];
                random.NextBytes(data);
                var (from, fromPort, to, toPort) = d == 0 ? (client, clientPort, server, (ushort)80) : (server, (ushort)80, client, clientPort);
                var segment = Segment(random, from, fromPort, to, toPort, next[d], next[1 - d], 0x18, data);
                var roll = random.Next(20);
                if (roll == 0)
                {
                    // Lost: the peer's acknowledgment of later bytes makes it a gap.
                }
                else if (roll == 1 && held is null)
                {
                    held = segment; // sent after the next one: out of order
                }
                else if (roll == 2)
                {
                    // Split into two IP fragments that arrive in either order.
                    var (first, second) = Fragments(random, segment);
                    packets.AddRange(random.Next(2) == 0 ? new[] { first, second } : new[] { second, first });
                }
                else
                {
                    packets.Add(segment);
                    if (roll == 3)
                    {
                        // Retransmitted with other bytes: the first copy wins, the conflict is counted.
                        var other = (byte[])segment.Clone();
                        other[^1] ^= 0xff;
                        packets.Add(other);
                    }
                }

                if (held is not null && roll != 1)
                {
                    packets.Add(held);
                    held = null;
                }

                next[d] += (uint)data.Length;
                packets.Add(Segment(random, to, toPort, from, fromPort, next[1 - d], next[d], 0x10, []));
            }

            if (held is not null)
            {
                packets.Add(held);
            }

            switch (round + 1 < rounds && random.Next(2) == 0 ? 1 : random.Next(4))
            {
                case 0:
                    packets.Add(Segment(random, client, clientPort, server, 80, next[0], next[1], 0x14, [])); // RST
                    break;
                case 1:
                    break; // left open: idle, the end of the capture, or a new connection on its ports
                default:
                    packets.Add(Segment(random, client, clientPort, server, 80, next[0], next[1], 0x11, []));
                    packets.Add(Segment(random, server, 80, client, clientPort, next[1], next[0] + 1, 0x11, []));
                    packets.Add(Segment(random, client, clientPort, server, 80, next[0] + 1, next[1] + 1, 0x10, []));
                    break;
            }
        }

        return new Queue<byte[]>(packets);
    }

    /// <summary>An IPv4 packet (a random identification) carrying a TCP segment (no options) with these ports, numbers, flags and data.</summary>
    internal static byte[] Segment(Random random, uint source, ushort sourcePort, uint destination, ushort destinationPort, uint sequence, uint acknowledgment, byte flags, byte[] data)
    {
        var tcp = new byte[20 + data.Length];
        tcp[0] = (byte)(sourcePort >> 8);
        tcp[1] = (byte)sourcePort;
        tcp[2] = (byte)(destinationPort >> 8);
        tcp[3] = (byte)destinationPort;
        Put(tcp, 4, sequence);
        Put(tcp, 8, acknowledgment);
        tcp[12] = 0x50;
        tcp[13] = flags;
        tcp[14] = 0xff;
        data.CopyTo(tcp, 20);
        return Ipv4(source, destination, 6, (ushort)random.Next(), 0, false, tcp);
    }

    private static (byte[] First, byte[] Second) Fragments(Random random, byte[] packet)
    {
        var payload = packet.AsSpan(20);
        var split = Math.Max(8, (payload.Length / 2) & ~7);
        var id = (ushort)random.Next();
        var source = Read(packet, 12);
        var destination = Read(packet, 16);
        return (Ipv4(source, destination, 6, id, 0, true, payload[..split].ToArray()),
                Ipv4(source, destination, 6, id, split / 8, false, payload[split..].ToArray()));
    }

    private static byte[] Ipv4(uint source, uint destination, byte protocol, ushort id, int offset, bool more, byte[] payload)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        packet[2] = (byte)(packet.Length >> 8);
        packet[3] = (byte)packet.Length;
        packet[4] = (byte)(id >> 8);
        packet[5] = (byte)id;
        var fragment = (more ? 0x2000 : 0) | offset;
        packet[6] = (byte)(fragment >> 8);
        packet[7] = (byte)fragment;
        packet[8] = 64;
        packet[9] = protocol;
        Put(packet, 12, source);
        Put(packet, 16, destination);
        payload.CopyTo(packet, 20);
        return packet;
    }

    /// <summary>An IPv6 packet from 2001:db8::<paramref name="source"/> to 2001:db8::<paramref name="destination"/> carrying an IPv4 packet (next header 4).</summary>
    private static byte[] Ipv4InIpv6(byte source, byte destination, byte[] ipv4)
    {
        var packet = new byte[40 + ipv4.Length];
        packet[0] = 0x60;
        packet[4] = (byte)(ipv4.Length >> 8);
        packet[5] = (byte)ipv4.Length;
        packet[6] = 4;
        packet[7] = 64;
        foreach (var (at, host) in new[] { (8, source), (24, destination) })
        {
            packet[at] = 0x20;
            packet[at + 1] = 0x01;
            packet[at + 2] = 0x0d;
            packet[at + 3] = 0xb8;
            packet[at + 15] = host;
        }

        ipv4.CopyTo(packet, 40);
        return packet;
    }

    private static byte[] Udp(ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var datagram = new byte[8 + payload.Length];
        datagram[0] = (byte)(sourcePort >> 8);
        datagram[1] = (byte)sourcePort;
        datagram[2] = (byte)(destinationPort >> 8);
        datagram[3] = (byte)destinationPort;
        datagram[4] = (byte)(datagram.Length >> 8);
        datagram[5] = (byte)datagram.Length;
        payload.CopyTo(datagram, 8);
        return datagram;
    }

    private static void Put(byte[] to, int at, uint value)
    {
        to[at] = (byte)(value >> 24);
        to[at + 1] = (byte)(value >> 16);
        to[at + 2] = (byte)(value >> 8);
        to[at + 3] = (byte)value;
    }

    private static uint Read(byte[] from, int at) => (uint)(from[at] << 24 | from[at + 1] << 16 | from[at + 2] << 8 | from[at + 3]);

    /// <summary>Fails at the given piece of data, naming its frame.</summary>
    private sealed class Failing(int at) : ITcpStreamHandler
    {
        private int _calls;

        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
        {
            if (++_calls == at)
            {
                throw new InvalidOperationException($"the handler fails at frame {frame}, stream {stream.Index}, offset {offset}");
            }
        }

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
        {
        }

        public int Closes { get; set; }

        public void OnClose(TcpStream stream) => Closes++;
    }

    /// <summary>Writes every handler call with the connection's counters as the handler sees them then.</summary>
    private sealed class Recorder(StringBuilder log) : ITcpStreamHandler
    {
        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame) =>
            log.Append(CultureInfo.InvariantCulture,
                $"data {State(stream)} {direction} {offset} {data.Length} {Hash(data)} {frame} {stream.Acknowledgment[direction]}\n");

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason) =>
            log.Append(CultureInfo.InvariantCulture, $"gap {State(stream)} {direction} {offset} {length} {reason}\n");

        public void OnClose(TcpStream stream) =>
            log.Append(CultureInfo.InvariantCulture, $"close {stream.ClosedBy} {State(stream)}\n");

        private static string State(TcpStream s) => string.Create(CultureInfo.InvariantCulture,
            $"#{s.Index} {s.Client} {s.FirstFrame}-{s.LastFrame} d{s.Delivered[0]}/{s.Delivered[1]} m{s.Missing[0]}/{s.Missing[1]} c{s.Conflicts} o{s.OutOfWindow} f{s.FinFrame[0]}/{s.FinFrame[1]} w{s.FirstWholeDirection} g{s.Gaps.Count} {s.ClosedBy}");
    }
}
