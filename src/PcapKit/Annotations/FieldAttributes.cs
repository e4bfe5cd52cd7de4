using System;

namespace PcapKit.Annotations;

/// <summary>Describes how a field is displayed and, when needed, its wire width or byte order.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class FieldAttribute : Attribute
{
    /// <summary>The display name relative to the protocol's prefix, as Wireshark's (<c>srcport</c>).</summary>
    public string? Display { get; set; }

    /// <summary>How the value is printed in text output.</summary>
    public NumberFormat Format { get; set; }

    /// <summary>
    /// How many hex digits text output prints when tshark prints more than the field's width (YAML's <c>hex_digits</c>:
    /// <c>ipv6.tclass</c> as 8); 0 for two per byte.
    /// </summary>
    public int HexDigits { get; set; }

    /// <summary>The wire width in bytes when it differs from the property type's (3 for a 24-bit field in a <c>uint</c>).</summary>
    public int Width { get; set; }

    /// <summary>Set to read this field in little-endian order in a big-endian protocol.</summary>
    public bool LittleEndian { get; set; }

    /// <summary>Set to read this field in big-endian order in a little-endian protocol.</summary>
    public bool BigEndian { get; set; }

    /// <summary>Set to display the region length a <see cref="SizeOfAttribute"/> field describes instead of its raw value.</summary>
    public bool DisplayScaled { get; set; }

    /// <summary>An enum (its spec identifier, <c>tcp_port</c>) whose names are shown for the value; the property stays an integer.</summary>
    public string? Names { get; set; }

    /// <summary>A byte string that is an address of variable size: shown as a MAC (6 bytes), IPv4 (4) or IPv6 (16).</summary>
    public bool Address { get; set; }

    /// <summary>What the field means to flow tracking (<see cref="FieldRole"/>): addresses and ports make the 5-tuple.</summary>
    public FieldRole Role { get; set; }
}

/// <summary>Declares a bit field; consecutive bit fields form a group read most-significant bit first.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class BitsAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="width">The width in bits.</param>
    public BitsAttribute(int width) => Width = width;

    /// <summary>The width in bits.</summary>
    public int Width { get; }
}

/// <summary>Declares that a field holds the length of a region as <c>value * Scale + Offset</c> bytes.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SizeOfAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="region">The region whose length the field holds.</param>
    public SizeOfAttribute(Region region) => Region = region;

    /// <summary>The region whose length the field holds.</summary>
    public Region Region { get; }

    /// <summary>The number of bytes per unit of the field's value.</summary>
    public int Scale { get; set; } = 1;

    /// <summary>The number of bytes added after scaling.</summary>
    public int Offset { get; set; }
}

/// <summary>Declares the length in bytes of a byte-string field as another field's <c>value * Scale + Offset</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LengthAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="field">The property that holds the length.</param>
    public LengthAttribute(string field) => Field = field;

    /// <summary>The property that holds the length.</summary>
    public string Field { get; }

    /// <summary>The number of bytes per unit.</summary>
    public int Scale { get; set; } = 1;

    /// <summary>The number of bytes added after scaling.</summary>
    public int Offset { get; set; }
}

/// <summary>Declares a byte-string field of a fixed size.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SizeAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="bytes">The size in bytes.</param>
    public SizeAttribute(int bytes) => Bytes = bytes;

    /// <summary>The size in bytes.</summary>
    public int Bytes { get; }
}

/// <summary>Declares that a byte-string or option-list field occupies a region.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RegionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="region">The region.</param>
    public RegionAttribute(Region region) => Region = region;

    /// <summary>The region.</summary>
    public Region Region { get; }
}

/// <summary>Declares the payload: the rest of the unit, handed to the protocol a dispatch table names.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PayloadAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="region">The region the payload occupies, usually <see cref="Region.Rest"/>.</param>
    public PayloadAttribute(Region region = Region.Rest) => Region = region;

    /// <summary>The region the payload occupies.</summary>
    public Region Region { get; }
}

/// <summary>The value a reserved field is written with.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ReservedAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="value">The value.</param>
    public ReservedAttribute(ulong value) => Value = value;

    /// <summary>The value.</summary>
    public ulong Value { get; }
}

/// <summary>Declares that a field is present only when another field has certain bits set or a certain value.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class PresentWhenAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="field">The property tested.</param>
    public PresentWhenAttribute(string field) => Field = field;

    /// <summary>The property tested.</summary>
    public string Field { get; }

    /// <summary>When non-zero, the field is present if any of these bits is set.</summary>
    public ulong Mask { get; set; }

    /// <summary>When <see cref="Mask"/> is zero, the field is present if the tested field equals this value.</summary>
    public ulong Equal { get; set; }

    /// <summary>When set, the field is present if the tested field is one of these values.</summary>
    public ulong[]? AnyOf { get; set; }

    /// <summary>
    /// A second property that must pass its own test too (YAML's <c>and:</c> inside <c>when:</c>): enhanced GRE's key
    /// halves are there while the key bit is set and the version is 1. Null: the first test alone.
    /// </summary>
    public string? AndField { get; set; }

    /// <summary>When non-zero, the second test holds if <see cref="AndField"/> has any of these bits set.</summary>
    public ulong AndMask { get; set; }

    /// <summary>When <see cref="AndMask"/> is zero and <see cref="AndAnyOf"/> unset, the second test holds if <see cref="AndField"/> equals this.</summary>
    public ulong AndEqual { get; set; }

    /// <summary>When set, the second test holds if <see cref="AndField"/> is one of these values.</summary>
    public ulong[]? AndAnyOf { get; set; }
}

/// <summary>
/// Shows the field under another name (YAML's <c>alt:</c>): while an integer is at most <see cref="Max"/> (802.3's length
/// in the EtherType field), while a byte string is <see cref="Size"/> bytes long (an address), or — repeatable on a
/// protocol's own integer — while a condition on another field holds (<see cref="WhenField"/>; the first that holds),
/// with the names of another enum (<see cref="Names"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class AltDisplayAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="id">The field's identifier under the other name.</param>
    /// <param name="display">The other display name, relative to the protocol's prefix.</param>
    public AltDisplayAttribute(string id, string display)
    {
        Id = id;
        Display = display;
    }

    /// <summary>The field's identifier under the other name.</summary>
    public string Id { get; }

    /// <summary>The other display name.</summary>
    public string Display { get; }

    /// <summary>The bound: the other name while the value is at most this (unset: <see cref="ulong.MaxValue"/>).</summary>
    public ulong Max { get; set; } = ulong.MaxValue;

    /// <summary>For a byte string: the other name, as an address, while it is this many bytes long.</summary>
    public int Size { get; set; }

    /// <summary>The property whose value chooses the other name.</summary>
    public string? WhenField { get; set; }

    /// <summary>When non-zero, the other name while <see cref="WhenField"/> has any of these bits set.</summary>
    public ulong WhenMask { get; set; }

    /// <summary>When <see cref="WhenMask"/> is zero and <see cref="WhenAnyOf"/> unset, the other name while <see cref="WhenField"/> equals this.</summary>
    public ulong WhenEqual { get; set; }

    /// <summary>When set, the other name while <see cref="WhenField"/> is one of these values.</summary>
    public ulong[]? WhenAnyOf { get; set; }

    /// <summary>An enum (its spec identifier) whose names are shown for the value under the other name.</summary>
    public string? Names { get; set; }
}

/// <summary>Declares a field computed from the unit rather than read from the wire (tshark's <c>tcp.len</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ComputedFieldAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The field's identifier.</param>
    /// <param name="value">What it computes.</param>
    public ComputedFieldAttribute(string name, ComputedValue value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The field's identifier.</summary>
    public string Name { get; }

    /// <summary>What it computes.</summary>
    public ComputedValue Value { get; }

    /// <summary>The display name relative to the protocol's prefix.</summary>
    public string? Display { get; set; }
}

/// <summary>
/// A field a hand-written hook reports from a byte string that fills a region (YAML's <c>decode:</c>), for content whose
/// layout earlier fields at known offsets cannot describe. Repeat it for each field, in the order the hook reports them;
/// the generator emits each field's descriptor (a protocol's as <c>Fields.&lt;Id&gt;</c>, an option case's as
/// <c>&lt;Case&gt;&lt;Id&gt;Field</c>, the id in Pascal case) and declares
/// <c>private static partial void Decode&lt;Property&gt;&lt;TVisitor&gt;(View view, ref TVisitor visitor)</c> in the record.
/// Lists of items (YAML's <c>fields:</c> under a decoded field), <c>names:</c>, 24- and 48-bit integers and <c>from:</c>
/// are YAML-only.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true, Inherited = false)]
public sealed class DecodedAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="id">The field's identifier (snake case, as in YAML).</param>
    /// <param name="type">What the hook reports.</param>
    public DecodedAttribute(string id, DecodedType type)
    {
        Id = id;
        Type = type;
    }

    /// <summary>The field's identifier.</summary>
    public string Id { get; }

    /// <summary>What the hook reports.</summary>
    public DecodedType Type { get; }

    /// <summary>The display name relative to the protocol's prefix.</summary>
    public string? Display { get; set; }

    /// <summary>How an integer is printed in text output (<see cref="NumberFormat.NtpTimestamp"/> only for <see cref="DecodedType.UInt64"/>).</summary>
    public NumberFormat Format { get; set; }

    /// <summary>How many hex digits text output prints, when more than the value's width; 0 for two per byte.</summary>
    public int HexDigits { get; set; }

    /// <summary>An enum whose names (or flags) are shown for an integer's value.</summary>
    public Type? Enum { get; set; }
}

/// <summary>What a <see cref="DecodedAttribute"/> field holds.</summary>
public enum DecodedType
{
    /// <summary>An 8-bit unsigned integer.</summary>
    UInt8,

    /// <summary>A 16-bit unsigned integer.</summary>
    UInt16,

    /// <summary>A 32-bit unsigned integer.</summary>
    UInt32,

    /// <summary>A 64-bit unsigned integer.</summary>
    UInt64,

    /// <summary>A Boolean.</summary>
    Boolean,

    /// <summary>Text: printable ASCII as is, other bytes as <c>\xNN</c>.</summary>
    Text,

    /// <summary>Bytes.</summary>
    Bytes,

    /// <summary>A MAC address.</summary>
    Mac,

    /// <summary>An IPv4 address.</summary>
    Ipv4,

    /// <summary>An IPv6 address.</summary>
    Ipv6,
}
