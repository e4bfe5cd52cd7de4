namespace PcapKit.Annotations;

/// <summary>The byte order of a protocol's multi-byte fields on the wire.</summary>
public enum Endian
{
    /// <summary>Most significant byte first (network byte order).</summary>
    Big = 0,

    /// <summary>Least significant byte first.</summary>
    Little = 1,
}

/// <summary>A region of a protocol data unit that a length field describes or a field occupies.</summary>
public enum Region
{
    /// <summary>The header: from the first byte to the end of the options.</summary>
    Header = 0,

    /// <summary>The whole unit: header and payload.</summary>
    Datagram = 1,

    /// <summary>The options: from the end of the fixed fields to the end of the header.</summary>
    Options = 2,

    /// <summary>The payload: from the end of the header to the end of the datagram.</summary>
    Payload = 3,

    /// <summary>From the current position to the end of the header.</summary>
    RestOfHeader = 4,

    /// <summary>From the current position to the end of the datagram.</summary>
    Rest = 5,
}

/// <summary>How a number is shown in text output (tshark's <c>-T fields</c> conventions).</summary>
public enum NumberFormat
{
    /// <summary>Decimal.</summary>
    Decimal = 0,

    /// <summary>Hexadecimal with a <c>0x</c> prefix, zero-padded to the field's width in bytes.</summary>
    Hex = 1,

    /// <summary>A 64-bit NTP timestamp (<see cref="Net.NtpTimestamp"/>): text output shows the UTC time as tshark does, documents an ISO 8601 string.</summary>
    NtpTimestamp = 2,
}

/// <summary>A checksum algorithm.</summary>
public enum ChecksumAlgorithm
{
    /// <summary>The Internet checksum: the 16-bit one's complement of the one's complement sum (RFC 1071).</summary>
    Inet16 = 0,
}

/// <summary>The bytes a checksum covers.</summary>
public enum ChecksumCoverage
{
    /// <summary>The header only (IPv4).</summary>
    Header = 0,

    /// <summary>The header and the payload (TCP, UDP), usually with a pseudo-header.</summary>
    HeaderAndPayload = 1,
}

/// <summary>The kind of a value a parent protocol passes to the protocol it dispatches to.</summary>
public enum ParamKind
{
    /// <summary>An IPv4 or IPv6 pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1), see <see cref="Buffers.IpPseudoHeader"/>.</summary>
    IpPseudoHeader = 0,
}

/// <summary>Values computed from a dissected unit rather than read from one field.</summary>
public enum ComputedValue
{
    /// <summary>The length of the payload in bytes (tshark's <c>tcp.len</c>).</summary>
    PayloadLength = 0,

    /// <summary>The length of the header in bytes.</summary>
    HeaderLength = 1,
}

/// <summary>What a field means to flow tracking: the addresses of an IP layer, the ports of a transport layer.</summary>
public enum FieldRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>The source address (an IPv4 or IPv6 field).</summary>
    SourceAddress = 1,

    /// <summary>The destination address.</summary>
    DestinationAddress = 2,

    /// <summary>The source port (a 16-bit field).</summary>
    SourcePort = 3,

    /// <summary>The destination port.</summary>
    DestinationPort = 4,

    /// <summary>The protocol of the payload (IPv4's protocol, an IPv6 header's next header).</summary>
    Protocol = 5,

    /// <summary>The identification that ties fragments of one datagram together.</summary>
    FragmentId = 6,

    /// <summary>The fragment's offset, in 8-octet units.</summary>
    FragmentOffset = 7,

    /// <summary>Set while more fragments follow.</summary>
    MoreFragments = 8,

    /// <summary>TCP's control bits (RFC 9293: FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10).</summary>
    TcpFlags = 9,

    /// <summary>A VLAN identifier (802.1Q, 802.1ad): part of a flow's identity.</summary>
    VlanId = 10,

    /// <summary>A byte stream's sequence number (TCP's, 32 bits): where the segment's data goes in its stream.</summary>
    SequenceNumber = 11,

    /// <summary>A byte stream's acknowledgment number (TCP's, 32 bits).</summary>
    AcknowledgmentNumber = 12,
}
