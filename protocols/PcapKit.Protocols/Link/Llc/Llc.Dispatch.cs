using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: SNAP's protocol id is an EtherType under OUI 0 (RFC 1042) and under 802.1H's bridge-tunnel OUI
// 0x0000f8 (as tshark dissects both); other OUIs name their own protocol ids, and frames without SNAP go by DSAP.
public sealed partial record Llc
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        if (view.Oui is { } oui && view.Pid is { } pid)
        {
            if (oui is 0 or 0x0000f8)
            {
                dispatch.Select(0, pid);
            }
            else
            {
                dispatch.Select(2, ((ulong)oui << 16) | pid);
            }
        }
        else
        {
            dispatch.Select(1, view.Dsap);
        }
    }
}
