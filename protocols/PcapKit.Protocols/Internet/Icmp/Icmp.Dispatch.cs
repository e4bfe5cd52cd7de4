using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: an error's payload is the datagram that caused it, whose IP version is its first nibble
// (RFC 792); other messages carry data.
public sealed partial record Icmp
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch)
    {
        if (view.Type is IcmpType.DestinationUnreachable or IcmpType.SourceQuench or IcmpType.Redirect or IcmpType.TimeExceeded or IcmpType.ParameterProblem
            && !view.Payload.IsEmpty)
        {
            dispatch.Select(0, (ulong)(view.Payload[0] >> 4));
        }
    }
}
