using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: SSDP's messages are HTTP/1.1's (HTTPU); the spec shares HTTP's decoded fields (decode: { from:
// http }) and this hook shares its decoder.
public sealed partial record Ssdp
{
    private static partial void DecodeMessage<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct =>
        Http.DecodeText(view.Message, ref visitor);
}
