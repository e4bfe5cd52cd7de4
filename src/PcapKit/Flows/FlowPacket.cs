using PcapKit.Annotations;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Flows;

/// <summary>
/// What flow tracking needs from one frame, read through the protocols' declared field roles (addresses, ports,
/// protocol, fragment fields, TCP flags), so it works for any pack: the first IP layer's addresses, the transport's
/// ports, and whether the datagram is a fragment.
/// </summary>
// The per-packet path: its locals are assigned before they are read (C#'s rules; it has no stackalloc), so they are not
// zeroed on every call.
[System.Runtime.CompilerServices.SkipLocalsInit]
public readonly struct FlowPacket
{
    /// <summary>The 5-tuple (ports 0 when the frame has no transport header: a non-first fragment, ICMP).</summary>
    public FiveTuple Tuple { get; init; }

    /// <summary>Whether the datagram is a fragment (more fragments follow, or its offset is not 0).</summary>
    public bool IsFragment { get; init; }

    /// <summary>Whether it is a fragment other than the first: it has no transport header.</summary>
    public bool IsLaterFragment => IsFragment && FragmentOffset != 0;

    /// <summary>The fragment identification (IPv4's 16 bits, IPv6's 32), when a fragment.</summary>
    public uint FragmentId { get; init; }

    /// <summary>The fragment's offset in 8-octet units.</summary>
    public ushort FragmentOffset { get; init; }

    /// <summary>Whether the frame has a transport header with ports.</summary>
    public bool HasPorts { get; init; }

    /// <summary>TCP's control bits, when the transport is TCP.</summary>
    public ushort TcpFlags { get; init; }

    /// <summary>Whether the transport header has TCP flags.</summary>
    public bool HasTcpFlags { get; init; }

    /// <summary>The index of the transport layer (the one with the ports) in the frame, or -1.</summary>
    public int TransportLayer { get; init; }

    /// <summary>The outermost VLAN identifier before the IP layer, or -1 when the frame is not tagged.</summary>
    public int VlanId { get; init; }

    /// <summary>Reads a frame.</summary>
    /// <param name="frame">The dissected frame.</param>
    /// <param name="packet">What flow tracking needs.</param>
    /// <returns>False when the frame has no IP layer whose addresses were captured.</returns>
    public static bool TryRead(Frame frame, out FlowPacket packet)
    {
        var registry = frame.Registry;
        var vlan = -1;
        for (var i = 0; i < frame.LayerCount; i++)
        {
            var ip = registry.GetProtocol(frame[i].Protocol);
            var ipBytes = frame.LayerBytes(i);
            if (!ip.TryGetAddresses(ipBytes, out var version, out var source, out var destination))
            {
                if (vlan < 0 && ip.TryGetRoleValue(ipBytes, FieldRole.VlanId, out var id12))
                {
                    vlan = (int)id12;
                }

                continue;
            }

            ip.TryGetRoleValue(ipBytes, FieldRole.Protocol, out var protocol);
            var fragment = Fragment(ip, ipBytes, out var id, out var offset);
            ushort sourcePort = 0, destinationPort = 0, flags = 0;
            bool hasPorts = false, hasFlags = false;
            var transport = -1;

            // The layers reached from the IP layer by protocol number: extension headers, then the transport.
            for (var j = i + 1; j < frame.LayerCount && frame[j].DispatchTable == registry.IpProtocolTable; j++)
            {
                var layer = registry.GetProtocol(frame[j].Protocol);
                var bytes = frame.LayerBytes(j);
                if (layer.TryGetAddresses(bytes, out _, out _, out _))
                {
                    // A tunnel (4in4, 6in4, …): the flow is the outer datagram's, keyed by the tunnel's protocol.
                    protocol = frame[j].DispatchKey;
                    break;
                }

                protocol = frame[j].DispatchKey;
                if (!fragment && Fragment(layer, bytes, out id, out offset))
                {
                    fragment = true;
                }

                if (layer.TryGetPorts(bytes, out sourcePort, out destinationPort))
                {
                    hasPorts = true;
                    transport = j;
                    hasFlags = layer.TryGetRoleValue(bytes, FieldRole.TcpFlags, out var f);
                    flags = (ushort)f;
                    break;
                }

                if (offset != 0 && layer.TryGetRoleValue(bytes, FieldRole.Protocol, out var next))
                {
                    // A later IPv6 fragment: its header names the protocol, and nothing follows but data.
                    protocol = next;
                }
            }

            packet = new FlowPacket
            {
                Tuple = new FiveTuple(version, source, destination, (byte)protocol, sourcePort, destinationPort),
                IsFragment = fragment,
                FragmentId = id,
                FragmentOffset = offset,
                HasPorts = hasPorts,
                TcpFlags = flags,
                HasTcpFlags = hasFlags,
                VlanId = vlan,
                TransportLayer = transport,
            };
            return true;
        }

        packet = default;
        return false;
    }

    private static bool Fragment(ProtocolDescriptor protocol, System.ReadOnlySpan<byte> bytes, out uint id, out ushort offset)
    {
        if (protocol.TryGetRoleValue(bytes, FieldRole.FragmentOffset, out var o) && protocol.TryGetRoleValue(bytes, FieldRole.MoreFragments, out var more))
        {
            protocol.TryGetRoleValue(bytes, FieldRole.FragmentId, out var i);
            id = (uint)i;
            offset = (ushort)o;
            return o != 0 || more != 0;
        }

        id = 0;
        offset = 0;
        return false;
    }
}
