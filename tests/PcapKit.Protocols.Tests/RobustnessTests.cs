using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using PcapKit.Capture;
using PcapKit.Dissection;
using PcapKit.Output;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// Bad input never throws and never reads out of bounds: every corpus file (the malformed ones too), every prefix
/// of every frame, and seeded random mutations of real frames, through dissection, field visiting and JSON.
/// </summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EveryCorpusFile_IsDissectedFrameByFrame_IncludingTheMalformedOnes()
    {
        var stack = new LayerStack();
        var files = 0;
        var frames = 0;
        var rejected = new List<string>();
        foreach (var capture in Corpus.Captures())
        {
            files++;
            try
            {
                using var reader = CaptureReader.Open(Corpus.File(capture));
                while (reader.TryReadNext(out var record))
                {
                    Packs.Dissector.Dissect(record, stack);
                    CheckBounds(record.Data.Length, stack);
                    Visit(record.Data, stack);
                    frames++;
                }
            }
            catch (InvalidDataException e)
            {
                // A corrupt capture file is reported by the reader (its own tests check where); every frame before it was dissected.
                rejected.Add($"{capture}: {e.Message}");
            }
        }

        output.WriteLine($"{files} files, {frames} frames dissected; {rejected.Count} files end in a reader error:");
        foreach (var line in rejected)
        {
            output.WriteLine("  " + line);
        }

        Assert.True(frames > 7000);
    }

    [SkippableFact]
    public void EveryPrefixOfEveryFrame_IsDissectedWithinItsBytes()
    {
        var stack = new LayerStack();
        var visitor = new TouchingVisitor();
        long prefixes = 0;
        foreach (var (link, frame) in AllFrames())
        {
            for (var length = 0; length <= frame.Length; length++)
            {
                var prefix = frame.AsSpan(0, length);
                Packs.Dissector.Dissect(prefix, link, frame.Length, stack);
                CheckBounds(length, stack);
                var view = new Frame(prefix, stack, Packs.Registry);
                for (var i = 0; i < view.LayerCount; i++)
                {
                    view.ProtocolAt(i).Accept(view.LayerBytes(i), view[i].ReportedLength, visitor);
                }

                prefixes++;
            }
        }

        output.WriteLine($"{prefixes} prefixes dissected and visited ({visitor.Fields} field values)");
        Assert.True(prefixes > 100_000);
    }

    [SkippableFact]
    public void SeededRandomMutations_NeverThrow_AndNeverReadPastTheFrame()
    {
        // PCAPKIT_MUTATIONS raises the count for a long run (see README: ≥ 1 M mutations).
        var count = int.TryParse(Environment.GetEnvironmentVariable("PCAPKIT_MUTATIONS"), out var n) ? n : 200_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PCAPKIT_SEED"), out var s) ? s : 20261126;
        var frames = AllFrames();
        var random = new Random(seed);
        var stack = new LayerStack();
        var layers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var (link, original) = frames[random.Next(frames.Count)];
            var frame = Mutate(original, random);
            Packs.Dissector.Dissect(frame, link, stack);
            CheckBounds(frame.Length, stack);
            Visit(frame, stack);
            for (var l = 0; l < stack.Count; l++)
            {
                var name = Packs.Registry.GetProtocol(stack[l].Protocol).Name;
                layers[name] = layers.GetValueOrDefault(name) + 1;
            }
        }

        output.WriteLine($"{count} mutations of {frames.Count} frames (seed {seed}) dissected; layers reached: {string.Join(", ", layers)}");
        Assert.True(layers.Count >= 25, $"the mutations reached only {layers.Count} protocols");
    }

    [Fact]
    public void EveryProtocolsGoldenPackets_EveryPrefixAndSeededMutations_NeverThrow()
    {
        // Each protocol on its own, from its spec's test vectors: the application protocols without corpus frames
        // (and the ones with) get every prefix and 5,000 mutations each, through the view, the visitor and the record.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PCAPKIT_SEED"), out var s) ? s : 20261126;
        var random = new Random(seed);
        var visitor = new TouchingVisitor();
        var inputs = 0;
        foreach (var protocol in StandardProtocols.Pack.Protocols)
        {
            foreach (var vector in protocol.TestVectors)
            {
                var golden = Hex.Parse(vector.Hex);
                for (var length = 0; length <= golden.Length; length++)
                {
                    AcceptAndRebuild(protocol, golden.AsSpan(0, length), visitor);
                    inputs++;
                }

                for (var i = 0; i < 5_000; i++)
                {
                    AcceptAndRebuild(protocol, Mutate(golden, random), visitor);
                    inputs++;
                }
            }
        }

        output.WriteLine($"{inputs} prefixes and mutations of the pack's golden packets (seed {seed}); {visitor.Fields} field values");
        Assert.True(inputs > 100_000);
    }

    private static void AcceptAndRebuild(ProtocolDescriptor protocol, ReadOnlySpan<byte> data, IFieldVisitor visitor)
    {
        protocol.Accept(data, visitor);
        if (protocol.CreateRecord(data) is { } record)
        {
            var buffer = new byte[data.Length + 256];
            _ = protocol.WriteRecord(record, buffer, PcapKit.Buffers.WriteFlags.Preserve, out var written);
            Assert.InRange(written, 0, buffer.Length);
        }
    }

    /// <summary>Every frame of the corpus and of the synthetic capture, with its link type.</summary>
    private static List<(int Link, byte[] Data)> AllFrames()
    {
        var frames = new List<(int, byte[])>();
        foreach (var capture in CorpusFrames.Captures())
        {
            foreach (var frame in CorpusFrames.Read(capture, out _))
            {
                frames.Add((frame.LinkType, frame.Data));
            }
        }

        using var reader = CaptureReader.Open(Path.Combine(AppContext.BaseDirectory, "Oracle", "synthetic.pcapng"));
        while (reader.TryReadNext(out var record))
        {
            frames.Add((record.LinkType, record.Data.ToArray()));
        }

        return frames;
    }

    private static void CheckBounds(int length, LayerStack stack)
    {
        for (var l = 0; l < stack.Count; l++)
        {
            Assert.InRange(stack[l].Offset, 0, length);
            Assert.InRange(stack[l].End, stack[l].Offset, length);
            Assert.InRange(stack[l].HeaderLength, 0, stack[l].Length);
        }

        Assert.InRange(stack.RawOffset, 0, length);
        Assert.InRange(stack.RawOffset + stack.RawLength, stack.RawOffset, length);
    }

    /// <summary>Bit flips, byte inserts and deletes, length-field edits and truncation, as a fuzzer would.</summary>
    internal static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    data.RemoveAt(at);
                    break;
                case 3:
                    // Headers, where the length and type fields are, live in the first bytes.
                    data[Math.Min(data.Count - 1, random.Next(Math.Min(data.Count, 80)))] = (byte)random.Next(256);
                    break;
                case 4:
                    data[at] = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                    break;
                default:
                    data.RemoveRange(at, data.Count - at);
                    break;
            }
        }

        return [.. data];
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    private static void Visit(ReadOnlySpan<byte> bytes, LayerStack stack)
    {
        var frame = new Frame(bytes, stack, Packs.Registry);
        _buffer ??= new ArrayBufferWriter<byte>();
        _buffer.ResetWrittenCount();
        _writer ??= new Utf8JsonWriter(_buffer);
        _writer.Reset(_buffer);
        var json = new JsonFieldVisitor(_writer);
        _writer.WriteStartArray();
        for (var i = 0; i < frame.LayerCount; i++)
        {
            _writer.WriteStartObject();
            frame.ProtocolAt(i).Accept(frame.LayerBytes(i), frame[i].ReportedLength, json);
            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
        _writer.Flush();
        Assert.True(_buffer.WrittenCount >= 2);
    }

    /// <summary>Reads every value and byte it is given, so a read past a span's end would throw.</summary>
    private sealed class TouchingVisitor : IFieldVisitor
    {
        public long Fields { get; private set; }

        private long _sum;

        public void Value(FieldDescriptor field, ulong value)
        {
            Fields++;
            _sum += (long)(value & 0xFF);
        }

        public void Bytes(FieldDescriptor field, scoped ReadOnlySpan<byte> value)
        {
            Fields++;
            foreach (var b in value)
            {
                _sum += b;
            }
        }

        public void BeginList(FieldDescriptor field) => _sum++;

        public void EndList(FieldDescriptor field) => _sum--;

        public void BeginItem(FieldDescriptor item) => _sum++;

        public void EndItem(FieldDescriptor item) => _sum--;
    }
}
