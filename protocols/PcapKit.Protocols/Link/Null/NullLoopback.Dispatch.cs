using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: address families differ by system and byte order (BsdAddressFamily).
public sealed partial record NullLoopback
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch) => BsdAddressFamily.Select(view.Family, ref dispatch);
}
