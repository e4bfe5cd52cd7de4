namespace PcapKit.Dissection;

/// <summary>What a field holds, which decides how visitors print it.</summary>
public enum FieldKind : byte
{
    /// <summary>An unsigned integer.</summary>
    UInt = 0,

    /// <summary>A one-bit flag printed as 0 or 1.</summary>
    Bool = 1,

    /// <summary>An integer with named values.</summary>
    Enum = 2,

    /// <summary>An integer whose bits have names.</summary>
    Flags = 3,

    /// <summary>A MAC address.</summary>
    Mac = 4,

    /// <summary>An IPv4 address.</summary>
    Ipv4 = 5,

    /// <summary>An IPv6 address.</summary>
    Ipv6 = 6,

    /// <summary>Raw bytes.</summary>
    Bytes = 7,

    /// <summary>A list of items (options, repeated blocks).</summary>
    List = 8,

    /// <summary>One item of a list, holding fields of its own.</summary>
    Structure = 9,

    /// <summary>A byte string that is an address of variable size: 6 bytes print as a MAC, 4 as IPv4, 16 as IPv6, others as hex.</summary>
    Address = 10,

    /// <summary>Text (a DNS name, an HTTP method): printable ASCII as it is, other bytes as <c>\xNN</c>.</summary>
    Text = 11,

    /// <summary>Text in a field that may hold more (a C string in a fixed-size field, Wireshark's <c>FT_STRINGZ</c>): shown up to the first NUL, as <see cref="Text"/>.</summary>
    NulTerminatedText = 12,

    /// <summary>A signed integer in two's complement; visitors get its value sign-extended to 64 bits (read it as <c>(long)value</c>).</summary>
    Int = 13,
}
