using System;
using System.Collections.Generic;
using PcapKit.Annotations;

namespace PcapKit.Dissection;

/// <summary>Describes one field of a protocol for output and for <c>pcapkit fields</c>: built once by generated code.</summary>
public sealed class FieldDescriptor
{
    private readonly FieldDescriptor[] _children;
    private readonly int _hexDigits;

    /// <summary>Creates a descriptor.</summary>
    /// <param name="name">The field's identifier, snake_case (JSON key).</param>
    /// <param name="displayName">The full display name as Wireshark's (<c>tcp.srcport</c>), or <see langword="null"/> when the field has none.</param>
    /// <param name="kind">What it holds.</param>
    /// <param name="bitWidth">Its width in bits (0 for variable-size fields).</param>
    /// <param name="format">How a number is printed.</param>
    /// <param name="enumDescriptor">Names of its values.</param>
    /// <param name="children">The fields of a structure or of a list's items.</param>
    /// <param name="displayScale">For a length field, the factor text output applies (tshark shows <c>ip.hdr_len</c> in bytes).</param>
    /// <param name="displayOffset">For a length field, the bytes text output adds after scaling.</param>
    /// <param name="hexDigits">The hex digits tshark prints, when not two per byte of <paramref name="bitWidth"/>; 0 for the default.</param>
    public FieldDescriptor(
        string name,
        string? displayName,
        FieldKind kind,
        int bitWidth = 0,
        NumberFormat format = NumberFormat.Decimal,
        EnumDescriptor? enumDescriptor = null,
        FieldDescriptor[]? children = null,
        int displayScale = 1,
        int displayOffset = 0,
        int hexDigits = 0)
    {
        _hexDigits = hexDigits;
        Name = name;
        DisplayName = displayName;
        Kind = kind;
        BitWidth = bitWidth;
        Format = format;
        Enum = enumDescriptor;
        _children = children ?? [];
        DisplayScale = displayScale;
        DisplayOffset = displayOffset;
    }

    /// <summary>The factor text output applies to the value.</summary>
    public int DisplayScale { get; }

    /// <summary>The bytes text output adds after scaling.</summary>
    public int DisplayOffset { get; }

    /// <summary>The field's identifier, snake_case.</summary>
    public string Name { get; }

    /// <summary>The full display name (<c>tcp.srcport</c>), or <see langword="null"/>.</summary>
    public string? DisplayName { get; }

    /// <summary>What it holds.</summary>
    public FieldKind Kind { get; }

    /// <summary>Its width in bits (0 for variable-size fields).</summary>
    public int BitWidth { get; }

    /// <summary>How a number is printed.</summary>
    public NumberFormat Format { get; }

    /// <summary>The names of its values, for enums and flags.</summary>
    public EnumDescriptor? Enum { get; }

    /// <summary>The fields of a structure, or of the items of a list.</summary>
    public IReadOnlyList<FieldDescriptor> Children => _children;

    /// <summary>The number of hex digits tshark prints: two per byte of the field's storage, unless the protocol says otherwise.</summary>
    public int HexDigits => _hexDigits > 0 ? _hexDigits : Math.Max(2, ((BitWidth + 7) / 8) * 2);

    /// <inheritdoc/>
    public override string ToString() => DisplayName ?? Name;
}
