using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Engines.PacketDotNet;
using PcapKit.Extraction;
using PcapKit.Protocols;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>The extraction pipeline over the sample capture that ships with the repository (no corpus needed).</summary>
public sealed class ExtractionTests : IDisposable
{
    private static readonly string Sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-extract-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int SampleFrames()
    {
        using var reader = CaptureReader.Open(Sample);
        var n = 0;
        foreach (var _ in reader)
        {
            n++;
        }

        return n;
    }

    [Fact]
    public void Run_WithStore_KeepsEveryFrame_DissectedAsAFreshDissectorDissectsIt()
    {
        using var extractor = new Extractor(new ExtractionOptions { InputPath = Sample, Registry = Packs.Registry, Store = true, NoFile = true });
        var result = extractor.Run();
        Assert.Equal(SampleFrames(), result.Frames.Count);
        Assert.Equal(result.Summary.Frames, result.Frames.Count);
        Assert.Equal(CaptureFormat.Pcap, result.Format);
        Assert.Single(result.Interfaces);

        var dissector = new Dissector(Packs.Registry);
        var stack = new LayerStack();
        using var reader = CaptureReader.Open(Sample);
        var i = 0;
        foreach (var record in reader)
        {
            dissector.Dissect(record, stack);
            var fresh = new Frame(record.Data, stack, Packs.Registry);
            var stored = result.Frames[i++];
            Assert.Equal(record.Number, stored.Number);
            Assert.Equal(fresh.GetChain(), stored.GetChain());
            Assert.True(record.Data.SequenceEqual(stored.Data));
            Assert.Equal(fresh.TryGetFiveTuple(out var a), stored.GetFrame().TryGetFiveTuple(out var b));
            Assert.Equal(a, b);
        }

        // Typed access to a stored frame.
        var tcp = result.Frames.First(f => f.GetChain().EndsWith("tcp", StringComparison.Ordinal));
        Assert.True(tcp.GetFrame().TryGet(out Tcp.View view));
        Assert.NotEqual(0, view.SourcePort);
    }

    [Fact]
    public void Foreach_StreamsFrames_AndTheCallbackSeesEachOnce_WithNothingStored()
    {
        var seen = new List<long>();
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = Sample,
            Registry = Packs.Registry,
            NoFile = true,
            Callback = (in ExtractedFrame f) => seen.Add(f.Number),
        });
        var chains = 0;
        foreach (var frame in extractor)
        {
            chains += frame.GetChain().Length > 0 ? 1 : 0;
        }

        var result = extractor.Complete();
        Assert.Equal(SampleFrames(), seen.Count);
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(n => (long)n), seen);
        Assert.Equal(seen.Count, chains);
        Assert.Empty(result.Frames);
    }

    [Fact]
    public void Streaming_WithoutOutput_AllocatesNothingPerFrame()
    {
        // A first pass warms up the JIT; in the second, the extractor is opened and its first frame read before
        // counting, so only the per-frame work is measured.
        Drain(out _);
        var allocated = Drain(out var frames);
        Assert.True(allocated == 0, $"{allocated} bytes allocated over {frames} frames");

        static long Drain(out long frames)
        {
            using var extractor = new Extractor(new ExtractionOptions { InputPath = Sample, Registry = Packs.Registry, NoFile = true });
            Assert.True(extractor.TryExtractNext(out _));
            var before = GC.GetAllocatedBytesForCurrentThread();
            while (extractor.TryExtractNext(out var frame))
            {
                _ = frame.Frame.TryGetFiveTuple(out _);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            frames = extractor.FramesRead - 1;
            return allocated;
        }
    }

    [Fact]
    public void JsonOutput_IsOneDocument_WithAnObjectPerFrame_AndTheFieldsOfEachLayer()
    {
        var path = Path.Combine(_folder, "out.json");
        Run(new ExtractionOptions { InputPath = Sample, OutputPath = path, Registry = Packs.Registry, Format = OutputFormat.Json });
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var frames = json.RootElement.GetProperty("frames");
        Assert.Equal(SampleFrames(), frames.GetArrayLength());
        Assert.Equal("pcap", json.RootElement.GetProperty("capture").GetProperty("format").GetString());
        Assert.Equal(SampleFrames(), json.RootElement.GetProperty("summary").GetProperty("frames").GetInt64());
        var first = frames[0];
        Assert.Equal(1, first.GetProperty("number").GetInt64());
        Assert.Equal("ethernet:ipv4:tcp", first.GetProperty("protocols").GetString());
        var tcp = first.GetProperty("layers")[2];
        Assert.Equal("tcp", tcp.GetProperty("protocol").GetString());
        Assert.Equal(8080, tcp.GetProperty("fields").GetProperty("destination_port").GetProperty("value").GetInt32());
        Assert.Equal("http_alt", tcp.GetProperty("fields").GetProperty("destination_port").GetProperty("name").GetString());
        Assert.Equal("tcp", first.GetProperty("layers")[1].GetProperty("fields").GetProperty("protocol").GetProperty("name").GetString());
    }

    [Fact]
    public void PlistOutput_IsAValidPropertyList_ThatAnXmlReaderReadsBack()
    {
        var path = Path.Combine(_folder, "out.plist");
        Run(new ExtractionOptions { InputPath = Sample, OutputPath = path, Registry = Packs.Registry, Format = OutputFormat.Plist });
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore };
        using var xml = XmlReader.Create(path, settings);
        var document = XDocument.Load(xml);
        Assert.Equal("plist", document.Root!.Name.LocalName);
        var root = document.Root.Element("dict")!;
        var keys = root.Elements("key").Select(k => k.Value).ToList();
        Assert.Equal(["capture", "frames", "summary"], keys);
        var frames = root.Elements().SkipWhile(e => e.Value != "frames").Skip(1).First();
        Assert.Equal("array", frames.Name.LocalName);
        Assert.Equal(SampleFrames(), frames.Elements("dict").Count());
        var firstFrame = frames.Elements("dict").First();
        Assert.Equal("1", firstFrame.Elements().SkipWhile(e => e.Value != "number").Skip(1).First().Value);

        // Byte strings are <data>, base64: the raw bytes of a frame with an undissected payload decode back.
        Assert.Contains(document.Descendants("data"), d => Convert.FromBase64String(d.Value).Length > 0);
    }

    [Fact]
    public void TreeOutput_HasAHeadingPerFrame_AndTheLayersUnderIt()
    {
        var path = Path.Combine(_folder, "out.txt");
        Run(new ExtractionOptions { InputPath = Sample, OutputPath = path, Registry = Packs.Registry, Format = OutputFormat.Tree });
        var lines = File.ReadAllLines(path);
        Assert.Equal(SampleFrames(), lines.Count(l => l.TrimStart('|', ' ', '-').StartsWith("Frame ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.EndsWith("|-- destination_port: 8080 (http_alt)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("|-- ether_type: 2048 (ipv4)", StringComparison.Ordinal));
    }

    [Fact]
    public void PcapOutput_OfTheSelectedFrames_IsTheirRecordsByteForByte()
    {
        var path = Path.Combine(_folder, "tcp.pcap");
        var tcp = Packs.Registry.IndexOf("tcp");
        var result = Run(new ExtractionOptions
        {
            InputPath = Sample,
            OutputPath = path,
            Registry = Packs.Registry,
            Format = OutputFormat.Pcap,
            Store = true,
            Select = (in ExtractedFrame f) => f.Frame.Layers.ToArray().Any(l => l.Protocol == tcp),
        });
        Assert.True(result.Summary.Selected > 0 && result.Summary.Selected < result.Summary.Frames);
        using var reader = CaptureReader.Open(path);
        var i = 0;
        foreach (var record in reader)
        {
            Assert.True(record.Data.SequenceEqual(result.Frames[i].Data));
            Assert.Equal(result.Frames[i].Timestamp, record.Timestamp);
            i++;
        }

        Assert.Equal(result.Summary.Selected, i);
    }

    [Fact]
    public void Files_WritesOneDocumentPerFrame_InTheOutputFolder()
    {
        var folder = Path.Combine(_folder, "frames");
        Run(new ExtractionOptions { InputPath = Sample, OutputPath = folder, Files = true, Registry = Packs.Registry, Format = OutputFormat.Json });
        var files = Directory.GetFiles(folder, "frame-*.json").OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.Equal(SampleFrames(), files.Count);
        using var first = JsonDocument.Parse(File.ReadAllBytes(files[0]));
        Assert.Equal(1, first.RootElement.GetProperty("number").GetInt64());
        Assert.True(File.Exists(Path.Combine(folder, "capture.json")));
        Assert.True(File.Exists(Path.Combine(folder, "summary.json")));
    }

    [Fact]
    public void Thresholds_StopAtALayerOrAProtocol_KeepingTheRestRaw()
    {
        var byLayer = Run(new ExtractionOptions { InputPath = Sample, Registry = Packs.Registry, NoFile = true, Store = true, Layer = LayerKind.Internet });
        Assert.All(byLayer.Frames, f => Assert.DoesNotContain("tcp", f.GetChain().Split(':')));
        Assert.Contains(byLayer.Frames, f => f.RawReason == "dissection stopped by a threshold");

        var byProtocol = Run(new ExtractionOptions { InputPath = Sample, Registry = Packs.Registry, NoFile = true, Store = true, Protocol = "ethernet" });
        Assert.All(byProtocol.Frames, f => Assert.Equal("ethernet", f.GetChain()));
    }

    [Fact]
    public void ACorruptCapture_FinishesTheOutput_WithTheErrorInItsSummary_AfterEveryGoodFrame()
    {
        // The sample cut in the middle of its fifth record.
        var bytes = File.ReadAllBytes(Sample);
        var offset = 24;
        for (var n = 0; n < 4; n++)
        {
            offset += 16 + BitConverter.ToInt32(bytes, offset + 8);
        }

        var cut = Path.Combine(_folder, "cut.pcap");
        File.WriteAllBytes(cut, bytes[..(offset + 20)]);
        var path = Path.Combine(_folder, "cut.json");
        using var extractor = new Extractor(new ExtractionOptions { InputPath = cut, OutputPath = path, Registry = Packs.Registry });
        var error = Assert.Throws<InvalidDataException>(() => extractor.Run());
        Assert.Contains("cut.pcap", error.Message, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        Assert.Equal(4, json.RootElement.GetProperty("frames").GetArrayLength());
        Assert.Contains("byte offset", json.RootElement.GetProperty("summary").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ThePacketDotNetEngine_KeepsItsPackets_AndStillGivesChainsAndFiveTuples()
    {
        var path = Path.Combine(_folder, "pdn.json");
        var result = Run(new ExtractionOptions { InputPath = Sample, OutputPath = path, Engine = new PacketDotNetEngine(), Store = true, Format = OutputFormat.Json });
        Assert.Equal(SampleFrames(), result.Frames.Count);
        var kept = Assert.IsType<PacketDotNetFrame>(result.Frames[0].EnginePacket);
        Assert.IsType<global::PacketDotNet.EthernetPacket>(kept.Packet);
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var first = json.RootElement.GetProperty("frames")[0];
        Assert.Equal("packetdotnet", first.GetProperty("engine").GetString());
        Assert.Equal("Ethernet:IPv4:Tcp", first.GetProperty("protocols").GetString());
        Assert.Throws<InvalidOperationException>(() => result.Frames[0].GetFrame());
    }

    private static ExtractionResult Run(ExtractionOptions options)
    {
        using var extractor = new Extractor(options);
        return extractor.Run();
    }
}
