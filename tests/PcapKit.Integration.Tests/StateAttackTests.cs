using System;
using System.Collections.Generic;
using System.IO;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Reassembly;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>
/// Attacks on the pipeline's state, through the whole extractor (IP and TCP reassembly, the one-pass flow
/// collector) rather than one component: a million flows, a SYN flood, a flood of never-finished fragments and
/// sequence-number jumps in one capture. Memory stays bounded and every eviction is reported. (The components'
/// own bounds are tested next to them: IpReassemblyTests, TcpReassemblerTests, FlowSplitterTests.)
/// </summary>
[Collection(nameof(StateAttackTests))]
public sealed class StateAttackTests : IDisposable
{
    private const int Flows = 1_000_000;
    private const int Fragments = 100_000;
    private const int Jumps = 1_000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pcapkit-attack-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public StateAttackTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AMillionFlows_ASynFlood_AFragmentFlood_AndSequenceJumps_StayBounded_AndEveryEvictionIsReported()
    {
        var capture = Path.Combine(_folder, "attack.pcap");
        var frames = Write(capture);

        var bounds = (Streams: 10_000, Flows: 10_000, Datagrams: 1_000, FragmentBytes: 1L << 20);
        var reports = new Dictionary<ReassemblyReportKind, long>();
        var streamsEnded = new Dictionary<string, long>(StringComparer.Ordinal);
        var flowsEnded = new Dictionary<string, long>(StringComparer.Ordinal);
        var handler = new EndCounter(streamsEnded);

        // Measured from what the process holds before the run (other tests' caches are not the run's).
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peakMemory = 0;
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture,
            NoFile = true,
            Registry = Packs.Registry,
            ReassembleIp = true,
            ReassembleTcp = true,
            IpReassembly = new IpReassemblyOptions { MaxDatagrams = bounds.Datagrams, MaxBufferedBytes = bounds.FragmentBytes },
            TcpReassembly = new TcpReassemblyOptions { MaxStreams = bounds.Streams, MaxEndedStreams = 1_000 },
            TcpStreamHandler = handler,
            ReassemblyReport = r => reports[r.Kind] = reports.GetValueOrDefault(r.Kind) + 1,
            Flows = new FlowCollectorOptions { MaxFlows = bounds.Flows, KeepFrames = false },
            FlowEnded = f => flowsEnded[f.EndedBy] = flowsEnded.GetValueOrDefault(f.EndedBy) + 1,
        }))
        {
            while (extractor.TryExtractNext(out _))
            {
                if (extractor.FramesRead % 100_000 == 0)
                {
                    peakMemory = Math.Max(peakMemory, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                }
            }

            var result = extractor.Complete();
            Assert.Equal(frames, result.Summary.Frames);
        }

        _output.WriteLine($"{frames:N0} frames; peak managed memory {peakMemory / 1048576.0:N1} MiB over the {baseline / 1048576.0:N1} MiB before the run");
        _output.WriteLine("TCP streams ended: " + string.Join(", ", streamsEnded));
        _output.WriteLine("flows ended: " + string.Join(", ", flowsEnded));
        _output.WriteLine("IP reassembly reports: " + string.Join(", ", reports));

        // Memory: the state is bounded by the options, not by the million flows (each open flow is some hundreds of bytes).
        Assert.True(peakMemory < 48L * 1024 * 1024, $"peak managed memory {peakMemory:N0} bytes over the {baseline:N0} before the run");

        // Every TCP connection ends and is reported once: all but the last 10,000 evicted.
        Assert.Equal(Flows + Jumps, Sum(streamsEnded));
        Assert.InRange(streamsEnded.GetValueOrDefault("evicted"), Flows + Jumps - bounds.Streams, Flows + Jumps);

        // The jumps are counted as out of the window, and none of their bytes delivered or held.
        Assert.Equal(Jumps, handler.OutOfWindow);
        Assert.Equal(0, handler.Delivered);

        // Every flow (the TCP connections, the jumping connections, each fragmented datagram's flow) ends and is reported.
        Assert.True(flowsEnded.GetValueOrDefault("evicted") >= Flows - bounds.Flows, $"{flowsEnded.GetValueOrDefault("evicted")} flows evicted");

        // Every unfinished datagram is reported: evicted by the count bound or incomplete at the end.
        Assert.Equal(Fragments, reports.GetValueOrDefault(ReassemblyReportKind.Evicted) + reports.GetValueOrDefault(ReassemblyReportKind.Incomplete));
    }

    private static long Sum(Dictionary<string, long> counts)
    {
        long sum = 0;
        foreach (var (_, count) in counts)
        {
            sum += count;
        }

        return sum;
    }

    /// <summary>
    /// Writes the attack as raw IPv4 (link type 228): a SYN from each of a million (source, port) pairs; every tenth
    /// frame a first fragment of a UDP datagram that never completes; then 1,000 connections whose data jumps 2^31
    /// ahead. Returns the frames written.
    /// </summary>
    private static long Write(string path)
    {
        using var writer = PcapWriter.Create(path, LinkTypes.Ipv4);
        var frame = new byte[40];
        long written = 0;
        var time = 1_700_000_000_000_000UL;
        for (var i = 0; i < Flows; i++)
        {
            Tcp(frame, source: 0x0A000000u + (uint)(i >> 16), sourcePort: (ushort)i, sequence: (uint)i * 7919, flags: 0x02, payload: 0);
            writer.Write(new CaptureTimestamp(time++, TimestampResolution.Microseconds), frame, 40);
            written++;
            if (i % 10 == 0 && i / 10 < Fragments)
            {
                var fragment = new byte[28];
                var id = i / 10;
                fragment[0] = 0x45;
                fragment[3] = 28;
                fragment[4] = (byte)(id >> 8);
                fragment[5] = (byte)id;
                fragment[6] = 0x20;             // more fragments, offset 0
                fragment[8] = 64;
                fragment[9] = 17;
                fragment[12] = 172;
                fragment[13] = 16;
                fragment[14] = (byte)(id >> 16);
                fragment[15] = 1;
                fragment[16] = 172;
                fragment[17] = 16;
                fragment[19] = 2;
                writer.Write(new CaptureTimestamp(time++, TimestampResolution.Microseconds), fragment, 28);
                written++;
            }
        }

        var data = new byte[60];
        for (var j = 0; j < Jumps; j++)
        {
            // A connection's SYN, then data 2^31 past its sequence number: counted as out of window, not held.
            Tcp(data, source: 0xC0A80001u, sourcePort: (ushort)(10_000 + j), sequence: 1000, flags: 0x02, payload: 0);
            writer.Write(new CaptureTimestamp(time++, TimestampResolution.Microseconds), data.AsSpan(0, 40), 40);
            Tcp(data, source: 0xC0A80001u, sourcePort: (ushort)(10_000 + j), sequence: 1001u + 0x8000_0000u, flags: 0x18, payload: 20);
            writer.Write(new CaptureTimestamp(time++, TimestampResolution.Microseconds), data, 60);
            written += 2;
        }

        return written;
    }

    private static void Tcp(byte[] frame, uint source, ushort sourcePort, uint sequence, byte flags, int payload)
    {
        Array.Clear(frame);
        frame[0] = 0x45;
        frame[2] = (byte)((40 + payload) >> 8);
        frame[3] = (byte)(40 + payload);
        frame[8] = 64;
        frame[9] = 6;
        frame[12] = (byte)(source >> 24);
        frame[13] = (byte)(source >> 16);
        frame[14] = (byte)(source >> 8);
        frame[15] = (byte)source;
        frame[16] = 10;
        frame[17] = 99;
        frame[19] = 1;
        frame[20] = (byte)(sourcePort >> 8);
        frame[21] = (byte)sourcePort;
        frame[23] = 80;
        frame[24] = (byte)(sequence >> 24);
        frame[25] = (byte)(sequence >> 16);
        frame[26] = (byte)(sequence >> 8);
        frame[27] = (byte)sequence;
        frame[32] = 0x50;
        frame[33] = flags;
        frame[34] = 0xff;
        frame[35] = 0xff;
    }

    private sealed class EndCounter(Dictionary<string, long> ended) : ITcpStreamHandler
    {
        public void OnData(TcpStream stream, int direction, long offset, ReadOnlySpan<byte> data, long frame)
        {
        }

        public void OnGap(TcpStream stream, int direction, long offset, long length, string reason)
        {
        }

        public long OutOfWindow { get; private set; }

        public long Delivered { get; private set; }

        public void OnClose(TcpStream stream)
        {
            ended[stream.ClosedBy ?? "?"] = ended.GetValueOrDefault(stream.ClosedBy ?? "?") + 1;
            OutOfWindow += stream.OutOfWindow;
            Delivered += stream.Delivered[0] + stream.Delivered[1];
        }
    }
}

/// <summary>The state attacks measure the process's managed memory, so they run alone, after the tests that run in parallel.</summary>
[CollectionDefinition(nameof(StateAttackTests), DisableParallelization = true)]
public sealed class StateAttackCollection;
