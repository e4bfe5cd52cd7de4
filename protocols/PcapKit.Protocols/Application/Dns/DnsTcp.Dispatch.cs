using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: the spec language dispatches on a field's value; here the next protocol is always DNS and the
// length field bounds it (the bytes after it are the next message, or the rest of a segment's stream).
public sealed partial record DnsTcp
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        dispatch.Select(0, 0);
        dispatch.PayloadLength = view.Length;
    }
}
