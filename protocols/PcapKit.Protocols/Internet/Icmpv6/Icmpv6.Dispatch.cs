using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: error messages (types below 128, RFC 4443 §2.1) carry the offending packet, dispatched by its IP
// version; informational messages carry data. A Redirect carries the packet that caused it in its Redirected Header
// option (RFC 4861 §4.6.3), which is dissected by its IP version too, from inside the option, when the option is the
// last (as RFC 4861 §8.2 builds it: as much of the packet as fits, after every other option) — a packet followed by
// further options stays bytes, since a payload runs to the end of its layer.
public sealed partial record Icmpv6
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        if ((byte)view.Type < 128 && !view.Payload.IsEmpty)
        {
            dispatch.Select(0, (ulong)(view.Payload[0] >> 4));
        }
        else if (view.Message.TryGetRedirect(out var redirect) && TryGetRedirectedPacket(redirect, out var packet) && !packet.IsEmpty)
        {
            dispatch.Select(0, (ulong)(packet[0] >> 4));
            dispatch.PayloadOffset = view.Bytes.Length - packet.Length;
        }
    }

    // The packet of the Redirected Header option when it is the last option and the options end the message.
    private static bool TryGetRedirectedPacket(Icmpv6Message.Redirect.View redirect, out System.ReadOnlySpan<byte> packet)
    {
        packet = default;
        var last = false;
        var options = redirect.Options.GetEnumerator();
        while (options.MoveNext())
        {
            last = options.Current.TryGetRedirectedHeader(out var header);
            if (last)
            {
                packet = header.Packet;
            }
        }

        return last && options.TrailingOffset == redirect.Options.Bytes.Length;
    }
}
