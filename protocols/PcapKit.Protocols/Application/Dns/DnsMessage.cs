using System;
using System.Buffers.Binary;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>
/// Decodes a DNS message's sections (RFC 1035 §4.1.2–4.1.3) for the decode hooks of DNS and LLMNR: questions and
/// resource records with compressed names (loop-safe, <see cref="DnsName"/>) and typed RDATA, reported as the fields
/// their specs declare. Never throws: a name or record that runs past the message ends decoding with the reason
/// (<c>dns.malformed</c>) and the rest of the bytes (<c>dns.undecoded</c>); RDATA that does not have its type's layout
/// is kept as bytes (<c>dns.data</c>) and the next record is read after it.
/// </summary>
internal static class DnsMessage
{
    /// <summary>The octets before the question section (RFC 1035 §4.1.1).</summary>
    public const int HeaderLength = 12;

    /// <summary>Reports the sections of <paramref name="message"/> (a whole DNS message) as <paramref name="f"/>'s fields.</summary>
    /// <param name="message">The message.</param>
    /// <param name="f">The fields to report.</param>
    /// <param name="multicast">mDNS (RFC 6762 §18.12, §10.2): the top bit of a question's class asks for a unicast response, of a record's tells caches to flush.</param>
    /// <param name="visitor">The visitor.</param>
    public static void DecodeSections<TVisitor>(ReadOnlySpan<byte> message, DnsSectionFields f, bool multicast, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (message.Length < HeaderLength)
        {
            return;
        }

        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var authorities = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var additionals = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        var offset = HeaderLength;
        Span<byte> text = stackalloc byte[DnsName.MaxTextLength];
        string? error = null;
        if (questions > 0)
        {
            visitor.BeginList(f.Queries);
            for (var i = 0; i < questions && error is null; i++)
            {
                error = DnsName.TryRead(message, offset, text, out var textLength, out var wire);
                if (error is null && offset + wire + 4 > message.Length)
                {
                    error = "a question runs past the end of the message";
                }

                if (error is not null)
                {
                    break;
                }

                visitor.BeginItem(f.QueriesItem);
                visitor.Bytes(f.QueryName, text[..textLength]);
                visitor.Value(f.QueryType, BinaryPrimitives.ReadUInt16BigEndian(message[(offset + wire)..]));
                var @class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + wire + 2)..]);
                if (multicast)
                {
                    visitor.Value(f.QueryClass, @class & 0x7FFFu);
                    visitor.Value(f.QueryUnicastResponse, (ulong)(@class >> 15));
                }
                else
                {
                    visitor.Value(f.QueryClass, @class);
                }

                visitor.EndItem(f.QueriesItem);
                offset += wire + 4;
            }

            visitor.EndList(f.Queries);
        }

        error ??= DecodeRecords(message, ref offset, answers, f.Answers, multicast, text, ref visitor);
        error ??= DecodeRecords(message, ref offset, authorities, f.Authorities, multicast, text, ref visitor);
        error ??= DecodeRecords(message, ref offset, additionals, f.Additionals, multicast, text, ref visitor);
        if (error is not null)
        {
            UndecodedBytes.Report(f.Malformed, error, f.Undecoded, message[Math.Min(offset, message.Length)..], ref visitor);
        }
    }

    /// <summary>One section's resource records (RFC 1035 §4.1.3); null when all were read, else why the rest cannot be.</summary>
    private static string? DecodeRecords<TVisitor>(ReadOnlySpan<byte> message, ref int offset, int count, DnsRecordFields f, bool multicast, scoped Span<byte> text, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        if (count == 0)
        {
            return null;
        }

        string? error = null;
        visitor.BeginList(f.List);
        for (var i = 0; i < count; i++)
        {
            error = DnsName.TryRead(message, offset, text, out var textLength, out var wire);
            if (error is null && offset + wire + 10 > message.Length)
            {
                error = "a resource record's fixed fields run past the end of the message";
            }

            if (error is not null)
            {
                break;
            }

            var fixedStart = offset + wire;
            var type = BinaryPrimitives.ReadUInt16BigEndian(message[fixedStart..]);
            var @class = BinaryPrimitives.ReadUInt16BigEndian(message[(fixedStart + 2)..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(fixedStart + 4)..]);
            var rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(fixedStart + 8)..]);
            var rdStart = fixedStart + 10;
            if (rdStart + rdLength > message.Length)
            {
                // The record is not shown at all, as tshark does not show it: its RDATA was not captured whole.
                error = "a record's RDATA runs past the end of the message";
                break;
            }

            visitor.BeginItem(f.Item);
            visitor.Bytes(f.Name, text[..textLength]);
            visitor.Value(f.Type, type);
            if (type == (ushort)DnsType.Opt)
            {
                // RFC 6891 §6.1.3: the class is the requestor's UDP payload size, the TTL the extended RCODE, the
                // version and the DO bit.
                visitor.Value(multicast ? f.UdpPayloadSizeHex : f.UdpPayloadSize, @class);
                if (multicast)
                {
                    visitor.Value(f.CacheFlush, (ulong)(@class >> 15));
                }

                visitor.Value(f.ExtendedRcode, ttl >> 24);
                visitor.Value(f.EdnsVersion, (ttl >> 16) & 0xFF);
                visitor.Value(f.DnssecOk, (ttl >> 15) & 1);
            }
            else if (multicast)
            {
                visitor.Value(f.Class, @class & 0x7FFFu);
                visitor.Value(f.CacheFlush, (ulong)(@class >> 15));
                visitor.Value(f.Ttl, ttl);
            }
            else
            {
                visitor.Value(f.Class, @class);
                visitor.Value(f.Ttl, ttl);
            }

            visitor.Value(f.RdLength, rdLength);

            if (!DecodeRdata(message, rdStart, rdLength, type, f, text, ref visitor))
            {
                // RDATA that does not have its type's layout: kept as it is; the next record starts after it anyway.
                visitor.Bytes(f.Data, message.Slice(rdStart, rdLength));
            }

            visitor.EndItem(f.Item);
            offset = rdStart + rdLength;
        }

        visitor.EndList(f.List);
        return error;
    }

    /// <summary>Typed RDATA; false when the type is unknown or its RDATA does not have the type's layout (nothing was reported then).</summary>
    private static bool DecodeRdata<TVisitor>(ReadOnlySpan<byte> message, int start, int length, ushort type, DnsRecordFields f, scoped Span<byte> text, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        var rdata = message.Slice(start, length);
        var end = start + length;
        int n;
        int wire;
        switch ((DnsType)type)
        {
            case DnsType.A when length == 4:
                visitor.Bytes(f.A, rdata);
                return true;
            case DnsType.Aaaa when length == 16:
                visitor.Bytes(f.Aaaa, rdata);
                return true;
            case DnsType.Cname or DnsType.Ns or DnsType.Ptr or DnsType.Dname:
                if (!Name(message, start, end, text, out n, out wire) || wire != length)
                {
                    return false;
                }

                visitor.Bytes((DnsType)type switch { DnsType.Ns => f.Ns, DnsType.Ptr => f.Ptr, _ => f.Cname }, text[..n]);
                return true;
            case DnsType.Mx when length >= 3:
                if (!Name(message, start + 2, end, text, out n, out _))
                {
                    return false;
                }

                visitor.Value(f.MxPreference, BinaryPrimitives.ReadUInt16BigEndian(rdata));
                visitor.Bytes(f.MxExchange, text[..n]);
                return true;
            case DnsType.Txt or DnsType.Spf:
                if (!CharacterStrings(rdata))
                {
                    return false;
                }

                for (var p = 0; p < rdata.Length; p += 1 + rdata[p])
                {
                    visitor.Bytes(f.Txt, rdata.Slice(p + 1, rdata[p]));
                }

                return true;
            case DnsType.Soa:
                return DecodeSoa(message, start, end, f, text, ref visitor);
            case DnsType.Srv when length >= 7:
                if (!Name(message, start + 6, end, text, out n, out _))
                {
                    return false;
                }

                visitor.Value(f.SrvPriority, BinaryPrimitives.ReadUInt16BigEndian(rdata));
                visitor.Value(f.SrvWeight, BinaryPrimitives.ReadUInt16BigEndian(rdata[2..]));
                visitor.Value(f.SrvPort, BinaryPrimitives.ReadUInt16BigEndian(rdata[4..]));
                visitor.Bytes(f.SrvTarget, text[..n]);
                return true;
            case DnsType.Naptr:
                return DecodeNaptr(message, start, end, f, text, ref visitor);
            case DnsType.Caa when length >= 2 && 2 + rdata[1] <= length:
                // RFC 8659 §4.1: flags, tag length, tag, value.
                visitor.Value(f.CaaFlags, rdata[0]);
                visitor.Bytes(f.CaaTag, rdata.Slice(2, rdata[1]));
                visitor.Bytes(f.CaaValue, rdata[(2 + rdata[1])..]);
                return true;
            case DnsType.Opt:
                return DecodeOptions(rdata, f, ref visitor);
            case DnsType.Ds or DnsType.Cds when length >= 4:
                // RFC 4034 §5.1.
                visitor.Value(f.DsKeyTag, BinaryPrimitives.ReadUInt16BigEndian(rdata));
                visitor.Value(f.DsAlgorithm, rdata[2]);
                visitor.Value(f.DsDigestType, rdata[3]);
                visitor.Bytes(f.DsDigest, rdata[4..]);
                return true;
            case DnsType.Dnskey or DnsType.Cdnskey when length >= 4:
                // RFC 4034 §2.1.
                visitor.Value(f.DnskeyFlags, BinaryPrimitives.ReadUInt16BigEndian(rdata));
                visitor.Value(f.DnskeyProtocol, rdata[2]);
                visitor.Value(f.DnskeyAlgorithm, rdata[3]);
                visitor.Bytes(f.DnskeyPublicKey, rdata[4..]);
                return true;
            case DnsType.Rrsig when length >= 19:
                // RFC 4034 §3.1: the signer's name is not compressed, but reading it as a name costs nothing.
                if (!Name(message, start + 18, end, text, out n, out wire))
                {
                    return false;
                }

                visitor.Value(f.RrsigTypeCovered, BinaryPrimitives.ReadUInt16BigEndian(rdata));
                visitor.Value(f.RrsigAlgorithm, rdata[2]);
                visitor.Value(f.RrsigLabels, rdata[3]);
                visitor.Value(f.RrsigOriginalTtl, BinaryPrimitives.ReadUInt32BigEndian(rdata[4..]));
                visitor.Value(f.RrsigExpiration, BinaryPrimitives.ReadUInt32BigEndian(rdata[8..]));
                visitor.Value(f.RrsigInception, BinaryPrimitives.ReadUInt32BigEndian(rdata[12..]));
                visitor.Value(f.RrsigKeyTag, BinaryPrimitives.ReadUInt16BigEndian(rdata[16..]));
                visitor.Bytes(f.RrsigSigner, text[..n]);
                visitor.Bytes(f.RrsigSignature, rdata[(18 + wire)..]);
                return true;
            case DnsType.Nsec:
                return DecodeNsec(message, start, end, f, text, ref visitor);
            case DnsType.Svcb or DnsType.Https:
                return DecodeSvcb(message, start, end, f, text, ref visitor);
            default:
                return false;
        }
    }

    private static bool DecodeSoa<TVisitor>(ReadOnlySpan<byte> message, int start, int end, DnsRecordFields f, scoped Span<byte> text, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        // RFC 1035 §3.3.13: two names, then five 32-bit numbers.
        Span<byte> second = stackalloc byte[DnsName.MaxTextLength];
        if (!Name(message, start, end, text, out var mname, out var first) ||
            !Name(message, start + first, end, second, out var rname, out var next) ||
            start + first + next + 20 != end)
        {
            return false;
        }

        var numbers = message[(start + first + next)..end];
        visitor.Bytes(f.SoaMname, text[..mname]);
        visitor.Bytes(f.SoaRname, second[..rname]);
        visitor.Value(f.SoaSerial, BinaryPrimitives.ReadUInt32BigEndian(numbers));
        visitor.Value(f.SoaRefresh, BinaryPrimitives.ReadUInt32BigEndian(numbers[4..]));
        visitor.Value(f.SoaRetry, BinaryPrimitives.ReadUInt32BigEndian(numbers[8..]));
        visitor.Value(f.SoaExpire, BinaryPrimitives.ReadUInt32BigEndian(numbers[12..]));
        visitor.Value(f.SoaMinimum, BinaryPrimitives.ReadUInt32BigEndian(numbers[16..]));
        return true;
    }

    private static bool DecodeNaptr<TVisitor>(ReadOnlySpan<byte> message, int start, int end, DnsRecordFields f, scoped Span<byte> text, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        // RFC 3403 §4.1: order, preference, three character-strings, then the replacement name.
        var p = start + 4;
        for (var s = 0; s < 3; s++)
        {
            if (p >= end || p + 1 + message[p] > end)
            {
                return false;
            }

            p += 1 + message[p];
        }

        if (start + 4 > end || !Name(message, p, end, text, out var n, out var wire) || p + wire != end)
        {
            return false;
        }

        visitor.Value(f.NaptrOrder, BinaryPrimitives.ReadUInt16BigEndian(message[start..]));
        visitor.Value(f.NaptrPreference, BinaryPrimitives.ReadUInt16BigEndian(message[(start + 2)..]));
        var q = start + 4;
        visitor.Bytes(f.NaptrFlags, message.Slice(q + 1, message[q]));
        q += 1 + message[q];
        visitor.Bytes(f.NaptrService, message.Slice(q + 1, message[q]));
        q += 1 + message[q];
        visitor.Bytes(f.NaptrRegex, message.Slice(q + 1, message[q]));
        visitor.Bytes(f.NaptrReplacement, text[..n]);
        return true;
    }

    private static bool DecodeOptions<TVisitor>(ReadOnlySpan<byte> rdata, DnsRecordFields f, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        // RFC 6891 §6.1.2: {code, length, data} until the end of the RDATA.
        for (var p = 0; p < rdata.Length;)
        {
            if (p + 4 > rdata.Length || p + 4 + BinaryPrimitives.ReadUInt16BigEndian(rdata[(p + 2)..]) > rdata.Length)
            {
                return false;
            }

            p += 4 + BinaryPrimitives.ReadUInt16BigEndian(rdata[(p + 2)..]);
        }

        if (rdata.IsEmpty)
        {
            return true;
        }

        visitor.BeginList(f.Options);
        for (var p = 0; p < rdata.Length;)
        {
            var code = BinaryPrimitives.ReadUInt16BigEndian(rdata[p..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(rdata[(p + 2)..]);
            var data = rdata.Slice(p + 4, length);
            visitor.BeginItem(f.OptionsItem);
            visitor.Value(f.OptionCode, code);
            visitor.Value(f.OptionLength, length);
            visitor.Bytes(f.OptionData, data);   // as tshark: every option's data, then its fields when it has a layout
            switch ((EdnsOptionCode)code)
            {
                case EdnsOptionCode.ClientSubnet when length >= 4:
                    // RFC 7871 §6: family, source prefix length, scope prefix length, address.
                    visitor.Value(f.ClientFamily, BinaryPrimitives.ReadUInt16BigEndian(data));
                    visitor.Value(f.ClientNetmask, data[2]);
                    visitor.Value(f.ClientScope, data[3]);
                    visitor.Bytes(f.ClientAddress, data[4..]);
                    break;
                case EdnsOptionCode.Cookie when length >= 8:
                    // RFC 7873 §4: an 8-octet client cookie, then the server cookie if any.
                    visitor.Bytes(f.ClientCookie, data[..8]);
                    if (length > 8)
                    {
                        visitor.Bytes(f.ServerCookie, data[8..]);
                    }

                    break;
                case EdnsOptionCode.Padding:
                    visitor.Bytes(f.Padding, data);
                    break;
            }

            visitor.EndItem(f.OptionsItem);
            p += 4 + length;
        }

        visitor.EndList(f.Options);
        return true;
    }

    private static bool DecodeNsec<TVisitor>(ReadOnlySpan<byte> message, int start, int end, DnsRecordFields f, scoped Span<byte> text, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        // RFC 4034 §4.1: the next owner name, then type bitmaps {window, length 1..32, bits}; each type named is
        // reported as the record's type again, as tshark does (dns.resp.type).
        if (!Name(message, start, end, text, out var n, out var wire))
        {
            return false;
        }

        var bitmaps = message[(start + wire)..end];
        for (var p = 0; p < bitmaps.Length;)
        {
            if (p + 2 > bitmaps.Length || bitmaps[p + 1] is 0 or > 32 || p + 2 + bitmaps[p + 1] > bitmaps.Length)
            {
                return false;
            }

            p += 2 + bitmaps[p + 1];
        }

        visitor.Bytes(f.NsecNextName, text[..n]);
        for (var p = 0; p < bitmaps.Length; p += 2 + bitmaps[p + 1])
        {
            var window = bitmaps[p] << 8;
            for (var b = 0; b < bitmaps[p + 1] * 8; b++)
            {
                if ((bitmaps[p + 2 + (b >> 3)] & (0x80 >> (b & 7))) != 0)
                {
                    visitor.Value(f.Type, (ulong)(window | b));
                }
            }
        }

        return true;
    }

    private static bool DecodeSvcb<TVisitor>(ReadOnlySpan<byte> message, int start, int end, DnsRecordFields f, scoped Span<byte> text, ref TVisitor visitor)
        where TVisitor : IFieldVisitor, allows ref struct
    {
        // RFC 9460 §2.2: priority, target name (not compressed), then {key, length, value} parameters.
        if (start + 3 > end || !Name(message, start + 2, end, text, out var n, out var wire))
        {
            return false;
        }

        var parameters = message[(start + 2 + wire)..end];
        for (var p = 0; p < parameters.Length;)
        {
            if (p + 4 > parameters.Length || p + 4 + BinaryPrimitives.ReadUInt16BigEndian(parameters[(p + 2)..]) > parameters.Length)
            {
                return false;
            }

            p += 4 + BinaryPrimitives.ReadUInt16BigEndian(parameters[(p + 2)..]);
        }

        visitor.Value(f.SvcbPriority, BinaryPrimitives.ReadUInt16BigEndian(message[start..]));
        visitor.Bytes(f.SvcbTarget, text[..n]);
        if (parameters.IsEmpty)
        {
            return true;
        }

        visitor.BeginList(f.SvcbParams);
        for (var p = 0; p < parameters.Length;)
        {
            var key = BinaryPrimitives.ReadUInt16BigEndian(parameters[p..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(parameters[(p + 2)..]);
            var value = parameters.Slice(p + 4, length);
            visitor.BeginItem(f.SvcbParamsItem);
            visitor.Value(f.SvcParamKey, key);
            visitor.Value(f.SvcParamLength, length);
            switch ((SvcbParamKey)key)
            {
                case SvcbParamKey.Alpn when CharacterStrings(value):
                    for (var q = 0; q < value.Length; q += 1 + value[q])
                    {
                        visitor.Bytes(f.SvcParamAlpn, value.Slice(q + 1, value[q]));
                    }

                    break;
                case SvcbParamKey.Port when length == 2:
                    visitor.Value(f.SvcParamPort, BinaryPrimitives.ReadUInt16BigEndian(value));
                    break;
                case SvcbParamKey.Ipv4hint when length % 4 == 0:
                    for (var q = 0; q < length; q += 4)
                    {
                        visitor.Bytes(f.SvcParamIpv4Hint, value.Slice(q, 4));
                    }

                    break;
                case SvcbParamKey.Ipv6hint when length % 16 == 0:
                    for (var q = 0; q < length; q += 16)
                    {
                        visitor.Bytes(f.SvcParamIpv6Hint, value.Slice(q, 16));
                    }

                    break;
                default:
                    visitor.Bytes(f.SvcParamValue, value);
                    break;
            }

            visitor.EndItem(f.SvcbParamsItem);
            p += 4 + length;
        }

        visitor.EndList(f.SvcbParams);
        return true;
    }

    /// <summary>A name inside RDATA: read (a pointer may lead anywhere in the message), its own octets ending within the record.</summary>
    private static bool Name(ReadOnlySpan<byte> message, int offset, int end, Span<byte> text, out int textLength, out int wire) =>
        DnsName.TryRead(message, offset, text, out textLength, out wire) is null && offset + wire <= end;

    /// <summary>Whether <paramref name="data"/> is a sequence of character-strings (RFC 1035 §3.3: a length octet, then that many octets).</summary>
    private static bool CharacterStrings(ReadOnlySpan<byte> data)
    {
        var p = 0;
        while (p < data.Length)
        {
            p += 1 + data[p];
        }

        return p == data.Length;
    }
}
