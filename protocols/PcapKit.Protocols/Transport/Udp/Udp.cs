using System;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>
/// User Datagram Protocol (RFC 768), declared as an attributed record: member order is the wire order, and the
/// generator adds the <c>View</c>, the parser, the writer and the registration, as for a YAML spec.
/// </summary>
[Protocol("udp", Endian.Big, Title = "User Datagram Protocol", Rfc = "RFC 768", Layer = LayerKind.Transport)]
[RegisterIn("ip.proto", 17)]
[Param("pseudo", ParamKind.IpPseudoHeader)]
[TestVector("0035d4310029 8bb5", "source_port=53,destination_port=54321,length=41")]
public sealed partial record Udp
{
    /// <summary>The sender's port (<c>udp.srcport</c>).</summary>
    [Field(Display = "srcport", Names = "udp_port", Role = FieldRole.SourcePort)]
    public ushort SourcePort { get; init; }

    /// <summary>The receiver's port (<c>udp.dstport</c>).</summary>
    [Field(Display = "dstport", Names = "udp_port", Role = FieldRole.DestinationPort)]
    public ushort DestinationPort { get; init; }

    /// <summary>The length of the datagram, header included (<c>udp.length</c>).</summary>
    [Field(Display = "length"), SizeOf(Region.Datagram), Min(8)]
    public ushort Length { get; init; }

    /// <summary>The checksum over the pseudo-header, header and payload; zero means none over IPv4 (RFC 768).</summary>
    [Field(Display = "checksum", Format = NumberFormat.Hex)]
    [Checksum(ChecksumAlgorithm.Inet16, ChecksumCoverage.HeaderAndPayload, PseudoHeader = "pseudo", ZeroMeansNone = true)]
    public ushort Checksum { get; init; }

    /// <summary>The payload, handed to the protocol registered for the lower port first.</summary>
    [Payload(Region.Rest), Dispatch("udp.port", nameof(SourcePort), nameof(DestinationPort), LowFirst = true)]
    public ReadOnlyMemory<byte> Payload { get; init; }
}
