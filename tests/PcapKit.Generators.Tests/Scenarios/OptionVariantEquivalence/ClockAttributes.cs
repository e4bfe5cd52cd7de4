using System;
using PcapKit;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace Demo;

/// <summary>The protocol of clock_yaml.pcapkit.yaml, declared with attributes.</summary>
[Protocol("clock_attributes", Endian.Big, Title = "Clock", Display = "clock", Layer = LayerKind.Application)]
[RegisterIn("udp.port", 40004)]
public sealed partial record ClockAttributes
{
    [SizeOf(Region.Header, Scale = 4), Min(1)]
    public byte HeaderWords { get; init; }

    [Field]
    public byte Version { get; init; }

    [Field]
    public ushort Sequence { get; init; }

    [Region(Region.RestOfHeader)]
    public ValueList<AttrClockOption> Options { get; init; }

    [Payload]
    public ReadOnlyMemory<byte> Payload { get; init; }
}

/// <summary>Options.</summary>
[TlvSet("attr_clock_option", Display = "clock", KindDisplay = "option_kind", LengthDisplay = "option_len", UnknownDisplay = "options.unknown")]
public abstract partial record AttrClockOption
{
    /// <summary>End of list.</summary>
    [TlvCase(0, SingleByte = true, EndOfList = true)]
    public sealed partial record End;

    /// <summary>A stamp whose entry's layout the flag chooses.</summary>
    [TlvCase(68)]
    public sealed partial record Stamp
    {
        [Field(Display = "options.ptr")]
        public byte Pointer { get; init; }

        [Bits(4), Field(Display = "options.overflow")]
        public byte Overflow { get; init; }

        [Bits(4), Field(Display = "options.flag")]
        public byte Flag { get; init; }

        [Switch(nameof(Flag)), Field(Display = "options.entry")]
        public AttrClockEntry? Entry { get; init; }
    }

    /// <summary>A list of remarks, each as long as its own length field says.</summary>
    [TlvCase(9)]
    public sealed partial record Remarks
    {
        [Repeat, Field(Display = "options.remarks")]
        public ValueList<Remark> Entries { get; init; }

        /// <summary>One remark: a length, then that many bytes.</summary>
        public sealed partial record Remark
        {
            [Field(Display = "options.remark_len")] public byte Length { get; init; }

            [Length(nameof(Length)), Field(Display = "options.remark")] public ReadOnlyMemory<byte> Text { get; init; }
        }
    }

    /// <summary>A value a hand-written hook reports as fields.</summary>
    [TlvCase(12)]
    public sealed partial record Tagged
    {
        [Region(Region.Rest), Field(Display = "options.tagged")]
        [Decoded("label", DecodedType.Text, Display = "options.label")]
        [Decoded("weight", DecodedType.UInt16, Format = NumberFormat.Hex, Display = "options.weight")]
        public ReadOnlyMemory<byte> Body { get; init; }

        private static partial void DecodeBody<TVisitor>(View view, ref TVisitor visitor)
            where TVisitor : IFieldVisitor, allows ref struct =>
            TaggedValue.Decode(view.Body, TaggedLabelField, TaggedWeightField, TaggedBodyField, ref visitor);
    }
}

/// <summary>The hook of clock_yaml's tagged option.</summary>
public abstract partial record ClockOption
{
    /// <summary>A value the hook decodes.</summary>
    public sealed partial record Tagged
    {
        private static partial void DecodeBody<TVisitor>(View view, ref TVisitor visitor)
            where TVisitor : IFieldVisitor, allows ref struct =>
            TaggedValue.Decode(view.Body, TaggedLabelField, TaggedWeightField, TaggedBodyField, ref visitor);
    }
}

/// <summary>The value both declarations' tagged option decodes: a length, that many bytes of label, a 16-bit weight.</summary>
internal static class TaggedValue
{
    public static void Decode<TVisitor>(ReadOnlySpan<byte> value, FieldDescriptor label, FieldDescriptor weight, FieldDescriptor raw, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (value.IsEmpty || value.Length != 1 + value[0] + 2)
        {
            visitor.Bytes(raw, value); // not the layout: the bytes as they are
            return;
        }

        visitor.Bytes(label, value.Slice(1, value[0]));
        visitor.Value(weight, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(value[(1 + value[0])..]));
    }
}

/// <summary>The layouts of a stamp's entry.</summary>
[VariantSet]
public abstract partial record AttrClockEntry
{
    /// <summary>An address and a time.</summary>
    [VariantCase(1, 3)]
    public sealed partial record Addressed
    {
        [Field(Display = "options.addr")] public PcapKit.Net.Ipv4Address Address { get; init; }

        [Field(Display = "options.time")] public uint Time { get; init; }
    }

    /// <summary>A note: a length, then that many bytes.</summary>
    [VariantCase(2)]
    public sealed partial record Note
    {
        [Field(Display = "options.note_len")] public byte Length { get; init; }

        [Length(nameof(Length)), Field(Display = "options.note")] public ReadOnlyMemory<byte> Text { get; init; }
    }

    /// <summary>Any other flag: a time.</summary>
    [VariantCase]
    public sealed partial record Default
    {
        [Field(Display = "options.time")] public uint Time { get; init; }
    }
}
