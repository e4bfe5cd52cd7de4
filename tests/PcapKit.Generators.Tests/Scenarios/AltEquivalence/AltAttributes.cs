using System;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace Demo;

/// <summary>The protocol of alt_yaml.pcapkit.yaml, declared with attributes.</summary>
[Protocol("alt_attributes", Endian.Big, Title = "Alt demo", Display = "alt", Layer = LayerKind.Link)]
public sealed partial record AltAttributes
{
    [Field(Format = NumberFormat.Hex), AltDisplay("length", "len", Max = 1500)]
    public ushort Kind { get; init; }

    [Field(Format = NumberFormat.Hex)]
    public byte Dsap { get; init; }

    [Field(Width = 3), PresentWhen(nameof(Dsap), Equal = 0xaa)]
    public uint? Oui { get; init; }

    [Field(Format = NumberFormat.Hex), PresentWhen(nameof(Dsap), Equal = 0xaa)]
    [AltDisplay("type", "type", WhenField = nameof(Oui), WhenAnyOf = [0, 0xf8], Names = "alt_kind")]
    [AltDisplay("cisco_pid", "cisco_pid", WhenField = nameof(Oui), WhenEqual = 12)]
    public ushort? Pid { get; init; }

    [AltDisplay("odd_tag", "odd.tag", WhenField = nameof(Dsap), WhenMask = 0x01)]
    public byte Tag { get; init; }

    [Region(Region.Rest)]
    public ReadOnlyMemory<byte> Rest { get; init; }
}
