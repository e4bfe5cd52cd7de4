using System;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>The DNS Search List option's names (RFC 8106 §5.2), decoded for the outputs.</summary>
public abstract partial record NdpOption
{
    /// <summary>The DNS Search List option (RFC 8106 §5.2).</summary>
    /// <remarks>
    /// Why a hook: the option holds as many names as fit, each a run of labels up to the root, then zero padding to
    /// its end — no count or length on the wire says where a name ends, so the spec cannot lay them out.
    /// </remarks>
    public sealed partial record DnsSearchList
    {
        private static partial void DecodeDomainNames<TVisitor>(View view, ref TVisitor visitor)
            where TVisitor : IFieldVisitor, allows ref struct
        {
            var names = view.DomainNames;
            Span<byte> text = stackalloc byte[DnsName.MaxTextLength];
            var position = 0;
            while (position < names.Length)
            {
                if (names[position] == 0)
                {
                    // An empty name where a name would start: the padding (RFC 8106 §5.2), to the end.
                    visitor.Bytes(DnsSearchListPaddingField, names[position..]);
                    return;
                }

                if (DnsName.TryRead(names, position, text, out var textLength, out var wireLength) is not null)
                {
                    // A label that runs past the option (tshark: malformed): the rest stays bytes.
                    visitor.Bytes(DnsSearchListDomainNamesField, names[position..]);
                    return;
                }

                visitor.Bytes(DnsSearchListDomainField, text[..textLength]);
                position += wireLength;
            }
        }
    }
}
