namespace PcapKit.Dissection;

/// <summary>The layer a protocol belongs to; thresholds stop dissection after one.</summary>
public enum LayerKind : byte
{
    /// <summary>Link layer (Ethernet, Linux SLL, 802.1Q).</summary>
    Link = 1,

    /// <summary>Internet layer (IPv4, IPv6 and its extension headers, ICMP, ARP).</summary>
    Internet = 2,

    /// <summary>Transport layer (TCP, UDP, SCTP).</summary>
    Transport = 3,

    /// <summary>Application layer (DNS, HTTP).</summary>
    Application = 4,
}
