using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Json;
using PcapKit.Dissection;
using PcapKit.Output;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Protocols.Tests;

/// <summary>Bad input never throws: every prefix of real frames, and seeded random mutations of them.</summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    private static readonly string[] Captures = ["ppp__many-protocols.pcap", "zeek__tcp_option-sack.pcap"];

    [SkippableFact]
    public void EveryPrefixOfEveryFrame_ParsesAsTruncatedOrAsAShorterValidUnit()
    {
        var prefixes = 0;
        foreach (var capture in Captures)
        {
            foreach (var frame in CorpusFrames.EthernetIpv4TcpUdp(capture))
            {
                for (var length = 0; length <= frame.Length; length++)
                {
                    var prefix = frame.AsSpan(0, length);
                    CheckPrefix(prefix);
                    prefixes++;
                }
            }
        }

        output.WriteLine($"{prefixes} prefixes parsed");
    }

    private static void CheckPrefix(ReadOnlySpan<byte> prefix)
    {
        var eth = Ethernet.TryParse(prefix, out var ethernet);
        Assert.True(eth.IsOk || (eth.Status == ParseStatus.Truncated && prefix.Length < Ethernet.FixedHeaderLength));
        if (!eth.IsOk)
        {
            return;
        }

        var ip = Ipv4.TryParse(ethernet.Payload, out var ipv4);
        Assert.NotEqual(ParseStatus.Invalid, ip.Status);
        if (!ip.IsOk)
        {
            return;
        }

        // A cut datagram is flagged, never read past what was captured.
        Assert.True(ipv4.Size <= ethernet.Payload.Length);
        if (ipv4.Protocol == IpProtocol.Tcp)
        {
            var tcp = Tcp.TryParse(ipv4.Payload, out var segment);
            Assert.NotEqual(ParseStatus.Invalid, tcp.Status);
            if (tcp.IsOk)
            {
                foreach (var option in segment.Options)
                {
                    _ = option.ToRecord();
                }
            }
        }

        // The whole pipeline too: dissection, field collection and JSON.
        var stack = default(LayerStack);
        Packs.Dissector.Dissect(prefix, 1, ref stack);
        Visit(prefix, ref stack);
    }

    [SkippableFact]
    public void SeededRandomMutations_NeverThrow_AndNeverReadPastTheFrame()
    {
        // PCAPKIT_MUTATIONS raises the count for a long run (see README: ≥ 1 M mutations).
        var count = int.TryParse(Environment.GetEnvironmentVariable("PCAPKIT_MUTATIONS"), out var n) ? n : 20_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PCAPKIT_SEED"), out var s) ? s : 20261126;
        var frames = new List<byte[]>();
        foreach (var capture in Captures)
        {
            frames.AddRange(CorpusFrames.EthernetIpv4TcpUdp(capture));
        }

        var random = new Random(seed);
        var stack = default(LayerStack);
        for (var i = 0; i < count; i++)
        {
            var frame = Mutate(frames[random.Next(frames.Count)], random);
            Packs.Dissector.Dissect(frame, 1, ref stack);
            Visit(frame, ref stack);
            for (var l = 0; l < stack.Count; l++)
            {
                Assert.InRange(stack[l].End, 0, frame.Length);
            }

            Assert.InRange(stack.RawOffset + stack.RawLength, 0, frame.Length);
        }

        output.WriteLine($"{count} mutations of {frames.Count} frames (seed {seed}) dissected");
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
                    // Length-ish fields: IHL, total length, data offset, option lengths live in the first 60 bytes.
                    data[Math.Min(at, Math.Min(data.Count - 1, 14 + random.Next(46)))] = (byte)random.Next(256);
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

    private static void Visit(ReadOnlySpan<byte> bytes, ref LayerStack stack)
    {
        var frame = new Frame(bytes, ref stack, Packs.Registry);
        _buffer ??= new ArrayBufferWriter<byte>();
        _buffer.ResetWrittenCount();
        _writer ??= new Utf8JsonWriter(_buffer);
        _writer.Reset(_buffer);
        var json = new JsonFieldVisitor(_writer);
        _writer.WriteStartArray();
        for (var i = 0; i < frame.LayerCount; i++)
        {
            _writer.WriteStartObject();
            frame.ProtocolAt(i).Accept(frame.LayerBytes(i), json);
            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
        _writer.Flush();
        Assert.True(_buffer.WrittenCount >= 2);
    }
}
