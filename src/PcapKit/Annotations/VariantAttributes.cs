using System;

namespace PcapKit.Annotations;

/// <summary>
/// Declares a variant on an <c>abstract partial record</c>: a layout chosen by the value of an earlier field
/// (ICMP's rest of header by type). Each nested <see cref="VariantCaseAttribute"/> record is one layout.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class VariantSetAttribute : Attribute
{
}

/// <summary>One layout of a <see cref="VariantSetAttribute"/> variant, selected by the switch field's <see cref="Keys"/>; no keys makes it the default.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class VariantCaseAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="keys">The values that select this layout; none for the default.</param>
    public VariantCaseAttribute(params ulong[] keys) => Keys = keys;

    /// <summary>The values that select this layout.</summary>
    public ulong[] Keys { get; }

    /// <summary>
    /// The fewest bytes, from the layout's start to the end of its region, this layout needs to be chosen; it is then
    /// chosen before a layout of the same value without one (YAML's <c>min_length</c>). 0: no such condition.
    /// </summary>
    public int MinLength { get; init; }

    /// <summary>
    /// The most bytes, from the layout's start to the end of its region (the header, when a header length bounds it; else
    /// every byte the unit is given), with which this layout is chosen; it is then chosen before a layout of the same value
    /// without one (YAML's <c>max_length</c>): an IGMP query of fewer than 12 bytes is not a version 3 query. 0: no such
    /// condition.
    /// </summary>
    public int MaxLength { get; init; }

    /// <summary>
    /// A condition beyond the key (YAML's <c>and:</c>): the layout is chosen only while it holds, before a layout of the same
    /// value without one. It names either another field of the unit — ICMP's "fragmentation needed" for code 4 of a
    /// destination unreachable; every layout of the variant that names one names the same property — or one of this
    /// layout's own properties at a fixed offset (an unsigned number or flag, or a byte string of 1, 2, 3, 4, 6 or 8 bytes), read from
    /// the layout's bytes before it is chosen (an IGMP query whose second byte is zero is a version 1 query, whose byte
    /// is unused). Null: no such condition.
    /// </summary>
    public string? AndField { get; init; }

    /// <summary>When non-zero, the condition holds while <see cref="AndField"/> has any of these bits set.</summary>
    public ulong AndMask { get; init; }

    /// <summary>When <see cref="AndMask"/> is zero and <see cref="AndAnyOf"/> unset, the condition holds while <see cref="AndField"/> equals this.</summary>
    public ulong AndEqual { get; init; }

    /// <summary>When set, the condition holds while <see cref="AndField"/> is any of these values.</summary>
    public ulong[]? AndAnyOf { get; init; }
}

/// <summary>Declares that a property of a <see cref="VariantSetAttribute"/> type is chosen by another field's value.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SwitchAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="field">The property whose value selects the case.</param>
    public SwitchAttribute(string field) => Field = field;

    /// <summary>The property whose value selects the case.</summary>
    public string Field { get; }
}
