using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: an MPLS label stack does not name its payload; like Wireshark, guess it from the first nibble.
public sealed partial record Mpls
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        var payload = view.Payload;
        if (payload.IsEmpty)
        {
            return;
        }

        var version = payload[0] >> 4;
        if (version is 4 or 6)
        {
            dispatch.Select(0, (ulong)version);
        }
    }
}
