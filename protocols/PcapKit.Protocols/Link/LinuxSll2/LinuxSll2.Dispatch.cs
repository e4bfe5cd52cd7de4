using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: the protocol field's meaning depends on the hardware type (LinuxCookedDispatch).
public sealed partial record LinuxSll2
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch) =>
        LinuxCookedDispatch.Select(view.HardwareType, view.Protocol, ref dispatch);
}
