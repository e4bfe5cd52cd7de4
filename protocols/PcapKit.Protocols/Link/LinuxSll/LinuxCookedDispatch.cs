using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>
/// How Linux cooked captures (v1 and v2) name their payload: the protocol field is an EtherType, except for the
/// kernel's pseudo-protocols below 0x0600 (ETH_P_802_2 means an LLC header; others are not dissected) and netlink.
/// </summary>
internal static class LinuxCookedDispatch
{
    private const ushort ArphrdNetlink = 824;
    private const ushort EthP8022 = 0x0004;

    public static void Select(ushort hardwareType, ushort protocol, ref DispatchSelection dispatch)
    {
        if (hardwareType == ArphrdNetlink)
        {
            return;
        }

        if (protocol >= EtherTypeOrLength.MinimumEtherType)
        {
            dispatch.Select(0, protocol);
        }
        else if (protocol == EthP8022)
        {
            dispatch.Select(1, 0);
        }
    }
}
