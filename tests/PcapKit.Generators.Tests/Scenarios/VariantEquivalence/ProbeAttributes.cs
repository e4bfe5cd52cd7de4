using System;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace Demo;

/// <summary>The same protocol as probe_yaml.pcapkit.yaml, declared with attributes.</summary>
[Protocol("probe_attributes", Endian.Big, Title = "Probe", Display = "probe", Layer = LayerKind.Application)]
[RegisterIn("udp.port", 40002)]
public sealed partial record ProbeAttributes
{
    /// <summary>The message type.</summary>
    [Field]
    public AttrProbeType Type { get; init; }

    /// <summary>The code.</summary>
    [Field]
    public byte Code { get; init; }

    /// <summary>The body, by type.</summary>
    [Switch(nameof(Type))]
    public ProbeAttributesBody Body { get; init; } = null!;

    /// <summary>The rest.</summary>
    [Payload]
    public ReadOnlyMemory<byte> Payload { get; init; }
}

/// <summary>The body's layouts.</summary>
[VariantSet]
public abstract partial record ProbeAttributesBody
{
    /// <summary>An echo request of 8 bytes or more: with a timestamp (a case chosen by length).</summary>
    [VariantCase(8, MinLength = 8)]
    public sealed partial record TimedEcho
    {
        [Field(Display = "ident")] public ushort Identifier { get; init; }

        [Field(Display = "seq")] public ushort Sequence { get; init; }

        [Field] public uint Timestamp { get; init; }
    }

    /// <summary>Echo request and reply.</summary>
    [VariantCase(0, 8)]
    public sealed partial record Echo
    {
        [Field(Display = "ident")] public ushort Identifier { get; init; }

        [Field(Display = "seq")] public ushort Sequence { get; init; }
    }

    /// <summary>A mask reply of code 1 or 3: with a prefix length too (a case chosen by another field of the unit).</summary>
    [VariantCase(18, AndField = nameof(ProbeAttributes.Code), AndAnyOf = [1, 3])]
    public sealed partial record AddressMaskExtended
    {
        [Field(Display = "ident")] public ushort Identifier { get; init; }

        [Field] public PcapKit.Net.Ipv4Address Mask { get; init; }

        [Field] public byte PrefixLength { get; init; }
    }

    /// <summary>A mask reply.</summary>
    [VariantCase(18)]
    public sealed partial record AddressMask
    {
        [Field(Display = "ident")] public ushort Identifier { get; init; }

        [Field] public PcapKit.Net.Ipv4Address Mask { get; init; }
    }

    /// <summary>A note: a length, then that many bytes.</summary>
    [VariantCase(40)]
    public sealed partial record Note
    {
        [Field] public byte Length { get; init; }

        [Length(nameof(Length))] public ReadOnlyMemory<byte> Text { get; init; }
    }

    /// <summary>A status of at most 4 bytes to the end whose first byte is zero: the old, short form (a case chosen by a value inside itself).</summary>
    [VariantCase(50, MaxLength = 4, AndField = nameof(Marker), AndEqual = 0)]
    public sealed partial record LegacyStatus
    {
        [Field] public byte Marker { get; init; }

        [Field] public byte Level { get; init; }
    }

    /// <summary>A status.</summary>
    [VariantCase(50)]
    public sealed partial record Status
    {
        [Field] public byte Severity { get; init; }

        [Field] public byte Level { get; init; }

        [Field] public ushort Detail { get; init; }
    }

    /// <summary>Any other type.</summary>
    [VariantCase]
    public sealed partial record Default
    {
        [Field] public uint Unused { get; init; }
    }
}

/// <summary>Probe message types (the same values as probe_yaml's enum).</summary>
public enum AttrProbeType : byte
{
    /// <summary>Echo reply.</summary>
    EchoReply = 0,

    /// <summary>Echo request.</summary>
    EchoRequest = 8,

    /// <summary>Address mask reply.</summary>
    MaskReply = 18,

    /// <summary>A note.</summary>
    Note = 40,

    /// <summary>A status.</summary>
    Status = 50,
}
