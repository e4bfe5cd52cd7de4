using System.Linq;

namespace PcapKit.Generators.Model;

/// <summary>A protocol, as both front ends describe it.</summary>
internal sealed record ProtocolSpec(
    string Id,
    string TypeName,
    string Namespace,
    string? Title,
    string? Rfc,
    EndianKind Endian,
    string Display,
    string Chain,
    string Layer,
    FrontEnd Source,
    string Accessibility,
    bool IsSealed,
    string SourceFile,
    EquatableArray<FieldSpec> Fields,
    EquatableArray<RegistrationSpec> Registrations,
    EquatableArray<ParamSpec> Params,
    PseudoHeaderSupplySpec? Supplies,
    EquatableArray<ComputedSpec> Computed,
    EquatableArray<TestVectorSpec> Tests,
    EquatableArray<EnumSpec> Enums,
    EquatableArray<TlvSetSpec> TlvSets)
{
    /// <summary>The dispatch tables whose payloads no key matched are offered to the protocol's heuristic hook.</summary>
    public EquatableArray<string> HeuristicTables { get; init; } = EquatableArray<string>.Empty;
}

/// <summary>One field on the wire.</summary>
internal sealed record FieldSpec(
    string Id,
    string PropertyName,
    FieldType Type,
    int ByteWidth,
    int Bits,
    EndianKind Endian,
    string? EnumId,
    NumberFormatKind Format,
    string? Display,
    bool DisplayScaled,
    SizeOfSpec? SizeOf,
    LengthSpec? Length,
    ValidationSpec? Valid,
    ChecksumSpec? Checksum,
    ConditionSpec? When,
    RegionKind? Region,
    string? TlvSetId,
    DispatchSpec? Dispatch,
    ulong? Reserved,
    string? RepeatTypeName,
    EquatableArray<FieldSpec> Children)
{
    /// <summary>
    /// A field a decode hook reports (YAML's decoded field keys, or a <c>[Decoded]</c> attribute): a value, or with
    /// <paramref name="itemName"/> and <paramref name="children"/> a list of items — nothing on the wire describes it.
    /// </summary>
    public static FieldSpec Decoded(string id, FieldType type, int width, string? enumId, NumberFormatKind format, string? display, int hexDigits,
        string? namesEnumId = null, string? itemName = null, EquatableArray<FieldSpec> children = default) =>
        new(id, Naming.ToPascal(id), type, width, 0, EndianKind.Big, enumId, format, display, false,
            null, null, null, null, null, null, null, null, null, itemName, children)
        {
            NamesEnumId = namesEnumId,
            HexDigits = hexDigits,
        };

    /// <summary>An enum whose names are shown for the value while the property stays an integer (port names).</summary>
    public string? NamesEnumId { get; init; }

    /// <summary>For a variant: the field whose value selects the case.</summary>
    public string? SwitchField { get; init; }

    /// <summary>For a variant: its cases; the one with no keys is the default.</summary>
    public EquatableArray<VariantCaseSpec> Cases { get; init; }

    /// <summary>A byte string shown as an address when its length is one (6: MAC, 4: IPv4, 16: IPv6).</summary>
    public bool IsAddress { get; init; }

    /// <summary>Whether a byte string is shown as text (<c>type: text</c> or <c>stringz</c>; the layout of bytes).</summary>
    public TextKind Text { get; init; }

    /// <summary>The field's role in the 5-tuple: <c>source_address</c>, <c>destination_address</c>, <c>source_port</c>, <c>destination_port</c>.</summary>
    public string? Role { get; init; }

    /// <summary>
    /// A byte string whose content a hand-written hook decodes (<c>decode:</c>): <see cref="Children"/> are the fields the
    /// hook reports (text, integers, addresses, lists of them), declared so outputs and <c>pcapkit fields</c> know them.
    /// </summary>
    public bool Decode { get; init; }

    /// <summary>With <c>decode: { from: protocol }</c>: the protocol whose field of the same id declares the decoded fields (LLMNR reuses DNS's).</summary>
    public string? DecodeFrom { get; init; }

    /// <summary>
    /// Conditions (any of them) on earlier fields or the field itself under which outputs show this one
    /// (<c>show_when:</c>); unlike <c>when</c> they do not change the layout: the field is always on the wire (DNS's AA,
    /// RA and RCODE bits, shown in responses only). Empty: always shown.
    /// </summary>
    public EquatableArray<ConditionSpec> ShowWhen { get; init; }

    /// <summary>The number of hex digits tshark prints for the field, when it differs from its width (a 16-bit <c>llc.control</c> read from one byte).</summary>
    public int HexDigits { get; init; }

    /// <summary>For a repeated item: the child field whose non-zero value marks the last item (MPLS's bottom of stack); null repeats to the region's end.</summary>
    public string? RepeatUntil { get; init; }

    /// <summary>The name the field is shown under when its value is at most a bound (802.3's length in the EtherType field).</summary>
    public AltDisplaySpec? Alt { get; init; }

    /// <summary>The names the field is shown under while a condition on another field holds, the first that holds (LLC's protocol id by its OUI).</summary>
    public EquatableArray<AltDisplaySpec> AltWhen { get; init; } = EquatableArray<AltDisplaySpec>.Empty;

    /// <summary>An integer in two's complement (<c>i8</c>…<c>i64</c>; a <c>sbyte</c>…<c>long</c> property): typed signed, shown signed.</summary>
    public bool Signed { get; init; }
}

/// <summary>
/// While an integer's value is at most <c>Max</c> (or a byte string is <c>Size</c> bytes long), the field is shown as
/// <c>Id</c> / <c>Display</c>.
/// </summary>
internal sealed record AltDisplaySpec(ulong Max, string Id, string Display)
{
    /// <summary>For a byte string: the length that selects the other name (0 for an integer's bound).</summary>
    public int Size { get; init; }

    /// <summary>The condition on another field that selects the other name (instead of a bound or a size).</summary>
    public ConditionSpec? When { get; init; }

    /// <summary>The enum that names the values under the other name (null: the field's own).</summary>
    public string? Enum { get; init; }
}

/// <summary>One case of a variant: the values of the switch field that select it, and its layout.</summary>
internal sealed record VariantCaseSpec(string Id, string TypeName, EquatableArray<ulong> Keys, EquatableArray<string> KeyNames, bool Declared, EquatableArray<FieldSpec> Fields)
{
    /// <summary>
    /// A condition on another field of the enclosing unit that must hold too (ICMP's unreachable code 4 carries the
    /// next-hop MTU); such a case is chosen before a case of the same key without one.
    /// </summary>
    public ConditionSpec? And { get; init; }

    /// <summary>
    /// The fewest bytes, from the layout's start to the end of its region, the case needs to be chosen (an MLDv2 query
    /// is an MLD query of 28 bytes or more); such a case is chosen before a case of the same key without one.
    /// </summary>
    public int? MinLength { get; init; }

    /// <summary>
    /// The most bytes, from the layout's start to the end of its region, with which the case is chosen (an IGMPv1 query is
    /// a query of fewer than 12 bytes); such a case is chosen before a case of the same key without one.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>Whether the case is chosen only when a condition beyond its key holds (<see cref="And"/>, <see cref="MinLength"/>, <see cref="MaxLength"/>).</summary>
    public bool IsConditional => And is not null || MinLength is not null || MaxLength is not null;

    /// <summary>
    /// Whether a link of <see cref="And"/> reads one of the case's own fields (a value inside the layout it chooses: IGMP's
    /// second byte, zero in a version 1 query) rather than a field of the enclosing unit.
    /// </summary>
    public bool IsOwn(ConditionSpec link) => Fields.Any(f => f.Id == link.FieldId);
}

/// <summary>The field holds the length of a region as <c>value * Scale + Offset</c>.</summary>
internal sealed record SizeOfSpec(RegionKind Region, int Scale, int Offset);

/// <summary>The length of a byte string is another field's <c>value * Scale + Offset</c>.</summary>
internal sealed record LengthSpec(string FieldId, int Scale, int Offset);

/// <summary>Rules a field must satisfy.</summary>
internal sealed record ValidationSpec(ulong? Eq, ulong? Min, ulong? Max, EquatableArray<ulong> AnyOf);

/// <summary>A checksum.</summary>
internal sealed record ChecksumSpec(string Algorithm, bool CoversPayload, string? PseudoHeaderParam, bool ZeroMeansNone)
{
    /// <summary>A field that limits the covered bytes (UDP-Lite's checksum coverage; 0 means all).</summary>
    public string? CoverageField { get; init; }
}

/// <summary>Presence of a field: <c>(field &amp; Mask) != 0</c> when Mask is set, else <c>field == Equal</c>, or one of AnyOf when it has values.</summary>
internal sealed record ConditionSpec(string FieldId, ulong Mask, ulong Equal)
{
    /// <summary>The field must be one of these values.</summary>
    public EquatableArray<ulong> AnyOf { get; init; }

    /// <summary>Another condition that must hold too (enhanced GRE's key halves: the key bit set and version 1).</summary>
    public ConditionSpec? And { get; init; }

    /// <summary>This condition and those joined to it with <see cref="And"/>.</summary>
    public System.Collections.Generic.IEnumerable<ConditionSpec> Links()
    {
        for (var c = this; c is not null; c = c.And)
        {
            yield return c;
        }
    }
}

/// <summary>The payload goes to the protocol <c>Table</c> maps the key fields to; with Hook, a partial method chooses among Tables.</summary>
internal sealed record DispatchSpec(string Table, EquatableArray<string> Keys, bool LowFirst, ConditionSpec? When)
{
    /// <summary>Whether a hand-written partial method chooses the table and keys.</summary>
    public bool Hook { get; init; }

    /// <summary>The tables the hook may choose from (Table first).</summary>
    public EquatableArray<string> Tables { get; init; }

    /// <summary>For each table, the name tshark shows in frame.protocols after this protocol when it dispatches there (<c>ethertype</c>), or empty.</summary>
    public EquatableArray<string> ChainLabels { get; init; }

    /// <summary>While this holds, the payload is only the first part of the upper-layer unit (a first fragment), whose length is unknown.</summary>
    public ConditionSpec? FragmentWhen { get; init; }

    /// <summary>Whether the payload is a packet quoted for its sender (an ICMP error's), not this frame's own traffic.</summary>
    public bool Quoted { get; init; }
}

/// <summary>The protocol registers itself in <c>Table</c> under <c>Key</c>.</summary>
internal sealed record RegistrationSpec(string Table, ulong Key)
{
    /// <summary>The name tshark's <c>frame.protocols</c> shows when the protocol is reached through this entry (<c>mdns</c> for DNS on 5353; empty: not shown), or null for the protocol's own.</summary>
    public string? Chain { get; init; }
}

/// <summary>A value passed in by the parent.</summary>
internal sealed record ParamSpec(string Name, string Kind);

/// <summary>The protocol supplies an IP pseudo-header built from two address fields.</summary>
internal sealed record PseudoHeaderSupplySpec(string SourceField, string DestinationField);

/// <summary>A computed field.</summary>
internal sealed record ComputedSpec(string Id, string PropertyName, ComputedKind Kind, string? Display);

/// <summary>A test vector.</summary>
internal sealed record TestVectorSpec(string Hex, EquatableArray<ExpectationSpec> Expect);

/// <summary>One expected value of a test vector.</summary>
internal sealed record ExpectationSpec(string FieldId, string Value);

/// <summary>An enumeration: named values, or named bits when IsFlags.</summary>
internal sealed record EnumSpec(
    string Id,
    string TypeName,
    string Namespace,
    int ByteWidth,
    bool IsFlags,
    bool Declared,
    bool External,
    EquatableArray<EnumMemberSpec> Members);

/// <summary>One member of an enumeration.</summary>
internal sealed record EnumMemberSpec(string Id, string MemberName, ulong Value);

/// <summary>A type-length-value option set.</summary>
internal sealed record TlvSetSpec(
    string Id,
    string TypeName,
    string Namespace,
    EndianKind Endian,
    int KindWidth,
    int LengthWidth,
    bool LengthIncludesHeader,
    int LengthScale,
    string KindEnumId,
    string Display,
    string? KindDisplay,
    string? LengthDisplay,
    bool Declared,
    string Accessibility,
    EquatableArray<TlvCaseSpec> Cases,
    EquatableArray<EnumSpec> Enums)
{
    /// <summary>Fields between the kind and the length, common to every option (SCTP's chunk flags).</summary>
    public EquatableArray<FieldSpec> HeaderFields { get; init; }

    /// <summary>Options are padded to a multiple of this many bytes; the length does not count the padding (SCTP).</summary>
    public int Align { get; init; } = 1;

    /// <summary>The display name of an unknown kind's value, relative to <see cref="Display"/> (default <c>option_data</c>).</summary>
    public string? UnknownDisplay { get; init; }

    /// <summary>The TLV sets the cases' values hold (CIPSO's tags inside an IPv4 option), for the emitter's field code.</summary>
    public EquatableArray<TlvSetSpec> NestedSets { get; init; }

    /// <summary>Whether text output prints the kind in hex (<c>ipv6.opt.type</c>).</summary>
    public bool KindHex { get; init; }
}

/// <summary>One kind of a TLV set.</summary>
internal sealed record TlvCaseSpec(
    string Id,
    string TypeName,
    ulong Kind,
    bool SingleByte,
    bool EndOfList,
    bool Declared,
    EquatableArray<FieldSpec> Fields);

/// <summary>The pack: every protocol of the compilation.</summary>
internal sealed record PackSpec(string Namespace, string TypeName, string AssemblyName, EquatableArray<string> ProtocolTypes);
