using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: LLMNR's sections are DNS's (RFC 4795 §2.1.1), compressed names and typed RDATA included; the
// spec shares DNS's decoded fields (decode: { from: dns }) and this hook shares its decoder.
public sealed partial record Llmnr
{
    private static readonly DnsSectionFields SectionFields = new(Fields.Sections);

    private static partial void DecodeSections<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct =>
        DnsMessage.DecodeSections(view.Bytes, SectionFields, multicast: false, ref visitor);
}
