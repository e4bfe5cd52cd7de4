using System;
using System.IO;
using System.Globalization;
using System.Linq;
using System.Text;
using PcapKit.Flows;
using PcapKit.Reassembly;
using PcapKit.Extraction;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>
/// <see cref="ExtractionOptions.Threads"/>: the JSON document of a run on several threads is the one-thread run's,
/// byte for byte — for every corpus capture, the damaged ones (same frames before the damage, same error) included.
/// </summary>
public sealed class ParallelExtractionTests : IDisposable
{
    private static readonly string Sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-parallel-").FullName;

    public static TheoryData<string> Captures() => Corpus.CaptureRows();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void EveryCorpusCapture_GivesTheSameDocument_OnOneThreadAndOnThree(string capture)
    {
        Corpus.Require();
        var one = Extract(Corpus.File(capture), threads: 1, select: null);
        var three = Extract(Corpus.File(capture), threads: 3, select: null);
        Assert.Equal(one.Error, three.Error);
        Assert.Equal(one.Summary, three.Summary);
        Assert.True(one.Json.AsSpan().SequenceEqual(three.Json), $"{capture}: the documents differ");
    }

    [Fact]
    public void TheSample_WithASelection_GivesTheSameDocument_AndCounts()
    {
        var tcp = Packs.Registry.IndexOf("tcp");
        FrameSelector select = (in ExtractedFrame f) => f.Frame.Layers.ToArray().Any(l => l.Protocol == tcp);
        var one = Extract(Sample, threads: 1, select);
        var two = Extract(Sample, threads: 2, select);
        Assert.Equal(one.Summary, two.Summary);
        Assert.True(one.Summary!.Selected > 0 && one.Summary.Selected < one.Summary.Frames);
        Assert.True(one.Json.AsSpan().SequenceEqual(two.Json));
    }

    [Fact]
    public void AStream_WhoseRecordsAreCopiedIntoTheBatches_GivesTheSameDocument()
    {
        // A file is mapped and its records are read where they are; a stream's are copied: both ways agree.
        var one = Extract(Sample, threads: 1, select: null);
        using var input = new MemoryStream(File.ReadAllBytes(Sample));
        using var output = new MemoryStream();
        using (var extractor = new Extractor(new ExtractionOptions { InputStream = input, InputPath = Sample, OutputStream = output, Registry = Packs.Registry, Threads = 3 }))
        {
            extractor.Run();
        }

        Assert.True(one.Json.AsSpan().SequenceEqual(output.ToArray()));
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void EveryCorpusCapture_ThroughEveryStageThatKeepsState_GivesTheSameResults_OnOneThreadAndOnThree(string capture)
    {
        // The workers only dissect; reassembly and the splitter run on two shards, merged in order, and the flows, the
        // callback, the selector, the tree output and the stored frames see the frames in order on the reading thread,
        // so everything they make is the sequential run's.
        Corpus.Require();
        var one = RunStateful(Corpus.File(capture), threads: 1);
        var three = RunStateful(Corpus.File(capture), threads: 3);
        Assert.Equal(one.Error, three.Error);
        Assert.Equal(one.Summary, three.Summary);
        Assert.Equal(one.Log, three.Log);
        Assert.True(one.Tree.AsSpan().SequenceEqual(three.Tree), $"{capture}: the tree outputs differ");
    }

    [Fact]
    public void TheSample_ThroughReassembly_OnFourThreads_GivesTheSameStreamsAndFrames()
    {
        var one = RunStateful(Sample, threads: 1);
        var four = RunStateful(Sample, threads: 4);
        Assert.Null(one.Error);
        Assert.Equal(one.Summary, four.Summary);
        Assert.Contains("stream ", one.Log, StringComparison.Ordinal);
        Assert.Contains("flow ", one.Log, StringComparison.Ordinal);
        Assert.Equal(one.Log, four.Log);
        Assert.True(one.Tree.AsSpan().SequenceEqual(four.Tree));
    }

    [Fact]
    public void AWorkersException_ComesOut_AfterTheFramesBeforeIt()
    {
        // An exception on the way (here a selector that throws on one frame) comes out on the caller's thread once
        // every frame before it has gone through, as in the sequential run.
        FrameSelector select = (in ExtractedFrame f) => f.Number == 70 ? throw new InvalidOperationException("frame 70") : true;
        foreach (var threads in new[] { 1, 2 })
        {
            var seen = 0L;
            using var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = Sample, NoFile = true, Registry = Packs.Registry, Threads = threads, Select = select,
                Callback = (in ExtractedFrame f) => seen = f.Number,
            });
            var error = Assert.Throws<InvalidOperationException>(() => extractor.Run());
            Assert.Equal("frame 70", error.Message);
            Assert.Equal(70, seen);
            Assert.Equal(70, extractor.FramesRead);
        }
    }

    [Fact]
    public void TheReadmesFormatter_WritesTheSameLines_OnOneThreadAndOnThree()
    {
        var lines = new[] { 1, 3 }.Select(threads =>
        {
            var path = Path.Combine(_folder, $"tuples.{threads}.csv");
            using (var extractor = new Extractor(new ExtractionOptions { InputPath = Sample, OutputPath = path, Registry = Packs.Registry, Formatter = () => new TupleCsv(), Threads = threads }))
            {
                extractor.Run();
            }

            return File.ReadAllText(path);
        }).ToArray();
        Assert.Equal(lines[0], lines[1]);
        Assert.StartsWith("1,127.0.0.1,40612,127.0.0.1,8080,6\n", lines[0], StringComparison.Ordinal);
        Assert.True(lines[0].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 50);
    }

    [Fact]
    public void Progress_IsReported_AsBatchesAreWritten()
    {
        var calls = 0;
        using var extractor = new Extractor(new ExtractionOptions { InputPath = Sample, NoFile = true, Registry = Packs.Registry, Threads = 2 });
        var result = extractor.Run(() => calls++, default);
        Assert.InRange(calls, 1, result.Summary.Frames);
    }

    [Fact]
    public void AWorkersException_WhileFormatting_ComesOut_AfterTheFramesBeforeItAreWritten()
    {
        // With compact JSON the workers select and format too: the frames before the failing one are written.
        FrameSelector select = (in ExtractedFrame f) => f.Number == 70 ? throw new InvalidOperationException("frame 70") : true;
        using var output = new MemoryStream();
        using (var extractor = new Extractor(new ExtractionOptions { InputPath = Sample, OutputStream = output, Registry = Packs.Registry, Threads = 2, Select = select }))
        {
            var error = Assert.Throws<InvalidOperationException>(() => extractor.Run());
            Assert.Equal("frame 70", error.Message);
            Assert.Equal(69, extractor.FramesRead);
        }

        var json = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("\"number\":69,", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"number\":70,", json, StringComparison.Ordinal);
    }

    private (byte[] Tree, string Log, ExtractionSummary? Summary, string? Error) RunStateful(string capture, int threads)
    {
        var path = Path.Combine(_folder, $"{Path.GetFileName(capture)}.{threads}.txt");
        var log = new StringBuilder();
        string? error = null;
        ExtractionSummary? summary = null;
        var tcp = Packs.Registry.IndexOf("tcp");
        using var splitter = new FlowSplitter(new FlowSplitterOptions
        {
            OutputDirectory = Path.Combine(_folder, $"{Path.GetFileName(capture)}.{threads}.flows"), Udp = true, TcpWithoutSyn = true, Others = true, CloseOnFinOrReset = true,
        });
        try
        {
            using var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = capture, OutputPath = path, Format = OutputFormat.Tree, Registry = Packs.Registry, Threads = threads, Consumers = [splitter],
                ReassembleIp = true, ReassembleTcp = true, TcpReassembly = new TcpReassemblyOptions { Store = true }, Store = true,
                Flows = new FlowCollectorOptions(),
                // On three threads the collector's parts keep the flows on the shards, and the reading thread hands
                // them over at the frame that ended them, in the one-thread order: the callback's lines place them.
                FlowEnded = f => log.Append(CultureInfo.InvariantCulture,
                    $"flow {f.First} {f.FirstFrame} {f.FrameCount} {f.PayloadBytes[0]} {f.PayloadBytes[1]} {f.EndedBy} {f.Stream?.Index} {f.Stream?.Delivered[0]} {f.Stream?.Delivered[1]} " +
                    $"[{string.Join(',', f.Frames.Select(x => x.Number))}] {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.GetPayload(0).Span))[..12]} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.GetPayload(1).Span))[..12]}\n"),
                ReassemblyReport = r => log.Append(CultureInfo.InvariantCulture, $"report {r}\n"),
                Select = (in ExtractedFrame f) => f.Number % 3 != 0 || f.Frame.Layers.ToArray().Any(l => l.Protocol == tcp),
                Callback = (in ExtractedFrame f) => log.Append(CultureInfo.InvariantCulture,
                    $"{f.Number} {f.GetChain()} {f.Frame.Layers.Length} {f.Frame.IsWellFormed} {f.Datagram?.Payload.Length} {f.Stream?.Index}\n"),
            });
            ExtractionResult result;
            try
            {
                result = extractor.Run();
            }
            catch (InvalidDataException ex)
            {
                error = ex.Message;
                result = extractor.Complete();
            }

            summary = result.Summary;
            log.Append(CultureInfo.InvariantCulture, $"stored {result.Frames.Count} datagrams {result.Datagrams.Count}\n");
            var split = splitter.Finish();
            foreach (var flow in split.Flows)
            {
                // On three threads the splitter splits on the shards, its parts merged in the one-thread order.
                log.Append(CultureInfo.InvariantCulture, $"split {flow.File} {flow.Packets} {flow.Bytes} {flow.ClosedBy}\n");
            }

            foreach (var (reason, count) in split.Skipped)
            {
                log.Append(CultureInfo.InvariantCulture, $"skipped {reason} {count}\n");
            }
            foreach (var stream in result.Streams)
            {
                log.Append(CultureInfo.InvariantCulture, $"stream {stream.Index} {stream.Delivered[0]} {stream.Delivered[1]}\n");
            }
        }
        catch (InvalidDataException ex)
        {
            // The file header itself is damaged: nothing at all, either way.
            return ([], log.ToString(), summary, ex.Message);
        }

        return (File.ReadAllBytes(path), log.ToString(), summary, error);
    }

    private (byte[] Json, ExtractionSummary? Summary, string? Error) Extract(string capture, int threads, FrameSelector? select)
    {
        var path = Path.Combine(_folder, $"{Path.GetFileName(capture)}.{threads}.json");
        string? error = null;
        ExtractionSummary? summary = null;
        try
        {
            using var extractor = new Extractor(new ExtractionOptions { InputPath = capture, OutputPath = path, Registry = Packs.Registry, Threads = threads, Select = select });
            try
            {
                summary = extractor.Run().Summary;
            }
            catch (InvalidDataException ex)
            {
                error = ex.Message;
                summary = extractor.Summary;
            }
        }
        catch (InvalidDataException ex)
        {
            // The file header itself is damaged: no document at all, either way.
            error = ex.Message;
            return ([], summary, error);
        }

        return (File.ReadAllBytes(path), summary, error);
    }

    /// <summary>The README's example formatter, as it is there.</summary>
    private sealed class TupleCsv : FrameFormatter
    {
        public override void Format(in ExtractedFrame frame, System.Buffers.IBufferWriter<byte> output)
        {
            if (!frame.TryGetFiveTuple(out var t))
            {
                return;
            }

            var line = $"{frame.Number},{t.FormatAddress(t.Source)},{t.SourcePort},{t.FormatAddress(t.Destination)},{t.DestinationPort},{t.Protocol}\n";
            output.Advance(Encoding.UTF8.GetBytes(line, output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length))));
        }
    }
}
