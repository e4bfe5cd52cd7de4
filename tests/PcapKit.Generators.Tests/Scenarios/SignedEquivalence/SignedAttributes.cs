using PcapKit;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace Demo;

/// <summary>The protocol of signed_yaml.pcapkit.yaml, declared with attributes: signed properties are two's complement on the wire.</summary>
[Protocol("signed_attributes", Endian.Big, Title = "Signed", Display = "signed", Layer = LayerKind.Application)]
[RegisterIn("udp.port", 40004)]
public sealed partial record SignedAttributes
{
    public sbyte Offset { get; init; }

    public short Trim { get; init; }

    [Field(Display = "pref_level")]
    public int Level { get; init; }

    [Field(LittleEndian = true)]
    public long Drift { get; init; }

    public byte Count { get; init; }

    [Repeat, Field(Display = "readings")]
    public ValueList<Reading> Readings { get; init; }

    /// <summary>One reading.</summary>
    public readonly partial record struct Reading
    {
        [Field(Display = "reading")]
        public short Value { get; init; }
    }
}
