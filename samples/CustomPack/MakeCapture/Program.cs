// Builds a capture of the pack's two protocols with the generated writers: each layer is a record, written inside
// out (the payload first, then the headers around it), with lengths and checksums computed by the writers.
using System;
using System.Buffers;
using System.Text;
using CustomPack;
using PcapKit;
using PcapKit.Buffers;
using PcapKit.Capture;
using PcapKit.Net;
using PcapKit.Protocols;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: MakeCapture OUT.pcap");
    return 2;
}

var router = Ipv4Address.Parse("192.0.2.1");
var ripGroup = Ipv4Address.Parse("224.0.0.9");
var station = Ipv4Address.Parse("198.51.100.7");
var collector = Ipv4Address.Parse("198.51.100.20");
var time = 1_700_000_000L;

using var writer = PcapWriter.Create(args[0], LinkTypes.Ethernet);

// RIPv2 (RFC 2453): a request for the whole table (one entry, family 0, metric 16, §3.9.1), then the response.
var request = new Rip
{
    Command = RipCommand.Request,
    Version = 2,
    Entries = [new Rip.RouteEntry { AddressFamily = 0, Metric = 16 }],
};
var response = new Rip
{
    Command = RipCommand.Response,
    Version = 2,
    Entries =
    [
        new Rip.RouteEntry { AddressFamily = RipAddressFamily.Ip, IpAddress = Ipv4Address.Parse("10.1.0.0"), SubnetMask = Ipv4Address.Parse("255.255.0.0"), Metric = 1 },
        new Rip.RouteEntry { AddressFamily = RipAddressFamily.Ip, RouteTag = 7, IpAddress = Ipv4Address.Parse("10.2.0.0"), SubnetMask = Ipv4Address.Parse("255.255.255.0"), NextHop = router, Metric = 3 },
    ],
};
WriteUdp(Write(request.GetSize(), (span, out n) => request.TryWrite(span, out n)), router, ripGroup, 520, 520, time);
WriteUdp(Write(response.GetSize(), (span, out n) => response.TryWrite(span, out n)), router, ripGroup, 520, 520, time + 1);

// Gauge: two messages from a station to its collector, each in one TCP segment.
uint sequence = 1000;
for (uint i = 0; i < 2; i++)
{
    var message = new Gauge
    {
        Version = 1,
        Station = 42,
        Sequence = i + 1,
        Readings =
        [
            new GaugeReading.Temperature { CentiKelvin = (ushort)(29315 + (i * 50)) },
            new GaugeReading.Humidity { Percent = (byte)(45 + i) },
            new GaugeReading.Label { Text = Encoding.UTF8.GetBytes("roof") },
        ],
    };
    var bytes = Write(message.GetSize(), (span, out n) => message.TryWrite(span, out n));
    WriteTcp(bytes, station, collector, 49152, 7400, sequence, time + 2 + i);
    sequence += (uint)bytes.Length;
}

Console.WriteLine($"{writer.RecordsWritten} frames written to {args[0]}");
return 0;

// Writes one layer into a new array of its size.
static byte[] Write(int size, WriteLayer write)
{
    var buffer = new byte[size];
    if (write(buffer, out var written) != OperationStatus.Done || written != size)
    {
        throw new InvalidOperationException("the writer did not fill its buffer");
    }

    return buffer;
}

void WriteUdp(byte[] payload, Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort, long seconds)
{
    var udp = new Udp { SourcePort = sourcePort, DestinationPort = destinationPort, Payload = payload };
    var pseudo = IpPseudoHeader.ForIpv4(source, destination, (byte)IpProtocol.Udp);
    WriteIpv4(Write(udp.GetSize(), (span, out n) => udp.TryWrite(span, pseudo, out n)), IpProtocol.Udp, source, destination, seconds);
}

void WriteTcp(byte[] payload, Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort, uint seq, long seconds)
{
    var tcp = new Tcp
    {
        SourcePort = sourcePort,
        DestinationPort = destinationPort,
        SequenceNumber = seq,
        AcknowledgmentNumber = 1,
        Flags = TcpFlags.Psh | TcpFlags.Ack,
        Window = 64240,
        Payload = payload,
    };
    var pseudo = IpPseudoHeader.ForIpv4(source, destination, (byte)IpProtocol.Tcp);
    WriteIpv4(Write(tcp.GetSize(), (span, out n) => tcp.TryWrite(span, pseudo, out n)), IpProtocol.Tcp, source, destination, seconds);
}

void WriteIpv4(byte[] payload, IpProtocol protocol, Ipv4Address source, Ipv4Address destination, long seconds)
{
    var ip = new Ipv4 { Version = 4, Ttl = 64, Protocol = protocol, Source = source, Destination = destination, DontFragment = true, Payload = payload };
    var datagram = Write(ip.GetSize(), (span, out n) => ip.TryWrite(span, out n));
    var ethernet = new Ethernet
    {
        Destination = MacAddress.Parse("02:00:00:00:00:02"),
        Source = MacAddress.Parse("02:00:00:00:00:01"),
        EtherType = EtherType.Ipv4,
        Payload = datagram,
    };
    var frame = Write(ethernet.GetSize(), (span, out n) => ethernet.TryWrite(span, out n));
    writer.Write(CaptureTimestamp.FromNanoseconds(seconds, 0), frame, (uint)frame.Length);
}

/// <summary>A generated writer: fills <paramref name="destination"/> and says how many bytes it wrote.</summary>
internal delegate OperationStatus WriteLayer(Span<byte> destination, out int written);
