using System;
using System.IO;
using System.Linq;
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

    [Fact]
    public void ARunThatKeepsState_RunsOnOneThread_AndGivesTheSameResult()
    {
        // Reassembly keeps state across frames: Threads is ignored (the sharded design is in the README), the result is the same.
        var sequential = new ExtractionOptions { InputPath = Sample, NoFile = true, Registry = Packs.Registry, ReassembleTcp = true };
        var parallel = new ExtractionOptions { InputPath = Sample, NoFile = true, Registry = Packs.Registry, ReassembleTcp = true, Threads = 4 };
        using var a = new Extractor(sequential);
        using var b = new Extractor(parallel);
        var ra = a.Run();
        var rb = b.Run();
        Assert.Equal(ra.Summary, rb.Summary);
        Assert.Equal(ra.Streams.Select(s => (s.Index, s.Delivered[0], s.Delivered[1])), rb.Streams.Select(s => (s.Index, s.Delivered[0], s.Delivered[1])));
    }

    [Fact]
    public void Progress_IsReported_AsBatchesAreWritten()
    {
        var calls = 0;
        using var extractor = new Extractor(new ExtractionOptions { InputPath = Sample, NoFile = true, Registry = Packs.Registry, Threads = 2 });
        var result = extractor.Run(() => calls++, default);
        Assert.InRange(calls, 1, result.Summary.Frames);
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
}
