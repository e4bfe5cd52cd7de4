using PcapKit.Dissection;

namespace PcapKit.Protocols;

// Hand-written hook: the spec language lays fields out at offsets; DNS names are compressed (RFC 1035 §4.1.4, a
// pointer to an earlier name anywhere in the message) and each record's RDATA has its type's layout. The fields are
// declared in dns.pcapkit.yaml under decode:, so outputs and `pcapkit fields` know them; DnsMessage reads them.
public sealed partial record Dns
{
    private static readonly DnsSectionFields SectionFields = new(Fields.Sections);

    private static partial void DecodeSections<TVisitor>(View view, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct =>
        DnsMessage.DecodeSections(view.Bytes, SectionFields, multicast: false, ref visitor);
}
