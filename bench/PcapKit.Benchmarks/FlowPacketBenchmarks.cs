using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using PcapKit.Dissection;
using PcapKit.Flows;
using PcapKit.Net;
using PcapKit.Protocols;

namespace PcapKit.Benchmarks;

/// <summary>
/// What the flow splitter does per packet besides reading and dissecting it, on the frame of <see cref="ParseBenchmarks"/>
/// (Ethernet + IPv4 + TCP, dissected once in the set-up): reading the flow fields through the protocols' field roles
/// (<see cref="FlowPacket.TryRead"/>), and finding the flow by its direction-free key among 2,048 flows (the bulk
/// capture's TCP split has 2,108; always the same flow here, so a cache-hot hit). The frame's 5-tuple alone
/// (<see cref="Frame.TryGetFiveTuple"/>, which the splitter does not call) is a reference point. None should allocate
/// (the memory diagnoser's column).
/// </summary>
[MemoryDiagnoser]
public class FlowPacketBenchmarks
{
    private readonly DissectorRegistry _registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
    private readonly LayerStack _stack = new();
    private readonly Dictionary<FlowKey, object> _flows = [];
    private byte[] _frame = null!;
    private FiveTuple _tuple;

    [GlobalSetup]
    public void Setup()
    {
        _frame = ParseBenchmarks.FrameBytes();
        new Dissector(_registry).Dissect(_frame, 1, _stack);
        if (!FlowPacket.TryRead(new Frame(_frame, _stack, _registry), out var packet))
        {
            throw new System.InvalidOperationException("The benchmark's frame has no IP layer.");
        }

        _tuple = packet.Tuple;
        for (ushort port = 0; port < 2_047; port++)
        {
            var other = new FiveTuple(_tuple.Version, _tuple.Source, _tuple.Destination, _tuple.Protocol, (ushort)(_tuple.SourcePort + 1 + port), _tuple.DestinationPort);
            _flows[FlowKey.For(1, -1, other)] = other;
        }

        _flows[FlowKey.For(1, -1, _tuple)] = _tuple;
        if (_flows.Count != 2_048)
        {
            throw new System.InvalidOperationException($"{_flows.Count} flows instead of 2,048.");
        }
    }

    [Benchmark(Baseline = true, Description = "FlowPacket.TryRead eth+ipv4+tcp")]
    public int TryRead() => FlowPacket.TryRead(new Frame(_frame, _stack, _registry), out var packet) ? packet.Tuple.SourcePort + packet.TcpFlags : 0;

    [Benchmark(Description = "Frame.TryGetFiveTuple eth+ipv4+tcp")]
    public int FiveTuple() => new Frame(_frame, _stack, _registry).TryGetFiveTuple(out var tuple) ? tuple.SourcePort : 0;

    [Benchmark(Description = "FlowKey.For + lookup among 2,048 flows")]
    public bool FindFlow() => _flows.TryGetValue(FlowKey.For(1, -1, _tuple), out _);
}
