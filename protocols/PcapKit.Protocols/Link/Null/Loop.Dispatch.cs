using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: address families differ by system (BsdAddressFamily).
public sealed partial record Loop
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch) => BsdAddressFamily.Select(view.Family, ref dispatch);
}
