using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Reassembly;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>
/// The one-pass flow collector (<see cref="ExtractionOptions.Flows"/>) sharded over threads: each shard keeps the flows
/// of its connections and address pairs, and the reading thread hands the program each flow at the frame that ended
/// it, in the one-thread order. A generated capture — a few hundred connections (FIN, RST, idle, ports reused), UDP
/// conversations that go idle across pauses, ICMP, later fragments without their first, UDP datagrams fragmented
/// inside IP-in-IP tunnels (reassembled on the inner pair's shard, collected on the outer pair's), a clock that now
/// and then runs backwards — gives on 1 to 5 shards every flow the one-thread run gives: where it is handed over
/// among the frames, its frames, payload per direction, counts, reason and connection as the program sees it then.
/// </summary>
public sealed class ShardedFlowCollectorTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pcapkit-sharded-collector-" + Guid.NewGuid().ToString("N"));

    public ShardedFlowCollectorTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(21, false, true)]
    [InlineData(22, true, true)]
    [InlineData(23, false, false)]
    [InlineData(24, true, false)]
    public void ManyFlows_CollectedOnShards_AreHandedOverAsOnOneThread(int seed, bool clockRunsBackwards, bool ipReassembly)
    {
        var capture = Path.Combine(_folder, $"collector-{seed}.pcap");
        var frames = ShardedReassemblyTests.Generate(capture, seed, connections: 300, clockRunsBackwards, otherTraffic: true, datagrams: true);
        var one = Run(capture, threads: 1, shards: null, ipReassembly);
        foreach (var reason in new[] { " fin ", " rst ", " idle ", " new connection ", " end of capture " })
        {
            Assert.Contains(reason, one, StringComparison.Ordinal);
        }

        // Flows handed over in the middle of the capture (not only at its end), tunnels' flows with their inner payload.
        Assert.Matches(@"flow .* idle .*\nframe ", one);
        Assert.Equal(ipReassembly, one.Contains("]:4789 proto 4 ", StringComparison.Ordinal));
        Assert.Contains($"frames {frames} ", one, StringComparison.Ordinal);
        foreach (var (threads, shards) in new (int, int?)[] { (2, 1), (2, 2), (3, null), (4, 3), (3, 5) })
        {
            var many = Run(capture, threads, shards, ipReassembly);
            Assert.True(one == many, $"{threads} threads, {shards} shards: first difference at line {ShardedReassemblyTests.FirstDifference(one, many)}");
        }
    }

    [Fact]
    public void FlowsEvictedOnShards_AreHandedOverAsOnOneThread_AndTheSameWhateverTheThreads()
    {
        // MaxFlows reached: each shard holds its share of the bound (FlowCollectorOptions.ForShard), so the flows it
        // evicts are its own oldest. One shard must evict as one thread does; a given number of shards the same however
        // many threads run them; and every frame of a flow is in exactly one flow handed over, evicted or not.
        var capture = Path.Combine(_folder, "evicted.pcap");
        ShardedReassemblyTests.Generate(capture, seed: 26, connections: 300, otherTraffic: true, datagrams: true);
        var one = Run(capture, threads: 1, shards: null, ipReassembly: true, maxFlows: 24);
        Assert.Contains(" evicted stream", one, StringComparison.Ordinal);
        Assert.Equal(one, Run(capture, threads: 2, shards: 1, ipReassembly: true, maxFlows: 24));
        foreach (var shards in new[] { 2, 3 })
        {
            var sharded = Run(capture, threads: 2, shards, ipReassembly: true, maxFlows: 24);
            Assert.Contains(" evicted stream", sharded, StringComparison.Ordinal);
            var more = Run(capture, threads: 4, shards, ipReassembly: true, maxFlows: 24);
            Assert.True(sharded == more, $"{shards} shards on 2 and 4 threads: first difference at line {ShardedReassemblyTests.FirstDifference(sharded, more)}");
            Assert.Equal(FramesInFlows(one), FramesInFlows(sharded));
        }

        // Without the bound the same capture evicts nothing.
        Assert.DoesNotContain(" evicted stream", Run(capture, threads: 1, shards: null, ipReassembly: true), StringComparison.Ordinal);
    }

    // The frames counted over every flow handed over ("flow SRC > DST proto P FIRST COUNT …"): each frame of a flow once,
    // whichever flow holds it.
    private static long FramesInFlows(string log) =>
        log.Split('\n').Where(l => l.StartsWith("flow ", StringComparison.Ordinal)).Sum(l => long.Parse(l.Split(' ')[7], CultureInfo.InvariantCulture));

    [Fact]
    public void AStoppedShardedRun_HandsOverOnlyTheFlowsEndedBeforeTheStop()
    {
        // The run stops (here the callback throws) with the shards ahead of the frames delivered: the flows ended at
        // the frames before the stop were handed over as on one thread; nothing is handed over afterwards.
        var capture = Path.Combine(_folder, "stopped.pcap");
        ShardedReassemblyTests.Generate(capture, seed: 25, connections: 200, otherTraffic: true, datagrams: true);
        var one = RunStopped(capture, threads: 1, stopAt: 2500, out var oneAfterwards);
        Assert.True(oneAfterwards > 0, "one thread hands over the flows it held when completed");
        Assert.Contains(" fin\n", one, StringComparison.Ordinal);
        var sharded = RunStopped(capture, threads: 3, stopAt: 2500, out var shardedAfterwards);
        Assert.Equal(one, sharded);
        Assert.Equal(0, shardedAfterwards);
    }

    private static string RunStopped(string capture, int threads, long stopAt, out int afterwards)
    {
        var log = new StringBuilder();
        var stopped = false;
        var after = 0;
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture, NoFile = true, Registry = Packs.Registry, Threads = threads, StateShards = threads > 1 ? 2 : null,
            ReassembleIp = true,
            Flows = new FlowCollectorOptions { IdleTimeout = TimeSpan.FromSeconds(30), Linger = TimeSpan.FromSeconds(1) },
            FlowEnded = f =>
            {
                if (stopped)
                {
                    after++;
                    return;
                }

                log.Append(CultureInfo.InvariantCulture, $"flow {f.First} {f.FirstFrame} {f.FrameCount} {f.EndedBy}\n");
            },
            Callback = (in ExtractedFrame f) =>
            {
                if (f.Number == stopAt)
                {
                    throw new InvalidOperationException("stop");
                }

                log.Append(CultureInfo.InvariantCulture, $"frame {f.Number}\n");
            },
        }))
        {
            Assert.Equal("stop", Assert.Throws<InvalidOperationException>(() => extractor.Run()).Message);
            stopped = true;
            extractor.Complete();
        }

        afterwards = after;
        return log.ToString();
    }

    private static string Run(string capture, int threads, int? shards, bool ipReassembly, int maxFlows = 100_000)
    {
        var log = new StringBuilder();
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture, NoFile = true, Registry = Packs.Registry, Threads = threads, StateShards = shards,
            ReassembleIp = ipReassembly,
            IpReassembly = new IpReassemblyOptions { Timeout = TimeSpan.FromSeconds(5) },
            TcpReassembly = new TcpReassemblyOptions { IdleTimeout = TimeSpan.FromSeconds(30) },
            Flows = new FlowCollectorOptions { IdleTimeout = TimeSpan.FromSeconds(30), Linger = TimeSpan.FromSeconds(1), MaxFramesPerFlow = 8, MaxFlows = maxFlows },
            FlowEnded = f => log.Append(CultureInfo.InvariantCulture,
                $"flow {f.First} {f.FirstFrame} {f.FrameCount} [{string.Join(',', f.Frames.Select(x => x.Number))}] {f.PayloadBytes[0]} {f.PayloadBytes[1]} " +
                $"{ShardedReassemblyTests.Hash(f.GetPayload(0).Span)} {ShardedReassemblyTests.Hash(f.GetPayload(1).Span)} {f.EndedBy} " +
                $"stream {f.Stream?.Index} {f.Stream?.ClosedBy} {f.Stream?.LastFrame} {f.Stream?.Delivered[0]} {f.Stream?.Delivered[1]}\n"),
            Callback = (in ExtractedFrame f) => log.Append(CultureInfo.InvariantCulture, $"frame {f.Number} {f.Stream?.Index}\n"),
        });
        var result = extractor.Run();
        log.Append(CultureInfo.InvariantCulture, $"frames {result.Summary.Frames} \n");
        return log.ToString();
    }
}
