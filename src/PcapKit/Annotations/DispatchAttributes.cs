using System;

namespace PcapKit.Annotations;

/// <summary>Registers the protocol in a parent's dispatch table under a key.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RegisterInAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="table">The table (<c>ip.proto</c>, <c>ethertype</c>, <c>udp.port</c>).</param>
    /// <param name="key">The key.</param>
    public RegisterInAttribute(string table, ulong key)
    {
        Table = table;
        Key = key;
    }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The key.</summary>
    public ulong Key { get; }
}

/// <summary>
/// Offers the protocol, in a table, the payloads whose keys name no protocol: the record declares
/// <c>private static partial bool IsHeuristicMatch(ReadOnlySpan&lt;byte&gt; payload)</c> and implements it (YAML: <c>heuristics:</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HeuristicAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="table">The table (<c>tcp.port</c>).</param>
    public HeuristicAttribute(string table) => Table = table;

    /// <summary>The table.</summary>
    public string Table { get; }
}

/// <summary>Hands the payload to the protocol a table maps the key fields to.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DispatchAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="table">The table.</param>
    /// <param name="keys">The properties whose values are looked up, in order; with <see cref="LowFirst"/>, the lower value first.</param>
    public DispatchAttribute(string table, params string[] keys)
    {
        Table = table;
        Keys = keys;
    }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The key properties.</summary>
    public string[] Keys { get; }

    /// <summary>Try the lower key value first, as Wireshark does for ports.</summary>
    public bool LowFirst { get; set; }

    /// <summary>When set, dispatch only while this property equals <see cref="WhenEqual"/>.</summary>
    public string? When { get; set; }

    /// <summary>The value <see cref="When"/> must have.</summary>
    public ulong WhenEqual { get; set; }

    /// <summary>
    /// Set when a hand-written <c>private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)</c>
    /// chooses the table (<see cref="Table"/>, then <see cref="Tables"/>) and the keys.
    /// </summary>
    public bool Hook { get; set; }

    /// <summary>Further tables a hook may choose.</summary>
    public string[]? Tables { get; set; }

    /// <summary>
    /// When set, the payload is only the first part of the upper-layer unit while this property equals
    /// <see cref="FragmentWhenEqual"/> (a first fragment): its length is unknown until reassembly.
    /// </summary>
    public string? FragmentWhen { get; set; }

    /// <summary>The value <see cref="FragmentWhen"/> must have.</summary>
    public ulong FragmentWhenEqual { get; set; }

    /// <summary>
    /// Set when the payload is a packet quoted for its sender (YAML's <c>quoted: true</c>: an ICMP error's offending
    /// datagram), not this frame's own traffic: IP reassembly takes no fragment among its layers.
    /// </summary>
    public bool Quoted { get; set; }

    /// <summary>The name tshark's <c>frame.protocols</c> shows after this protocol when the payload goes to <see cref="Table"/> (<c>ethertype</c>).</summary>
    public string? ChainLabel { get; set; }
}

/// <summary>Declares a value the parent passes in (a pseudo-header for a checksum).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ParamAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="kind">Its kind.</param>
    public ParamAttribute(string name, ParamKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>Its kind.</summary>
    public ParamKind Kind { get; }
}

/// <summary>Declares that this protocol supplies an IP pseudo-header to the protocols it dispatches to.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SuppliesPseudoHeaderAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="source">The source address property.</param>
    /// <param name="destination">The destination address property.</param>
    public SuppliesPseudoHeaderAttribute(string source, string destination)
    {
        Source = source;
        Destination = destination;
    }

    /// <summary>The source address property.</summary>
    public string Source { get; }

    /// <summary>The destination address property.</summary>
    public string Destination { get; }
}

/// <summary>A test vector: a packet as hex and the field values it must parse to. The generator checks it at compile time.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TestVectorAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="hex">The packet as hex; spaces are ignored.</param>
    /// <param name="expect">Expected values as <c>field=value</c> pairs separated by commas.</param>
    public TestVectorAttribute(string hex, string expect)
    {
        Hex = hex;
        Expect = expect;
    }

    /// <summary>The packet as hex.</summary>
    public string Hex { get; }

    /// <summary>Expected values as <c>field=value</c> pairs.</summary>
    public string Expect { get; }
}
