using System;
using System.Collections.Generic;

namespace PcapKit.Dissection;

/// <summary>
/// One protocol as the runtime sees it: its names, fields and dispatch entries, and the two operations the
/// dissector needs. Each generated protocol has one sealed subclass with a single instance.
/// </summary>
public abstract class ProtocolDescriptor
{
    private readonly FieldDescriptor[] _fields;
    private readonly DispatchRegistration[] _registrations;
    private readonly string[] _dispatchTables;
    private readonly string?[] _dispatchLabels;

    /// <summary>Creates the descriptor.</summary>
    /// <param name="name">The identifier (<c>tcp</c>).</param>
    /// <param name="title">The full name.</param>
    /// <param name="reference">The defining document (<c>RFC 9293</c>).</param>
    /// <param name="displayPrefix">The prefix of its display field names (<c>tcp</c>).</param>
    /// <param name="chainName">Its name in tshark's <c>frame.protocols</c>.</param>
    /// <param name="layer">Its layer.</param>
    /// <param name="fields">Its fields, in wire order.</param>
    /// <param name="registrations">Where it registers itself.</param>
    /// <param name="dispatchTables">The tables its payload is looked up in.</param>
    /// <param name="dispatchLabels">For each table, the name tshark's <c>frame.protocols</c> shows after this protocol when it dispatches there (<c>ethertype</c>), or null.</param>
    protected ProtocolDescriptor(
        string name,
        string? title,
        string? reference,
        string displayPrefix,
        string chainName,
        LayerKind layer,
        FieldDescriptor[] fields,
        DispatchRegistration[] registrations,
        string[] dispatchTables,
        string?[]? dispatchLabels = null)
    {
        Name = name;
        Title = title ?? name;
        Reference = reference;
        DisplayPrefix = displayPrefix;
        ChainName = chainName;
        Layer = layer;
        _fields = fields;
        _registrations = registrations;
        _dispatchTables = dispatchTables;
        _dispatchLabels = dispatchLabels ?? new string?[dispatchTables.Length];
    }

    /// <summary>The identifier (<c>tcp</c>).</summary>
    public string Name { get; }

    /// <summary>The full name.</summary>
    public string Title { get; }

    /// <summary>The defining document.</summary>
    public string? Reference { get; }

    /// <summary>The prefix of its display field names.</summary>
    public string DisplayPrefix { get; }

    /// <summary>Its name in a protocol chain.</summary>
    public string ChainName { get; }

    /// <summary>Its layer.</summary>
    public LayerKind Layer { get; }

    /// <summary>Its fields, in wire order.</summary>
    public IReadOnlyList<FieldDescriptor> Fields => _fields;

    /// <summary>Computed fields (<c>tcp.len</c>), shown after the wire fields.</summary>
    public virtual IReadOnlyList<FieldDescriptor> ComputedFields => [];

    /// <summary>The test vectors its spec declares.</summary>
    public virtual IReadOnlyList<ProtocolTestVector> TestVectors => [];

    /// <summary>Where it registers itself.</summary>
    public IReadOnlyList<DispatchRegistration> Registrations => _registrations;

    /// <summary>The tables its payload is looked up in, by the index <see cref="LayerResult.NextTable"/> uses.</summary>
    public IReadOnlyList<string> DispatchTables => _dispatchTables;

    /// <summary>
    /// The dispatch tables (<c>tcp.port</c>) in which the protocol is also tried, by <see cref="IsHeuristicMatch"/>, on a
    /// payload whose keys name no protocol (Wireshark's heuristic dissectors: HTTP on any port).
    /// </summary>
    public virtual IReadOnlyList<string> HeuristicTables => [];

    /// <summary>Whether <paramref name="payload"/> looks like this protocol's, for <see cref="HeuristicTables"/>; reads only the bytes.</summary>
    /// <param name="payload">The payload no key matched.</param>
    /// <returns>Whether to dissect it as this protocol.</returns>
    public virtual bool IsHeuristicMatch(ReadOnlySpan<byte> payload) => false;

    /// <summary>The chain label of a dispatch table (<c>ethertype</c>), or null.</summary>
    /// <param name="localTable">The index in <see cref="DispatchTables"/>.</param>
    /// <returns>The label.</returns>
    public string? GetDispatchLabel(int localTable) => (uint)localTable < (uint)_dispatchLabels.Length ? _dispatchLabels[localTable] : null;

    /// <summary>Dissects one unit at the start of <paramref name="data"/>; never throws, never allocates.</summary>
    /// <param name="data">The bytes from the unit's first byte to the end of the enclosing unit.</param>
    /// <param name="context">State from the enclosing layers; this layer may update it for the next.</param>
    /// <param name="result">The layer's extent, status and next dispatch.</param>
    public abstract void Dissect(ReadOnlySpan<byte> data, ref DissectionContext context, out LayerResult result);

    /// <summary>Hands the fields of the unit in <paramref name="data"/> to <paramref name="visitor"/>. A unit whose header is cut gets the fields that fit.</summary>
    /// <param name="data">The unit's bytes, as <see cref="Dissect"/> bounded them.</param>
    /// <param name="visitor">The visitor.</param>
    public void Accept(ReadOnlySpan<byte> data, IFieldVisitor visitor) => Accept(data, data.Length, visitor);

    /// <summary>
    /// Hands the fields of a unit to <paramref name="visitor"/>, with the length the enclosing layers declared for it
    /// (<see cref="Layer.ReportedLength"/>), so values computed from lengths (<c>tcp.len</c>) count what the capture cut.
    /// </summary>
    /// <param name="data">The unit's bytes, as <see cref="Dissect"/> bounded them.</param>
    /// <param name="reportedLength">The unit's declared length.</param>
    /// <param name="visitor">The visitor.</param>
    public abstract void Accept(ReadOnlySpan<byte> data, int reportedLength, IFieldVisitor visitor);

    /// <summary>Reads the unit's addresses, when the protocol declares fields with the address roles (IPv4, IPv6).</summary>
    /// <param name="data">The unit's bytes.</param>
    /// <param name="version">4 or 6.</param>
    /// <param name="source">The source address (IPv4 as IPv4-mapped IPv6).</param>
    /// <param name="destination">The destination address.</param>
    /// <returns>Whether the protocol has addresses and they were captured.</returns>
    public virtual bool TryGetAddresses(ReadOnlySpan<byte> data, out byte version, out Net.Ipv6Address source, out Net.Ipv6Address destination)
    {
        version = 0;
        source = default;
        destination = default;
        return false;
    }

    /// <summary>Reads the unit's ports, when the protocol declares fields with the port roles (TCP, UDP, SCTP, …).</summary>
    /// <param name="data">The unit's bytes.</param>
    /// <param name="source">The source port.</param>
    /// <param name="destination">The destination port.</param>
    /// <returns>Whether the protocol has ports and they were captured.</returns>
    public bool TryGetPorts(ReadOnlySpan<byte> data, out ushort source, out ushort destination)
    {
        if (TryGetRoleValue(data, Annotations.FieldRole.SourcePort, out var s) && TryGetRoleValue(data, Annotations.FieldRole.DestinationPort, out var d))
        {
            source = (ushort)s;
            destination = (ushort)d;
            return true;
        }

        source = 0;
        destination = 0;
        return false;
    }

    /// <summary>Reads the field that has <paramref name="role"/> in this protocol (ports, protocol, fragment fields, TCP flags).</summary>
    /// <param name="data">The unit's bytes.</param>
    /// <param name="role">The role.</param>
    /// <param name="value">The field's value.</param>
    /// <returns>Whether the protocol has such a field and it was captured.</returns>
    public virtual bool TryGetRoleValue(ReadOnlySpan<byte> data, Annotations.FieldRole role, out ulong value)
    {
        value = 0;
        return false;
    }

    /// <summary>
    /// Reads the values of every field with a role at once (the addresses, ports, protocol, fragment fields, TCP flags, …):
    /// what <see cref="TryGetAddresses"/> and <see cref="TryGetRoleValue"/> read, in one call per layer. Generated
    /// descriptors read the fields directly; this default asks those two for each role.
    /// </summary>
    /// <param name="data">The unit's bytes.</param>
    /// <param name="values">Where the values go: each role the protocol has and the bytes hold is set; others are left as they are.</param>
    public virtual void ReadRoles(ReadOnlySpan<byte> data, ref RoleValues values)
    {
        if (TryGetAddresses(data, out var version, out var source, out var destination))
        {
            values.SetAddresses(version, source, destination);
        }

        foreach (var role in RoleValues.ValuedRoles)
        {
            if (TryGetRoleValue(data, role, out var value))
            {
                values.Set(role, value);
            }
        }
    }

    /// <summary>Copies the unit in <paramref name="data"/> into the protocol's owned record, or returns null when it does not parse.</summary>
    /// <param name="data">The unit's bytes.</param>
    /// <returns>The record (the generated <c>partial record</c> type), or null.</returns>
    public abstract object? CreateRecord(ReadOnlySpan<byte> data);

    /// <summary>Writes a record of this protocol (as <see cref="CreateRecord"/> returns), without a pseudo-header.</summary>
    /// <param name="record">The record.</param>
    /// <param name="destination">Where to write.</param>
    /// <param name="flags">What to copy from the record rather than compute.</param>
    /// <param name="written">The number of bytes written.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentException">The record is not of this protocol.</exception>
    public abstract System.Buffers.OperationStatus WriteRecord(object record, Span<byte> destination, Buffers.WriteFlags flags, out int written);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
