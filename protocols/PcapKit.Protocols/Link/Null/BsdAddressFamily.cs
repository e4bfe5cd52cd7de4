using System.Buffers.Binary;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>
/// The loopback header's 4-byte value, read the way libpcap and Wireshark read it: normally a BSD address family
/// (AF_INET is 2 everywhere, AF_INET6 differs by system: NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30; Linux's 10 is
/// accepted too), in either byte order; IRIX and UNICOS/mp snoop put a 16-bit family in the first two bytes; a
/// value above 1500 is an EtherType whose low 16 bits select the payload.
/// </summary>
internal static class BsdAddressFamily
{
    private const uint Ieee8023MaxLength = 1500;

    public static void Select(uint value, ref DispatchSelection dispatch)
    {
        var family = Normalize(value);
        if (family > Ieee8023MaxLength)
        {
            dispatch.Select(0, (ushort)family);
            return;
        }

        switch (family)
        {
            case 2:
                dispatch.Select(0, 0x0800);
                break;
            case 10 or 24 or 28 or 30:
                dispatch.Select(0, 0x86DD);
                break;
        }
    }

    /// <summary>Undoes the byte orders and 16-bit layouts captures are known to use.</summary>
    internal static uint Normalize(uint value)
    {
        if ((value & 0xFFFF0000) != 0)
        {
            // BSD families never use the top byte: a 16-bit family in the upper half (IRIX, UNICOS/mp), else the
            // other byte order.
            return (value & 0xFF000000) == 0 && (value & 0x00FF0000) < 0x00060000
                ? value >> 16
                : BinaryPrimitives.ReverseEndianness(value);
        }

        // A 16-bit family in the lower half, byte-swapped.
        return (value & 0x000000FF) == 0 && (value & 0x0000FF00) < 0x00000600
            ? BinaryPrimitives.ReverseEndianness((ushort)value)
            : value;
    }
}
