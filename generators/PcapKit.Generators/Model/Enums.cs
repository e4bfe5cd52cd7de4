namespace PcapKit.Generators.Model;

/// <summary>Which front end a spec came from.</summary>
internal enum FrontEnd
{
    Yaml,
    Attributes,
}

/// <summary>Byte order of a field.</summary>
internal enum EndianKind
{
    Big,
    Little,
}

/// <summary>What a field is.</summary>
internal enum FieldType
{
    /// <summary>Unsigned integer of 1..8 bytes, or a bit field when <see cref="FieldSpec.Bits"/> is set.</summary>
    UInt,

    /// <summary>A one-bit flag.</summary>
    Bool,

    Mac,
    Ipv4,
    Ipv6,

    /// <summary>A byte string: fixed size, sized by another field, or filling a region.</summary>
    Bytes,

    /// <summary>A TLV option list filling a region.</summary>
    Tlv,

    /// <summary>A list of fixed-size structures filling the rest of the region.</summary>
    Repeat,

    /// <summary>The payload, handed to the next protocol.</summary>
    Payload,

    /// <summary>A layout chosen by the value of an earlier field (ICMP's rest of header by type).</summary>
    Variant,

    /// <summary>Decoded by a hook only (<c>decode:</c>): text, shown as a string.</summary>
    Text,

    /// <summary>Decoded by a hook only (<c>decode:</c>): a list of structures of the fields under it.</summary>
    DecodedList,
}

/// <summary>A region of a protocol unit (mirrors PcapKit.Annotations.Region).</summary>
internal enum RegionKind
{
    Header,
    Datagram,
    Options,
    Payload,
    RestOfHeader,
    Rest,
}

/// <summary>How a wire byte string prints.</summary>
internal enum TextKind
{
    None,
    Text,
    NulTerminated,
}

/// <summary>How a number prints.</summary>
internal enum NumberFormatKind
{
    Decimal,
    Hex,
    NtpTimestamp,
}

/// <summary>What a computed field computes.</summary>
internal enum ComputedKind
{
    PayloadLength,
    HeaderLength,
}
