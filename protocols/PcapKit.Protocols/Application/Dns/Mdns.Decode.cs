using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: mDNS's sections are DNS's (RFC 6762 §18), with the top bit of each class read as mDNS's; the
// spec shares DNS's decoded fields (decode: { from: dns }) and this hook shares its decoder.
public sealed partial record Mdns
{
    private static readonly DnsSectionFields SectionFields = new(Fields.Sections);

    private static partial void DecodeSections<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct =>
        DnsMessage.DecodeSections(view.Bytes, SectionFields, multicast: true, ref visitor);
}
