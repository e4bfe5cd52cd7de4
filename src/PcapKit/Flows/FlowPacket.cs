using PcapKit.Annotations;
using PcapKit.Dissection;
using PcapKit.Net;

namespace PcapKit.Flows;

/// <summary>
/// What flow tracking needs from one frame, read through the protocols' declared field roles (addresses, ports,
/// protocol, fragment fields, TCP flags), so it works for any pack: the first IP layer's addresses, the transport's
/// ports, and whether the datagram is a fragment.
/// </summary>
// The per-packet path: its locals are assigned before they are read (C#'s rules, and RoleValues' own: a value is read only
// once set since Clear; no stackalloc), so they are not zeroed on every call.
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

    /// <summary>
    /// The protocol the fragmenting header names (IPv4's protocol field, an IPv6 Fragment header's next header), when a
    /// fragment: the same in every fragment of a datagram, so with the addresses and <see cref="FragmentId"/> it ties
    /// them together (RFC 791 §3.2, RFC 8200 §4.5) — where <see cref="Tuple"/>'s protocol is the transport's, which only
    /// the first fragment shows.
    /// </summary>
    public byte FragmentProtocol { get; init; }

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
        // Each layer's roles by one call (ReadRoles), into one instance cleared per layer: not zeroed per packet.
        System.Runtime.CompilerServices.Unsafe.SkipInit(out RoleValues roles);
        for (var i = 0; i < frame.LayerCount; i++)
        {
            roles.Clear();
            registry.GetProtocol(frame[i].Protocol).ReadRoles(frame.LayerBytes(i), ref roles);
            if (!roles.TryGetAddresses(out var version, out var source, out var destination))
            {
                if (vlan < 0 && roles.TryGet(FieldRole.VlanId, out var id12))
                {
                    vlan = (int)id12;
                }

                continue;
            }

            roles.TryGet(FieldRole.Protocol, out var protocol);
            var fragment = Fragment(roles, out var id, out var offset, out var fragmentProtocol);
            var last = i;
            ushort sourcePort = 0, destinationPort = 0, flags = 0;
            bool hasPorts = false, hasFlags = false, tunnel = false;
            var transport = -1;

            // The layers reached from the IP layer by protocol number: extension headers, then the transport.
            for (var j = i + 1; j < frame.LayerCount && frame[j].DispatchTable == registry.IpProtocolTable; j++)
            {
                roles.Clear();
                registry.GetProtocol(frame[j].Protocol).ReadRoles(frame.LayerBytes(j), ref roles);
                protocol = frame[j].DispatchKey;
                last = j;
                if (roles.Has(FieldRole.SourceAddress))
                {
                    // A tunnel (4in4, 6in4, …): the flow is the outer datagram's, keyed by the tunnel's protocol.
                    tunnel = true;
                    break;
                }

                if (!fragment && Fragment(roles, out id, out offset, out fragmentProtocol))
                {
                    fragment = true;
                }

                if (roles.TryGet(FieldRole.SourcePort, out var s) && roles.TryGet(FieldRole.DestinationPort, out var d))
                {
                    sourcePort = (ushort)s;
                    destinationPort = (ushort)d;
                    hasPorts = true;
                    transport = j;
                    hasFlags = roles.TryGet(FieldRole.TcpFlags, out var f);
                    flags = (ushort)f;
                    break;
                }
            }

            if (!hasPorts && !tunnel && frame[last].IsParsed && roles.TryGet(FieldRole.Protocol, out var carried))
            {
                // The chain ends in a header whose payload was not dissected — a later fragment (IPv4's, or after an IPv6
                // Fragment header), a protocol the pack lacks after an extension header: the header names the protocol
                // (the roles read last are the last layer's; the IP layer's own when nothing followed it). Not a header
                // the capture cut (a tunnel's inner IP header without its addresses stays the tunnel's protocol).
                protocol = carried;
            }

            packet = new FlowPacket
            {
                Tuple = new FiveTuple(version, source, destination, (byte)protocol, sourcePort, destinationPort),
                IsFragment = fragment,
                FragmentId = id,
                FragmentProtocol = fragment ? (byte)fragmentProtocol : (byte)0,
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

    private static bool Fragment(in RoleValues roles, out uint id, out ushort offset, out ulong protocol)
    {
        if (roles.TryGet(FieldRole.FragmentOffset, out var o) && roles.TryGet(FieldRole.MoreFragments, out var more))
        {
            roles.TryGet(FieldRole.FragmentId, out var i);
            roles.TryGet(FieldRole.Protocol, out protocol);
            id = (uint)i;
            offset = (ushort)o;
            return o != 0 || more != 0;
        }

        id = 0;
        offset = 0;
        protocol = 0;
        return false;
    }
}
