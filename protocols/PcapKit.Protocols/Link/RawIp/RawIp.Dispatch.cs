using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: the key is the first nibble of the payload, which no field of this (empty) header holds.
public sealed partial record RawIp
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        if (!view.Payload.IsEmpty)
        {
            dispatch.Select(0, (ulong)(view.Payload[0] >> 4));
        }
    }
}
