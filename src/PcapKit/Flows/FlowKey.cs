using System;
using PcapKit.Net;

namespace PcapKit.Flows;

/// <summary>
/// A bidirectional flow's identity: link type, IP version and protocol, and the two endpoints in a canonical order,
/// so both directions of a conversation have the same key. Protocols without ports (ICMP, GRE) are keyed by their
/// protocol and addresses alone — unlike pkt2flow, ICMP and GRE between the same hosts are different flows.
/// </summary>
/// <param name="LinkType">The link type of the frames (flows are written one link type per file).</param>
/// <param name="VlanId">The outermost VLAN identifier, or -1 for untagged frames.</param>
/// <param name="Version">4 or 6.</param>
/// <param name="Protocol">The IP protocol.</param>
/// <param name="AddressA">The lower endpoint's address.</param>
/// <param name="PortA">The lower endpoint's port.</param>
/// <param name="AddressB">The higher endpoint's address.</param>
/// <param name="PortB">The higher endpoint's port.</param>
public readonly record struct FlowKey(int LinkType, int VlanId, byte Version, byte Protocol, Ipv6Address AddressA, ushort PortA, Ipv6Address AddressB, ushort PortB)
{
    /// <summary>The key of a packet's flow.</summary>
    /// <param name="linkType">The frame's link type.</param>
    /// <param name="vlanId">The outermost VLAN identifier, or -1.</param>
    /// <param name="tuple">The packet's 5-tuple.</param>
    /// <returns>The key, the same for both directions.</returns>
    public static FlowKey For(int linkType, int vlanId, in FiveTuple tuple)
    {
        var forward = tuple.Source < tuple.Destination || (tuple.Source == tuple.Destination && tuple.SourcePort <= tuple.DestinationPort);
        return forward
            ? new FlowKey(linkType, vlanId, tuple.Version, tuple.Protocol, tuple.Source, tuple.SourcePort, tuple.Destination, tuple.DestinationPort)
            : new FlowKey(linkType, vlanId, tuple.Version, tuple.Protocol, tuple.Destination, tuple.DestinationPort, tuple.Source, tuple.SourcePort);
    }

    /// <summary>A hash that does not depend on direction, for sharding flow state.</summary>
    /// <returns>The hash.</returns>
    public int StableHash() => HashCode.Combine(Protocol, AddressA, PortA, AddressB, PortB);
}
