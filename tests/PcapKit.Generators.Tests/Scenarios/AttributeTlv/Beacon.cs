using System;
using PcapKit;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace Demo;

/// <summary>A beacon over TCP with a TLV list and a header checksum, declared with attributes.</summary>
[Protocol("beacon", Endian.Big, Title = "Demo beacon", Layer = LayerKind.Application)]
[RegisterIn("tcp.port", 7777)]
[TestVector("01 06 0000 0a0b 01 02 0102", "version=1,header_length=6")]
public sealed partial record Beacon
{
    [Field(Display = "version")]
    public byte Version { get; init; }

    [SizeOf(Region.Header), Field(Display = "hdr_len")]
    public byte HeaderLength { get; init; }

    [Checksum(ChecksumAlgorithm.Inet16, ChecksumCoverage.Header), Field(Format = NumberFormat.Hex)]
    public ushort Checksum { get; init; }

    [Field(Display = "node")]
    public ushort NodeId { get; init; }

    [Region(Region.RestOfHeader)]
    public ValueList<BeaconOption> Options { get; init; }

    [Payload]
    public ReadOnlyMemory<byte> Payload { get; init; }
}

/// <summary>Beacon options: kind, length of the value only, value.</summary>
[TlvSet("beacon_option", LengthIncludesHeader = false, Display = "beacon", KindDisplay = "opt.kind", LengthDisplay = "opt.len")]
public abstract partial record BeaconOption
{
    /// <summary>Padding.</summary>
    [TlvCase(0, SingleByte = true, EndOfList = true)]
    public sealed partial record End;

    /// <summary>The battery level in percent.</summary>
    [TlvCase(1)]
    public sealed partial record Battery
    {
        [Field(Display = "opt.battery")]
        public byte Percent { get; init; }
    }

    /// <summary>A name.</summary>
    [TlvCase(2)]
    public sealed partial record Name
    {
        [Region(Region.Rest), Field(Display = "opt.name")]
        public ReadOnlyMemory<byte> Text { get; init; }
    }
}
