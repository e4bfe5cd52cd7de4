using System;
using System.Buffers.Binary;
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
        TagBody.Decode(view.Body, Decoded, Fields.Body, ref visitor);

    private static readonly FieldDescriptor[] Decoded =
        [Fields.Label, Fields.Weight, Fields.Kind, Fields.Origin, Fields.Urgent, Fields.Serial, Fields.Stamp, Fields.Blob, Fields.Station, Fields.Origin6];
}

/// <summary>The hook of tag_yaml.</summary>
public sealed partial record TagYaml
{
    private static partial void DecodeBody<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct =>
        TagBody.Decode(view.Body, Decoded, Fields.Body, ref visitor);

    private static readonly FieldDescriptor[] Decoded =
        [Fields.Label, Fields.Weight, Fields.Kind, Fields.Origin, Fields.Urgent, Fields.Serial, Fields.Stamp, Fields.Blob, Fields.Station, Fields.Origin6];
}

/// <summary>
/// The body both declarations decode: a length, that many bytes of label, a 16-bit weight, a kind and an IPv4 origin;
/// on a longer body also a 32-bit serial, a 64-bit NTP stamp, two bytes of blob, a MAC station and an IPv6 origin.
/// </summary>
internal static class TagBody
{
    private const int Extended = 4 + 8 + 2 + 6 + 16;

    // fields: label, weight, kind, origin, urgent, serial, stamp, blob, station, origin6.
    public static void Decode<TVisitor>(ReadOnlySpan<byte> body, FieldDescriptor[] fields, FieldDescriptor raw, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var n = body.IsEmpty ? 0 : body[0];
        var extra = body.Length - (1 + n + 7);
        if (body.IsEmpty || (extra != 0 && extra != Extended))
        {
            visitor.Bytes(raw, body); // not the layout: the bytes as they are
            return;
        }

        visitor.Bytes(fields[0], body.Slice(1, n));
        visitor.Value(fields[1], BinaryPrimitives.ReadUInt16BigEndian(body[(1 + n)..]));
        visitor.Value(fields[2], body[3 + n]);
        visitor.Bytes(fields[3], body.Slice(4 + n, 4));
        visitor.Value(fields[4], body[3 + n] == 2 ? 1UL : 0UL);
        if (extra == Extended)
        {
            var rest = body[(8 + n)..];
            visitor.Value(fields[5], BinaryPrimitives.ReadUInt32BigEndian(rest));
            visitor.Value(fields[6], BinaryPrimitives.ReadUInt64BigEndian(rest[4..]));
            visitor.Bytes(fields[7], rest.Slice(12, 2));
            visitor.Bytes(fields[8], rest.Slice(14, 6));
            visitor.Bytes(fields[9], rest.Slice(20, 16));
        }
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
