using System;
using BenchmarkDotNet.Attributes;
using PcapKit.Dissection;
using PcapKit.Protocols;

namespace PcapKit.Benchmarks;

/// <summary>
/// One Ethernet + IPv4 + TCP frame with MSS, window scale, SACK-permitted and timestamps (zeek__tcp_reassembly.pcap
/// frame 2): parse every layer and read every field. The generated views must allocate 0 bytes.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private static readonly byte[] Frame = FrameBytes();

    private readonly DissectorRegistry _registry = new DissectorRegistryBuilder().Add(StandardProtocols.Pack).Build();
    private Dissector _dissector = null!;

    /// <summary>The frame's bytes (a new array).</summary>
    /// <returns>The bytes.</returns>
    public static byte[] FrameBytes() => Convert.FromHexString(
        "00000c07ac00003048211b0a08004500003c346e000040064f18800361af3fc1d5c200500a04f2994e13cab84a4aa012402e5e500000020405b4010303000101080a0004553b00000000");

    [GlobalSetup]
    public void Setup() => _dissector = new Dissector(_registry);

    [Benchmark(Baseline = true, Description = "TryParse eth+ipv4+tcp, read every field")]
    public ulong GeneratedViews()
    {
        ulong sum = 0;
        if (!Ethernet.TryParse(Frame, out var eth).IsOk)
        {
            return 0;
        }

        sum += eth.Destination.Value ^ eth.Source.Value ^ (ulong)eth.EtherType;
        if (!Ipv4.TryParse(eth.Payload, out var ip).IsOk)
        {
            return 0;
        }

        sum += (ulong)ip.Version + ip.Ihl + ip.Dscp + ip.Ecn + ip.TotalLength + ip.Identification + (ip.DontFragment ? 1u : 0u) +
               (ip.MoreFragments ? 1u : 0u) + ip.FragmentOffset + ip.Ttl + (ulong)ip.Protocol + ip.HeaderChecksum + ip.Source.Value + ip.Destination.Value;
        if (!Tcp.TryParse(ip.Payload, out var tcp).IsOk)
        {
            return 0;
        }

        sum += (ulong)tcp.SourcePort + tcp.DestinationPort + tcp.SequenceNumber + tcp.AcknowledgmentNumber + tcp.DataOffset + (ulong)tcp.Flags +
               tcp.Window + tcp.Checksum + tcp.UrgentPointer + (ulong)tcp.PayloadLength;
        foreach (var option in tcp.Options)
        {
            sum += (ulong)option.Kind + (ulong)option.Length;
            if (option.TryGetMss(out var mss))
            {
                sum += mss.Value;
            }
            else if (option.TryGetWindowScale(out var ws))
            {
                sum += ws.Shift;
            }
            else if (option.TryGetTimestamps(out var ts))
            {
                sum += ts.Tsval + ts.Tsecr;
            }
        }

        return sum;
    }

    private readonly LayerStack _stack = new();

    [Benchmark(Description = "Dissector (registry dispatch) eth+ipv4+tcp")]
    public int Dissect()
    {
        _dissector.Dissect(Frame, 1, _stack);
        return _stack.Count;
    }

    [Benchmark(Description = "PacketDotNet Packet.ParsePacket + TcpPacket fields")]
    public ulong PacketDotNet()
    {
        var packet = global::PacketDotNet.Packet.ParsePacket(global::PacketDotNet.LinkLayers.Ethernet, Frame);
        var tcp = packet.Extract<global::PacketDotNet.TcpPacket>();
        var ip = packet.Extract<global::PacketDotNet.IPv4Packet>();
        ulong sum = (ulong)ip.TimeToLive + ip.Id + (ulong)ip.Protocol + (ulong)(uint)ip.SourceAddress.GetHashCode();
        sum += (ulong)tcp.SourcePort + tcp.DestinationPort + tcp.SequenceNumber + tcp.AcknowledgmentNumber + tcp.WindowSize + tcp.Checksum;
        foreach (var option in tcp.OptionsCollection)
        {
            sum += (ulong)option.Kind + option.Length;
        }

        return sum;
    }
}
