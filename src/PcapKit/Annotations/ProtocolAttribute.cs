using System;
using PcapKit.Dissection;

namespace PcapKit.Annotations;

/// <summary>
/// Declares a protocol on a <c>partial record</c>: its members, in declaration order, are the fields on the wire.
/// The PcapKit source generator adds the zero-copy <c>View</c>, the parser, the writer and the registration.
/// </summary>
/// <example>
/// <code>
/// [Protocol("udp", Endian.Big, Title = "User Datagram Protocol", Rfc = "RFC 768")]
/// [RegisterIn("ip.proto", 17)]
/// public partial record Udp { [Field(Display = "srcport")] public ushort SourcePort { get; init; } /* … */ }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProtocolAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The protocol's identifier, snake_case (<c>udp</c>, <c>ipv4</c>).</param>
    /// <param name="endian">The byte order of its multi-byte fields.</param>
    public ProtocolAttribute(string name, Endian endian)
    {
        Name = name;
        Endian = endian;
    }

    /// <summary>The protocol's identifier.</summary>
    public string Name { get; }

    /// <summary>The byte order of its multi-byte fields.</summary>
    public Endian Endian { get; }

    /// <summary>The protocol's full name.</summary>
    public string? Title { get; set; }

    /// <summary>The document that defines it (<c>RFC 768</c>).</summary>
    public string? Rfc { get; set; }

    /// <summary>The prefix of its display field names, as Wireshark's (<c>udp</c> for <c>udp.srcport</c>). Defaults to the name.</summary>
    public string? Display { get; set; }

    /// <summary>Its name in a protocol chain as tshark's <c>frame.protocols</c> writes it. Defaults to the display prefix.</summary>
    public string? Chain { get; set; }

    /// <summary>The layer it belongs to, used by thresholds.</summary>
    public LayerKind Layer { get; set; } = LayerKind.Application;
}
