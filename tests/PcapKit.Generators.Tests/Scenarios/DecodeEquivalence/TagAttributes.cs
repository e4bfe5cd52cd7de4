using System;
using PcapKit.Annotations;
using PcapKit.Dissection;

namespace Demo;

/// <summary>The same protocol as tag_yaml.pcapkit.yaml, declared with attributes.</summary>
[Protocol("tag_attributes", Endian.Big, Title = "Tag", Display = "tag", Layer = LayerKind.Application)]
[RegisterIn("udp.port", 40006)]
public sealed partial record TagAttributes
{
    /// <summary>The version.</summary>
    [Field]
    public byte Version { get; init; }

    /// <summary>A length-prefixed label, a weight, a kind and an origin, reported by <c>DecodeBody</c>.</summary>
    [Region(Region.Rest), Field(Display = "body")]
    [Decoded("label", DecodedType.Text, Display = "label")]
    [Decoded("weight", DecodedType.UInt16, Format = NumberFormat.Hex, HexDigits = 6, Display = "weight")]
    [Decoded("kind", DecodedType.UInt8, Enum = typeof(AttrTagKind), Display = "kind")]
    [Decoded("origin", DecodedType.Ipv4, Display = "origin")]
    [Decoded("urgent", DecodedType.Boolean, Display = "urgent")]
    [Decoded("serial", DecodedType.UInt32, Display = "serial")]
    [Decoded("stamp", DecodedType.UInt64, Format = NumberFormat.NtpTimestamp, Display = "stamp")]
    [Decoded("blob", DecodedType.Bytes, Display = "blob")]
    [Decoded("station", DecodedType.Mac, Display = "station")]
    [Decoded("origin6", DecodedType.Ipv6, Display = "origin6")]
    public ReadOnlyMemory<byte> Body { get; init; }

    private static partial void DecodeBody<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct =>
        TagBody.Decode(view.Body, Fields.Label, Fields.Weight, Fields.Kind, Fields.Origin, Fields.Urgent, Fields.Body, ref visitor);
}

/// <summary>The hook of tag_yaml.</summary>
public sealed partial record TagYaml
{
    private static partial void DecodeBody<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct =>
        TagBody.Decode(view.Body, Fields.Label, Fields.Weight, Fields.Kind, Fields.Origin, Fields.Urgent, Fields.Body, ref visitor);
}

/// <summary>The body both declarations decode: a length, that many bytes of label, a 16-bit weight, a kind and an IPv4 origin.</summary>
internal static class TagBody
{
    public static void Decode<TVisitor>(ReadOnlySpan<byte> body, FieldDescriptor label, FieldDescriptor weight, FieldDescriptor kind,
        FieldDescriptor origin, FieldDescriptor urgent, FieldDescriptor raw, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (body.Length < 1 || body.Length != 1 + body[0] + 7)
        {
            visitor.Bytes(raw, body); // not the layout: the bytes as they are
            return;
        }

        var n = body[0];
        visitor.Bytes(label, body.Slice(1, n));
        visitor.Value(weight, (ulong)((body[1 + n] << 8) | body[2 + n]));
        visitor.Value(kind, body[3 + n]);
        visitor.Bytes(origin, body.Slice(4 + n, 4));
        visitor.Value(urgent, body[3 + n] == 2 ? 1UL : 0UL);
    }
}

/// <summary>Tag kinds (the same values as tag_yaml's enum).</summary>
public enum AttrTagKind : byte
{
    /// <summary>Plain.</summary>
    Plain = 1,

    /// <summary>Urgent.</summary>
    Urgent = 2,
}
