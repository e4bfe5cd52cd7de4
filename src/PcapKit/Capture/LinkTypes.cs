namespace PcapKit.Capture;

/// <summary>
/// LINKTYPE_* values (tcpdump.org's link-layer header types registry) that the readers and the dissector name.
/// The standard pack registers dissectors under these in the <c>link_type</c> table.
/// </summary>
public static class LinkTypes
{
    /// <summary>BSD loopback: a 4-byte address family in host byte order.</summary>
    public const int Null = 0;

    /// <summary>Ethernet.</summary>
    public const int Ethernet = 1;

    /// <summary>Raw IP (IPv4 or IPv6, by the version nibble).</summary>
    public const int Raw = 101;

    /// <summary>OpenBSD loopback: a 4-byte address family in network byte order.</summary>
    public const int Loop = 108;

    /// <summary>Linux "cooked" capture v1.</summary>
    public const int LinuxSll = 113;

    /// <summary>IEEE 802.11.</summary>
    public const int Ieee80211 = 105;

    /// <summary>Raw IPv4.</summary>
    public const int Ipv4 = 228;

    /// <summary>Raw IPv6.</summary>
    public const int Ipv6 = 229;

    /// <summary>Linux "cooked" capture v2.</summary>
    public const int LinuxSll2 = 276;

    /// <summary>The name libpcap and capinfos use (<c>EN10MB</c>, <c>LINUX_SLL</c>), or the number.</summary>
    /// <param name="linkType">The link type.</param>
    /// <returns>The name.</returns>
    public static string GetName(int linkType) => linkType switch
    {
        Null => "NULL",
        Ethernet => "EN10MB",
        Raw => "RAW",
        Loop => "LOOP",
        Ieee80211 => "IEEE802_11",
        LinuxSll => "LINUX_SLL",
        Ipv4 => "IPV4",
        Ipv6 => "IPV6",
        LinuxSll2 => "LINUX_SLL2",
        12 => "RAW(12)",
        14 => "RAW(14)",
        _ => "LINKTYPE_" + linkType.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
