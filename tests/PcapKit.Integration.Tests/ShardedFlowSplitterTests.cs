using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Flows;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>
/// The flow splitter sharded over threads (<see cref="ExtractionOptions.StateShards"/>): each shard splits the flows of
/// its address pairs, and the splitter merges the parts in the order one thread ends flows. A generated capture of a
/// few hundred connections between many hosts — FIN and RST closes, ports reused (file names that collide in a second),
/// idle pauses and hard timeouts, segments in IP fragments that arrive in either order, first fragments that never
/// complete, later fragments whose first one never comes (flows made at the end), ICMP between the same hosts — gives
/// on 1 to 5 shards the one-thread run's files, byte for byte and by name, its index line by line and its skipped counts;
/// and PyPCAPKit's TCP trace, sharded the same way, its flows and files.
/// </summary>
public sealed class ShardedFlowSplitterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pcapkit-sharded-flows-" + Guid.NewGuid().ToString("N"));

    public ShardedFlowSplitterTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(11, false, false, true)]
    [InlineData(12, true, false, false)]
    [InlineData(13, false, true, true)]
    public void ManyFlows_SplitOnShards_GiveTheOneThreadRunsFilesAndIndex(int seed, bool clockRunsBackwards, bool withReassembly, bool namesCollide)
    {
        var capture = Path.Combine(_folder, $"flows-{seed}.pcap");
        var frames = ShardedReassemblyTests.Generate(capture, seed, connections: 400, clockRunsBackwards, otherTraffic: true);
        var one = Split(capture, "one", threads: 1, shards: null, withReassembly);
        foreach (var closedBy in new[] { ",fin\n", ",rst\n", ",timeout\n", ",end of capture\n" })
        {
            Assert.Contains(closedBy, one, StringComparison.Ordinal);
        }

        Assert.Contains("others/", one, StringComparison.Ordinal);
        Assert.Equal(namesCollide, one.Contains("-2.pcap,", StringComparison.Ordinal)); // a name taken twice in a second (these seeds make one or not)
        Assert.Contains("written " + frames.ToString(CultureInfo.InvariantCulture), one, StringComparison.Ordinal); // -u -v -x: every packet written
        foreach (var (threads, shards) in new (int, int?)[] { (2, 1), (2, 2), (3, null), (4, 3), (3, 5) })
        {
            var many = Split(capture, $"{threads}-{shards}", threads, shards, withReassembly);
            Assert.True(one == many, $"{threads} threads, {shards} shards: first difference at line {ShardedReassemblyTests.FirstDifference(one, many)}");
        }
    }

    [Theory]
    [InlineData(OutputFormat.Pcap, true, false)]
    [InlineData(OutputFormat.Json, false, false)]
    [InlineData(OutputFormat.Tree, true, true)]
    public void TheTcpTrace_OnShards_GivesTheOneThreadRunsFlowsAndFiles(OutputFormat format, bool bidirectional, bool ipReassembly)
    {
        // The trace is sharded as the splitter is, unless its documents must embed IP-reassembled datagrams (then the
        // reading thread traces, and the outputs must be the same all the same).
        var capture = Path.Combine(_folder, $"trace-{format}.pcap");
        ShardedReassemblyTests.Generate(capture, seed: 16, connections: 300, otherTraffic: true);
        var one = Trace(capture, "one", format, bidirectional, ipReassembly, threads: 1, shards: null);
        foreach (var closedBy in bidirectional ? new[] { " fin ", " rst ", " end of capture " } : [" fin ", " syn ", " end of capture "])
        {
            Assert.Contains(closedBy, one, StringComparison.Ordinal);
        }

        foreach (var (threads, shards) in new (int, int?)[] { (2, 2), (3, null), (4, 3) })
        {
            var many = Trace(capture, $"{threads}-{shards}", format, bidirectional, ipReassembly, threads, shards);
            Assert.True(one == many, $"{threads} threads, {shards} shards: first difference at line {ShardedReassemblyTests.FirstDifference(one, many)}");
        }
    }

    [Fact]
    public void ACancelledShardedRun_LeavesOnlyPartialFiles_AndNoIndex_EvenWhenTheExtractorIsDisposedFirst_SplitterAndTrace()
    {
        // The shards may have split frames beyond the one the run stopped on: the extractor does not finish the splitter.
        var capture = Path.Combine(_folder, "cancelled.pcap");
        ShardedReassemblyTests.Generate(capture, seed: 14, connections: 200, otherTraffic: true);
        var folder = Path.Combine(_folder, "cancelled");
        using var cancel = new CancellationTokenSource();
        using (var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true, TcpWithoutSyn = true, Others = true }))
        {
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter], Threads = 3, StateShards = 2,
                Callback = (in ExtractedFrame f) =>
                {
                    if (f.Number == 1500)
                    {
                        cancel.Cancel();
                    }
                },
            }))
            {
                Assert.Throws<OperationCanceledException>(() => extractor.Run(cancel.Token));
            }

            // Every frame before the one the run stopped on reached its shard, and was written to its flow's file — a lower
            // bound: the frames of this raw IPv4 capture that are not later fragments (Generate's other traffic has later
            // fragments whose first never comes; they are held until the end and not counted). The shards may have gone
            // further. (An earlier version of this test wanted 1,499, counting the held fragments, and failed one run in
            // ten, when the shards had stopped right after the stopping frame's batch.)
            var written = 0;
            using (var reader = CaptureReader.Open(capture))
            {
                for (var number = 1; number < 1500 && reader.TryReadNext(out var record); number++)
                {
                    // Raw IPv4: the fragment offset in bytes 6–7.
                    written += (BinaryPrimitives.ReadUInt16BigEndian(record.Data[6..]) & 0x1FFF) == 0 ? 1 : 0;
                }
            }

            Assert.InRange(written, 1400, 1499);
            Assert.True(splitter.PacketsWritten >= written, $"{splitter.PacketsWritten} packets split before the cancellation, {written} expected at least");
        }

        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.EndsWith(".partial", f, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(folder, "flows.csv")));

        // The trace the extractor runs, sharded too: disposing the extractor after the cancellation finishes nothing.
        var traced = Path.Combine(_folder, "cancelled-trace");
        using var stop = new CancellationTokenSource();
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture, Registry = Packs.Registry, NoFile = true, Threads = 3, StateShards = 2, ReassembleTcp = true,
            Trace = new TcpTraceOptions { OutputDirectory = traced },
            Callback = (in ExtractedFrame f) =>
            {
                if (f.Number == 1500)
                {
                    stop.Cancel();
                }
            },
        }))
        {
            Assert.Throws<OperationCanceledException>(() => extractor.Run(stop.Token));
            Assert.Null(extractor.Complete().Trace);
        }

        // Flows that ended before (or, on a shard ahead of the reading thread, after) the frame the run stopped on have
        // their final names: each such file is exactly the uninterrupted run's; the others stay .partial.
        var whole = Path.Combine(_folder, "whole-trace");
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture, Registry = Packs.Registry, NoFile = true, ReassembleTcp = true, Trace = new TcpTraceOptions { OutputDirectory = whole },
        }))
        {
            extractor.Run();
        }

        var traceFiles = Directory.GetFiles(traced);
        Assert.Contains(traceFiles, f => f.EndsWith(".partial", StringComparison.Ordinal));
        foreach (var file in traceFiles.Where(f => !f.EndsWith(".partial", StringComparison.Ordinal)))
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(whole, Path.GetFileName(file)))), Path.GetFileName(file));
        }
    }

    [Fact]
    public void AFileThatCannotBeWritten_OnAShard_FailsTheRunWithAnIOException_AndWritesNoIndex()
    {
        var capture = Path.Combine(_folder, "blocked.pcap");
        ShardedReassemblyTests.Generate(capture, seed: 15, connections: 100, otherTraffic: true);
        var folder = Path.Combine(_folder, "blocked");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "others"), "not a folder");
        var error = Assert.ThrowsAny<IOException>(() =>
        {
            using var splitter = new FlowSplitter(new FlowSplitterOptions { OutputDirectory = folder, Udp = true, TcpWithoutSyn = true, Others = true, FlowBufferSize = 1024, MaxBufferedBytes = 8192 });
            using var extractor = new Extractor(new ExtractionOptions { InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter], Threads = 3, StateShards = 2 });
            extractor.Run();
        });
        Assert.Contains("others", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "flows.csv")), "a failed split writes no index");
    }

    /// <summary>Traces TCP; the flows as the result lists them and every file's name and bytes.</summary>
    private string Trace(string capture, string name, OutputFormat format, bool bidirectional, bool ipReassembly, int threads, int? shards)
    {
        var folder = Path.Combine(_folder, Path.GetFileNameWithoutExtension(capture) + "-" + name);
        TcpTraceResult trace;
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = capture, Registry = Packs.Registry, NoFile = true, Threads = threads, StateShards = shards,
            ReassembleIp = ipReassembly, ReassembleTcp = true,
            Trace = new TcpTraceOptions { OutputDirectory = folder, Format = format, Bidirectional = bidirectional, MaxOpenFiles = 8 },
        }))
        {
            trace = extractor.Run().Trace!;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"segments {trace.Segments}\n");
        foreach (var flow in trace.Flows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{flow.File} {flow.Label} {flow.ClosedBy} {flow.Dropped} [{string.Join(',', flow.Frames)}]\n");
        }

        AppendFiles(text, folder);
        return text.ToString();
    }

    /// <summary>Splits with every flag, FIN/RST closes and both timeouts; the index, the skipped counts and every file's name and bytes.</summary>
    private string Split(string capture, string name, int threads, int? shards, bool withReassembly)
    {
        var folder = Path.Combine(_folder, Path.GetFileNameWithoutExtension(capture) + "-" + name);
        FlowSplitResult result;
        using (var splitter = new FlowSplitter(new FlowSplitterOptions
        {
            OutputDirectory = folder, Udp = true, TcpWithoutSyn = true, Others = true, CloseOnFinOrReset = true,
            IdleTimeout = TimeSpan.FromSeconds(30), HardTimeout = TimeSpan.FromSeconds(60), MaxOpenFiles = 16,
        }))
        {
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = capture, Registry = Packs.Registry, NoFile = true, Consumers = [splitter], Threads = threads, StateShards = shards,
                Layer = withReassembly ? null : FlowSplitter.DeepestLayer, ReassembleIp = withReassembly, ReassembleTcp = withReassembly,
            }))
            {
                extractor.Run();
            }

            result = splitter.Finish();
        }

        var text = new StringBuilder();
        text.Append(File.ReadAllText(Path.Combine(folder, "flows.csv")));
        text.Append(File.ReadAllText(Path.Combine(folder, "skipped.csv")));
        text.Append(CultureInfo.InvariantCulture, $"written {result.PacketsWritten} flows {result.Flows.Count}\n");
        AppendFiles(text, folder);
        return text.ToString();
    }

    /// <summary>Every file under the folder, by name, with a hash of its bytes.</summary>
    private static void AppendFiles(StringBuilder text, string folder)
    {
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(folder, file)} {ShardedReassemblyTests.Hash(File.ReadAllBytes(file))}\n");
        }
    }
}
