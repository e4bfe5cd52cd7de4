using PcapKit.Net;

namespace PcapKit.Protocols;

// Hand-written: typed accessors for the common Ethernet/IPv4 case. The spec keeps the addresses as byte strings of
// the declared sizes, which is what ARP is for any hardware; these say "MAC" and "IPv4" when the sizes allow it.
public sealed partial record Arp
{
    /// <summary>The typed addresses of an Ethernet/IPv4 ARP packet.</summary>
    public readonly ref partial struct View
    {
        /// <summary>The sender's MAC address, when the hardware addresses are 6 bytes.</summary>
        public MacAddress? SenderMac => HardwareSize == MacAddress.Size ? MacAddress.Read(SenderHardwareAddress) : null;

        /// <summary>The target's MAC address, when the hardware addresses are 6 bytes.</summary>
        public MacAddress? TargetMac => HardwareSize == MacAddress.Size ? MacAddress.Read(TargetHardwareAddress) : null;

        /// <summary>The sender's IPv4 address, when the protocol addresses are 4 bytes.</summary>
        public Ipv4Address? SenderIpv4 => ProtocolSize == Ipv4Address.Size ? Ipv4Address.Read(SenderProtocolAddress) : null;

        /// <summary>The target's IPv4 address, when the protocol addresses are 4 bytes.</summary>
        public Ipv4Address? TargetIpv4 => ProtocolSize == Ipv4Address.Size ? Ipv4Address.Read(TargetProtocolAddress) : null;
    }
}
