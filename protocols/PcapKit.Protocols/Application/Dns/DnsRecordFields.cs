using System;
using PcapKit.Dissection;

namespace PcapKit.Protocols;

/// <summary>The descriptors of a DNS message's sections, found by their ids under a spec's <c>sections</c> field (DNS's or LLMNR's).</summary>
internal sealed class DnsSectionFields
{
    public DnsSectionFields(FieldDescriptor sections)
    {
        Queries = DnsRecordFields.Child(sections, "queries");
        QueriesItem = Queries.Children[0];
        QueryName = DnsRecordFields.Child(QueriesItem, "name");
        QueryType = DnsRecordFields.Child(QueriesItem, "type");
        QueryClass = DnsRecordFields.Child(QueriesItem, "class");
        QueryUnicastResponse = DnsRecordFields.Child(QueriesItem, "unicast_response");
        Answers = new(DnsRecordFields.Child(sections, "answers"));
        Authorities = new(DnsRecordFields.Child(sections, "authorities"));
        Additionals = new(DnsRecordFields.Child(sections, "additionals"));
        Malformed = DnsRecordFields.Child(sections, "malformed");
        Undecoded = DnsRecordFields.Child(sections, "undecoded");
    }

    public FieldDescriptor Queries { get; }

    public FieldDescriptor QueriesItem { get; }

    public FieldDescriptor QueryName { get; }

    public FieldDescriptor QueryType { get; }

    public FieldDescriptor QueryClass { get; }

    public FieldDescriptor QueryUnicastResponse { get; }

    public DnsRecordFields Answers { get; }

    public DnsRecordFields Authorities { get; }

    public DnsRecordFields Additionals { get; }

    public FieldDescriptor Malformed { get; }

    public FieldDescriptor Undecoded { get; }
}

/// <summary>
/// The descriptors of one resource-record section (answers, authorities, additionals): the three lists declare the same
/// fields in dns.pcapkit.yaml, so the decoder finds them once by their ids instead of naming each section's.
/// </summary>
internal sealed class DnsRecordFields
{
    public DnsRecordFields(FieldDescriptor list)
    {
        List = list;
        Item = list.Children[0];
        Name = Child(Item, "name");
        Type = Child(Item, "type");
        Class = Child(Item, "class");
        CacheFlush = Child(Item, "cache_flush");
        Ttl = Child(Item, "ttl");
        RdLength = Child(Item, "rdlength");
        A = Child(Item, "a");
        Aaaa = Child(Item, "aaaa");
        Cname = Child(Item, "cname");
        Ns = Child(Item, "ns");
        Ptr = Child(Item, "ptr");
        MxPreference = Child(Item, "mx_preference");
        MxExchange = Child(Item, "mx_exchange");
        Txt = Child(Item, "txt");
        SoaMname = Child(Item, "soa_mname");
        SoaRname = Child(Item, "soa_rname");
        SoaSerial = Child(Item, "soa_serial");
        SoaRefresh = Child(Item, "soa_refresh");
        SoaRetry = Child(Item, "soa_retry");
        SoaExpire = Child(Item, "soa_expire");
        SoaMinimum = Child(Item, "soa_minimum");
        SrvPriority = Child(Item, "srv_priority");
        SrvWeight = Child(Item, "srv_weight");
        SrvPort = Child(Item, "srv_port");
        SrvTarget = Child(Item, "srv_target");
        NaptrOrder = Child(Item, "naptr_order");
        NaptrPreference = Child(Item, "naptr_preference");
        NaptrFlags = Child(Item, "naptr_flags");
        NaptrService = Child(Item, "naptr_service");
        NaptrRegex = Child(Item, "naptr_regex");
        NaptrReplacement = Child(Item, "naptr_replacement");
        CaaFlags = Child(Item, "caa_flags");
        CaaTag = Child(Item, "caa_tag");
        CaaValue = Child(Item, "caa_value");
        UdpPayloadSize = Child(Item, "udp_payload_size");

        // tshark prints an OPT record's payload size in hex on mDNS (where the field is a class) and in decimal on DNS.
        UdpPayloadSizeHex = new(UdpPayloadSize.Name, UdpPayloadSize.DisplayName, UdpPayloadSize.Kind, UdpPayloadSize.BitWidth, Annotations.NumberFormat.Hex);
        ExtendedRcode = Child(Item, "extended_rcode");
        EdnsVersion = Child(Item, "edns_version");
        DnssecOk = Child(Item, "dnssec_ok");
        Options = Child(Item, "options");
        OptionsItem = Options.Children[0];
        OptionCode = Child(OptionsItem, "code");
        OptionLength = Child(OptionsItem, "length");
        ClientFamily = Child(OptionsItem, "client_family");
        ClientNetmask = Child(OptionsItem, "client_netmask");
        ClientScope = Child(OptionsItem, "client_scope");
        ClientAddress = Child(OptionsItem, "client_address");
        ClientCookie = Child(OptionsItem, "client_cookie");
        ServerCookie = Child(OptionsItem, "server_cookie");
        Padding = Child(OptionsItem, "padding");
        OptionData = Child(OptionsItem, "data");
        DsKeyTag = Child(Item, "ds_key_tag");
        DsAlgorithm = Child(Item, "ds_algorithm");
        DsDigestType = Child(Item, "ds_digest_type");
        DsDigest = Child(Item, "ds_digest");
        DnskeyFlags = Child(Item, "dnskey_flags");
        DnskeyProtocol = Child(Item, "dnskey_protocol");
        DnskeyAlgorithm = Child(Item, "dnskey_algorithm");
        DnskeyPublicKey = Child(Item, "dnskey_public_key");
        RrsigTypeCovered = Child(Item, "rrsig_type_covered");
        RrsigAlgorithm = Child(Item, "rrsig_algorithm");
        RrsigLabels = Child(Item, "rrsig_labels");
        RrsigOriginalTtl = Child(Item, "rrsig_original_ttl");
        RrsigExpiration = Child(Item, "rrsig_expiration");
        RrsigInception = Child(Item, "rrsig_inception");
        RrsigKeyTag = Child(Item, "rrsig_key_tag");
        RrsigSigner = Child(Item, "rrsig_signer");
        RrsigSignature = Child(Item, "rrsig_signature");
        NsecNextName = Child(Item, "nsec_next_name");
        SvcbPriority = Child(Item, "svcb_priority");
        SvcbTarget = Child(Item, "svcb_target");
        SvcbParams = Child(Item, "svcb_params");
        SvcbParamsItem = SvcbParams.Children[0];
        SvcParamKey = Child(SvcbParamsItem, "key");
        SvcParamLength = Child(SvcbParamsItem, "length");
        SvcParamAlpn = Child(SvcbParamsItem, "alpn");
        SvcParamPort = Child(SvcbParamsItem, "port");
        SvcParamIpv4Hint = Child(SvcbParamsItem, "ipv4hint");
        SvcParamIpv6Hint = Child(SvcbParamsItem, "ipv6hint");
        SvcParamValue = Child(SvcbParamsItem, "value");
        Data = Child(Item, "data");
    }

    public FieldDescriptor List { get; }

    public FieldDescriptor Item { get; }

    public FieldDescriptor Name { get; }

    public FieldDescriptor Type { get; }

    public FieldDescriptor Class { get; }

    public FieldDescriptor CacheFlush { get; }

    public FieldDescriptor Ttl { get; }

    public FieldDescriptor RdLength { get; }

    public FieldDescriptor A { get; }

    public FieldDescriptor Aaaa { get; }

    public FieldDescriptor Cname { get; }

    public FieldDescriptor Ns { get; }

    public FieldDescriptor Ptr { get; }

    public FieldDescriptor MxPreference { get; }

    public FieldDescriptor MxExchange { get; }

    public FieldDescriptor Txt { get; }

    public FieldDescriptor SoaMname { get; }

    public FieldDescriptor SoaRname { get; }

    public FieldDescriptor SoaSerial { get; }

    public FieldDescriptor SoaRefresh { get; }

    public FieldDescriptor SoaRetry { get; }

    public FieldDescriptor SoaExpire { get; }

    public FieldDescriptor SoaMinimum { get; }

    public FieldDescriptor SrvPriority { get; }

    public FieldDescriptor SrvWeight { get; }

    public FieldDescriptor SrvPort { get; }

    public FieldDescriptor SrvTarget { get; }

    public FieldDescriptor NaptrOrder { get; }

    public FieldDescriptor NaptrPreference { get; }

    public FieldDescriptor NaptrFlags { get; }

    public FieldDescriptor NaptrService { get; }

    public FieldDescriptor NaptrRegex { get; }

    public FieldDescriptor NaptrReplacement { get; }

    public FieldDescriptor CaaFlags { get; }

    public FieldDescriptor CaaTag { get; }

    public FieldDescriptor CaaValue { get; }

    public FieldDescriptor UdpPayloadSize { get; }

    public FieldDescriptor UdpPayloadSizeHex { get; }

    public FieldDescriptor ExtendedRcode { get; }

    public FieldDescriptor EdnsVersion { get; }

    public FieldDescriptor DnssecOk { get; }

    public FieldDescriptor Options { get; }

    public FieldDescriptor OptionsItem { get; }

    public FieldDescriptor OptionCode { get; }

    public FieldDescriptor OptionLength { get; }

    public FieldDescriptor ClientFamily { get; }

    public FieldDescriptor ClientNetmask { get; }

    public FieldDescriptor ClientScope { get; }

    public FieldDescriptor ClientAddress { get; }

    public FieldDescriptor ClientCookie { get; }

    public FieldDescriptor ServerCookie { get; }

    public FieldDescriptor Padding { get; }

    public FieldDescriptor OptionData { get; }

    public FieldDescriptor DsKeyTag { get; }

    public FieldDescriptor DsAlgorithm { get; }

    public FieldDescriptor DsDigestType { get; }

    public FieldDescriptor DsDigest { get; }

    public FieldDescriptor DnskeyFlags { get; }

    public FieldDescriptor DnskeyProtocol { get; }

    public FieldDescriptor DnskeyAlgorithm { get; }

    public FieldDescriptor DnskeyPublicKey { get; }

    public FieldDescriptor RrsigTypeCovered { get; }

    public FieldDescriptor RrsigAlgorithm { get; }

    public FieldDescriptor RrsigLabels { get; }

    public FieldDescriptor RrsigOriginalTtl { get; }

    public FieldDescriptor RrsigExpiration { get; }

    public FieldDescriptor RrsigInception { get; }

    public FieldDescriptor RrsigKeyTag { get; }

    public FieldDescriptor RrsigSigner { get; }

    public FieldDescriptor RrsigSignature { get; }

    public FieldDescriptor NsecNextName { get; }

    public FieldDescriptor SvcbPriority { get; }

    public FieldDescriptor SvcbTarget { get; }

    public FieldDescriptor SvcbParams { get; }

    public FieldDescriptor SvcbParamsItem { get; }

    public FieldDescriptor SvcParamKey { get; }

    public FieldDescriptor SvcParamLength { get; }

    public FieldDescriptor SvcParamAlpn { get; }

    public FieldDescriptor SvcParamPort { get; }

    public FieldDescriptor SvcParamIpv4Hint { get; }

    public FieldDescriptor SvcParamIpv6Hint { get; }

    public FieldDescriptor SvcParamValue { get; }

    public FieldDescriptor Data { get; }

    internal static FieldDescriptor Child(FieldDescriptor parent, string name)
    {
        foreach (var child in parent.Children)
        {
            if (child.Name == name)
            {
                return child;
            }
        }

        throw new InvalidOperationException($"the DNS spec declares no '{name}' under '{parent.Name}'.");
    }
}
