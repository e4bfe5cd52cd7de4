using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.Reassembly;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>The one-pass dataset workflow: each flow's frames and payload, from one read of the capture.</summary>
public sealed class FlowCollectorTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EveryIpFrame_IsInOneFlow_AndTcpPayloadsAreTheReassembledStreams()
    {
        Corpus.Require();
        int flows = 0, tcpFlows = 0;
        foreach (var capture in Corpus.Captures().Where(c => File.Exists(Corpus.File(c) + ".tcpstreams.txt") && !Corpus.IsRejectedByTshark(c)))
        {
            // The same capture with stored streams, as the reference for the payloads.
            var reference = new Dictionary<long, (byte[] Forward, byte[] Back)>();
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = Corpus.File(capture), Registry = Packs.Registry, NoFile = true, ReassembleIp = true, ReassembleTcp = true,
                TcpReassembly = new TcpReassemblyOptions { Store = true },
            }))
            {
                foreach (var s in Run(extractor).Streams)
                {
                    reference[s.Index] = (s.GetData(0).ToArray(), s.GetData(1).ToArray());
                }
            }

            var collected = new List<CollectedFlow>();
            long withTuple = 0;
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = Corpus.File(capture), Registry = Packs.Registry, NoFile = true, ReassembleIp = true,
                Flows = new FlowCollectorOptions(),
                FlowEnded = collected.Add,
                Callback = (in ExtractedFrame f) => withTuple += f.Stream is not null || f.TryGetFiveTuple(out _) ? 1 : 0,
            }))
            {
                Run(extractor);
            }

            Assert.Equal(withTuple, collected.Sum(f => f.FrameCount));
            var numbers = collected.SelectMany(f => f.Frames.Select(s => s.Number)).ToList();
            Assert.Equal(numbers.Count, numbers.Distinct().Count());
            foreach (var flow in collected)
            {
                Assert.Equal(flow.Frames.Select(s => s.Number).Order(), flow.Frames.Select(s => s.Number));
                if (flow.Stream is { } stream && reference.TryGetValue(stream.Index, out var bytes) && flow.EndedBy != "after its connection")
                {
                    // A connection's frames after its flow was handed over (past the linger) are a flow of their own.
                    var parts = collected.Where(f => f.Stream == stream).ToList();
                    var what = $"{capture}: tcp.stream {stream.Index} ({parts.Count} flows)";
                    Assert.True(bytes.Forward.SequenceEqual(parts.SelectMany(f => f.GetPayload(0).ToArray())), what + ": direction 0");
                    Assert.True(bytes.Back.SequenceEqual(parts.SelectMany(f => f.GetPayload(1).ToArray())), what + ": direction 1");
                    Assert.All(parts.Skip(1), f => Assert.Equal("after its connection", f.EndedBy));
                    tcpFlows++;
                }

                flows++;
            }
        }

        output.WriteLine($"{flows} flows, {tcpFlows} TCP flows with their reassembled payloads");
        Assert.True(tcpFlows > 90, $"only {tcpFlows} TCP flows compared");
    }

    [SkippableFact]
    public void WithThePacketDotNetEngine_FlowsCarryItsPackets()
    {
        Corpus.Require();
        var collected = new List<CollectedFlow>();
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = Corpus.File("ppp__three_http_streams.pcap"),
            Engine = new Engines.PacketDotNet.PacketDotNetEngine(),
            NoFile = true,
            Flows = new FlowCollectorOptions(),
            FlowEnded = collected.Add,
        }))
        {
            extractor.Run();
        }

        Assert.NotEmpty(collected);
        Assert.All(collected.SelectMany(f => f.Frames), s => Assert.IsAssignableFrom<PacketDotNet.Packet>(Assert.IsType<Engines.PacketDotNet.PacketDotNetFrame>(s.EnginePacket).Packet));
    }

    [SkippableFact]
    public void PayloadsBeyondTheBound_AreCounted_NotKept()
    {
        Corpus.Require();
        var collected = new List<CollectedFlow>();
        using (var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = Corpus.File("ppp__650HttpResponses.pcap"), Registry = Packs.Registry, NoFile = true,
            Flows = new FlowCollectorOptions { MaxPayloadPerDirection = 100, MaxFramesPerFlow = 2 },
            FlowEnded = collected.Add,
        }))
        {
            extractor.Run();
        }

        Assert.All(collected, f => Assert.True(f.GetPayload(0).Length <= 100 && f.GetPayload(1).Length <= 100 && f.Frames.Count <= 2));
        Assert.Contains(collected, f => f.PayloadBytes[0] + f.PayloadBytes[1] > 200 && f.FrameCount > 2);
    }

    private static ExtractionResult Run(Extractor extractor)
    {
        try
        {
            return extractor.Run();
        }
        catch (InvalidDataException)
        {
            return extractor.Complete();
        }
    }
}
