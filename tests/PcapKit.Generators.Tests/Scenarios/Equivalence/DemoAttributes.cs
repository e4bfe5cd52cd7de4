using System;
using PcapKit;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace Demo;

/// <summary>The protocol of demo_yaml.pcapkit.yaml, declared with attributes.</summary>
[Protocol("demo_attributes", Endian.Big, Title = "Demo", Display = "demo", Layer = LayerKind.Transport)]
[RegisterIn("ip.proto", 251)]
[Param("pseudo", ParamKind.IpPseudoHeader)]
public sealed partial record DemoAttributes
{
    [Field(Display = "srcport")]
    public ushort SourcePort { get; init; }

    [Field(Display = "dstport")]
    public ushort DestinationPort { get; init; }

    [Bits(4), SizeOf(Region.Header, Scale = 4), Min(3), Field(Display = "hdr_len", DisplayScaled = true)]
    public byte HeaderWords { get; init; }

    [Bits(4)]
    public AttrMode Mode { get; init; }

    [Field(Format = NumberFormat.Hex, HexDigits = 4)]
    public AttrFlags Flags { get; init; }

    [SizeOf(Region.Datagram)]
    public ushort Length { get; init; }

    [Field(Format = NumberFormat.Hex), Checksum(ChecksumAlgorithm.Inet16, ChecksumCoverage.HeaderAndPayload, PseudoHeader = "pseudo")]
    public ushort Checksum { get; init; }

    /// <summary>Present in active mode with the 0x08 flag: a condition joined to another.</summary>
    [PresentWhen(nameof(Mode), Equal = 1, AndField = nameof(Flags), AndMask = 0x08)]
    public ushort? Extension { get; init; }

    [Region(Region.RestOfHeader)]
    public ValueList<AttrOption> Options { get; init; }

    [Payload, Dispatch("demo.port", nameof(SourcePort), nameof(DestinationPort), LowFirst = true)]
    public ReadOnlyMemory<byte> Payload { get; init; }
}

/// <summary>Modes.</summary>
public enum AttrMode : byte
{
    /// <summary>Idle.</summary>
    Idle = 0,

    /// <summary>Active.</summary>
    Active = 1,

    /// <summary>Closing.</summary>
    Closing = 2,
}

/// <summary>Flags.</summary>
[Flags]
public enum AttrFlags : byte
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Urgent.</summary>
    Urgent = 0x01,

    /// <summary>Ack.</summary>
    Ack = 0x02,

    /// <summary>Push.</summary>
    Push = 0x04,
}

/// <summary>Options.</summary>
[TlvSet("attr_option", Display = "demo", KindDisplay = "option_kind", LengthDisplay = "option_len")]
public abstract partial record AttrOption
{
    /// <summary>End of list.</summary>
    [TlvCase(0, SingleByte = true, EndOfList = true)]
    public sealed partial record End;

    /// <summary>Padding.</summary>
    [TlvCase(1, SingleByte = true)]
    public sealed partial record Pad;

    /// <summary>MTU.</summary>
    [TlvCase(2)]
    public sealed partial record Mtu
    {
        [Field(Display = "options.mtu")]
        public ushort Value { get; init; }
    }

    /// <summary>Timestamps.</summary>
    [TlvCase(8)]
    public sealed partial record Stamp
    {
        [Field(Display = "options.sent")]
        public uint Sent { get; init; }

        [Field(Display = "options.echoed")]
        public uint Echoed { get; init; }
    }
}
