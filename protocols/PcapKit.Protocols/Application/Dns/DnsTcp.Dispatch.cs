using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: the spec language dispatches on a field's value; here the next protocol is always DNS and the
// length field bounds it; the bytes after it are the next message (RFC 7766 §6.2.1.1: a segment may hold several),
// which the dissector reads as a further dns_tcp unit.
public sealed partial record DnsTcp
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        dispatch.Select(0, 0);
        dispatch.PayloadLength = view.Length;
        dispatch.Repeats = true;
    }
}
