using System;

namespace PcapKit.Annotations;

/// <summary>
/// Declares a type-length-value option set on an <c>abstract partial record</c>; each nested
/// <see cref="TlvCaseAttribute"/> record is one kind with its layout. Unknown kinds become <c>Unknown</c>,
/// bytes after the end-of-list kind or after a malformed option become <c>Trailing</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TlvSetAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The set's identifier (<c>tcp_option</c>).</param>
    public TlvSetAttribute(string name) => Name = name;

    /// <summary>The set's identifier.</summary>
    public string Name { get; }

    /// <summary>The width of the kind field in bytes.</summary>
    public int KindWidth { get; set; } = 1;

    /// <summary>The width of the length field in bytes.</summary>
    public int LengthWidth { get; set; } = 1;

    /// <summary>Set when the length counts the kind and length bytes too (TCP, IPv4); clear when it counts the value only.</summary>
    public bool LengthIncludesHeader { get; set; } = true;

    /// <summary>The number of bytes per unit of the length field.</summary>
    public int LengthScale { get; set; } = 1;

    /// <summary>Options are padded to a multiple of this many bytes, which the length does not count (SCTP chunks: 4).</summary>
    public int Align { get; set; } = 1;

    /// <summary>The prefix of the display names of the set's fields (<c>tcp</c>); case fields are relative to it.</summary>
    public string? Display { get; set; }

    /// <summary>The display name of the kind field, relative to <see cref="Display"/> (<c>option_kind</c> gives <c>tcp.option_kind</c>).</summary>
    public string? KindDisplay { get; set; }

    /// <summary>The display name of the length field, relative to <see cref="Display"/>.</summary>
    public string? LengthDisplay { get; set; }

    /// <summary>The enum type naming the kinds.</summary>
    public Type? KindEnum { get; set; }

    /// <summary>
    /// The display name of an unknown kind's value, relative to <see cref="Display"/>, as the protocol's dissector names
    /// it (YAML's <c>unknown: { display: … }</c>: <c>cipso.tag_data</c>); null for <c>option_data</c>.
    /// </summary>
    public string? UnknownDisplay { get; set; }
}

/// <summary>Declares one kind of a <see cref="TlvSetAttribute"/> set on a nested record; its properties are the value's fields.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TlvCaseAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="kind">The kind value.</param>
    public TlvCaseAttribute(ulong kind) => Kind = kind;

    /// <summary>The kind value.</summary>
    public ulong Kind { get; }

    /// <summary>A one-byte option with no length field (NOP, EOL).</summary>
    public bool SingleByte { get; set; }

    /// <summary>This kind ends the list; the bytes after it are padding.</summary>
    public bool EndOfList { get; set; }
}

/// <summary>Declares a field that repeats until the end of its region (SACK blocks), or up to an item that marks itself the last.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RepeatAttribute : Attribute
{
    /// <summary>When set, the property of the item whose non-zero value marks the last item (MPLS's bottom-of-stack bit).</summary>
    public string? Until { get; set; }
}
