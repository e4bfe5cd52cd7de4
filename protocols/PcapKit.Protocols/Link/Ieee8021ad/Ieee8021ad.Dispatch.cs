using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: the EtherType-or-length rule (EtherTypeOrLength) has no spec syntax.
public sealed partial record Ieee8021ad
{
    private static partial void SelectDispatch(View view, ref DispatchSelection dispatch) =>
        EtherTypeOrLength.Select((ushort)view.EtherType, ref dispatch);
}
