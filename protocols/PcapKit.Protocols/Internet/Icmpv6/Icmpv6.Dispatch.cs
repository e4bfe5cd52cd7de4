using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: error messages (types below 128, RFC 4443 §2.1) carry the offending packet, dispatched by its IP
// version; informational messages carry data.
public sealed partial record Icmpv6
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        if ((byte)view.Type < 128 && !view.Payload.IsEmpty)
        {
            dispatch.Select(0, (ulong)(view.Payload[0] >> 4));
        }
    }
}
