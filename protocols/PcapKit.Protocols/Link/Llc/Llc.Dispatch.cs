using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: SNAP's protocol id is an EtherType only under OUI 0 (RFC 1042); other OUIs name their own
// protocol ids, and frames without SNAP go by DSAP.
public sealed partial record Llc
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        if (view.Oui is { } oui && view.Pid is { } pid)
        {
            if (oui == 0)
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
