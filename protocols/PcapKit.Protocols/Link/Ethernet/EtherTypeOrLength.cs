using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>
/// The one rule Ethernet and 802.1Q share and the spec language cannot say: a type/length field of 0x0600 or more is
/// an EtherType; 1500 or less is the length of an 802.3 payload, which carries an LLC header (IEEE 802.3 §3.2.6).
/// </summary>
internal static class EtherTypeOrLength
{
    /// <summary>The smallest EtherType.</summary>
    public const ushort MinimumEtherType = 0x0600;

    /// <summary>The largest 802.3 length.</summary>
    public const ushort MaximumLength = 1500;

    /// <summary>Selects table 0 (ethertype) for an EtherType, table 1 (llc) with the payload bounded for a length.</summary>
    /// <param name="value">The type/length field.</param>
    /// <param name="dispatch">The selection.</param>
    public static void Select(ushort value, ref DispatchSelection dispatch)
    {
        if (value >= MinimumEtherType)
        {
            dispatch.Select(0, value);
        }
        else if (value <= MaximumLength)
        {
            dispatch.Select(1, 0);
            dispatch.PayloadLength = value;
        }
    }
}
