using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PcapKit.Dissection;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// Every field of the standard pack is exported under the name tshark gives it: its display name must be one of
/// tshark 4.0.17's field names (<c>Oracle/tshark-fields.tsv</c>, from <c>tshark -G fields</c>). Containers (lists,
/// structures, payloads, bytes after an option list) have no tshark counterpart; the few byte strings tshark splits
/// further than the pack does are listed with their reason.
/// </summary>
public sealed class DisplayNameTests(ITestOutputHelper output)
{
    /// <summary>Fields whose bytes tshark dissects further (or not at all); each keeps a PcapKit name until the pack does too.</summary>
    internal static readonly Dictionary<string, string> NotTsharkFields = new(StringComparer.Ordinal)
    {
        ["icmp.rest_of_header"] = "the 4 bytes after the checksum of an ICMP type without a layout; tshark has no field for them",
        ["icmp.message_data"] = "an ICMP message body the pack does not lay out",
        ["icmpv6.message_data"] = "an ICMPv6 message body the pack does not lay out",
        ["icmpv6.opt.reserved_bytes"] = "tshark's icmpv6.opt.reserved is a text item without the bytes",
        ["icmpv6.opt.redirected"] = "the Redirected Header option's packet kept as bytes; tshark dissects it as IPv6",
        ["icmpv6.opt.dnssl.names"] = "a DNS Search List's octets from a name that runs past the option on (tshark: malformed); its names are icmpv6.opt.dnssl",
        ["ntp.extensions"] = "NTP extension fields (RFC 7822) and the MAC kept as bytes; tshark splits them into ntp.ext.*, ntp.mac",
        ["tls.data"] = "the segment's bytes the hook decodes the records from; their fields are tls.record.* and tls.handshake.*",
        ["tls.handshake.extension.value"] = "an extension without a layout in the pack; tshark decodes many more into fields of their own (its tls.handshake.extension.data holds unknown ones)",
        ["tls.handshake.body"] = "a handshake message without a layout in the pack (ServerKeyExchange, Finished, …); tshark decodes their fields",
        ["tls.record.encrypted"] = "a protected record's content; tshark shows it as an encrypted handshake message without a field",
        ["tls.record.incomplete"] = "why bytes of the segment are not a whole record; tshark shows them as an ignored unknown record or not at all",
        ["tls.record.incomplete_data"] = "as tls.record.incomplete: the bytes",
        ["http2.data"] = "the segment's bytes the hook decodes the frames from; their fields are http2.*",
        ["http2.incomplete"] = "why bytes of the segment are not a whole frame",
        ["http2.incomplete_data"] = "as http2.incomplete: the bytes",
        ["ftp.lines"] = "the segment's text the hook decodes the command or reply from; its fields are ftp.request.*, ftp.response.*",
        ["ftp.line"] = "a line after the first (a multi-line reply's); tshark shows them as text without a field",
        ["ieee8021ad.etype"] = "tshark shows an S-tag's EtherType only in its tree text",
        ["ip.cipso.tag_len"] = "a CIPSO tag's length; tshark shows it only in its tree text",
        ["ip.cipso.alignment"] = "the alignment octet of a CIPSO bitmap, enumerated or ranged tag; tshark skips it",
        ["ip.cipso.bitmap"] = "a CIPSO bitmap tag's bitmap as it is on the wire; tshark shows only its set bits (ip.cipso.categories, which the pack shows too)",
        ["ip.cipso.ranges"] = "a CIPSO ranged tag's ranges as they are on the wire; tshark shows only their text (ip.cipso.categories, which the pack shows too)",
        ["icmpv6.opt.dnssl.padding"] = "the zero octets after a DNS Search List's names; tshark marks them icmpv6.opt.padding, a field without a value",
        ["sctp.parameter_unrecognized"] = "an Unrecognized Parameter reported inside another, kept as bytes (the outer one's parameters are dissected one level deep)",
        ["sctp.parameter_unrecognized_trailing"] = "bytes of an Unrecognized Parameter that are not a whole parameter",
        ["igmp.v3.resv"] = "the reserved bits before an IGMPv3 query's S flag; tshark shows them only in its tree text",
        ["igmp.message_data"] = "an IGMP message body the pack does not lay out",
        ["igmp.second_byte_data"] = "the raw fallback every variant has; the second byte's cases cover every type, so IGMP never shows it",
        ["ip.opt.ts_data"] = "a timestamp option's entries that are not whole entries for its flag; tshark reports them as expert info",
        ["ipv6.routing.data_data"] = "the body of a routing type without a layout",
        ["ipv6.routing.srh.reserved"] = "tshark 4.0 does not dissect SRH TLVs",
        ["ipv6.routing.srh.tlv.hmac"] = "tshark 4.0 does not dissect SRH TLVs",
        ["ipv6.routing.srh.tlv.hmac.key_id"] = "tshark 4.0 does not dissect SRH TLVs",
        ["ipv6.routing.srh.tlv.length"] = "tshark 4.0 does not dissect SRH TLVs",
        ["ipv6.routing.srh.tlv.padn"] = "tshark 4.0 does not dissect SRH TLVs",
        ["ipv6.routing.srh.tlv.type"] = "tshark 4.0 does not dissect SRH TLVs",
        ["sll.src.addr"] = "tshark names the address by its type (sll.src.eth, sll.src.ipv4, sll.src.other); the pack keeps all 8 bytes as one field",
        ["sll.reserved"] = "SLL2's reserved field; tshark 4.0 does not show it",
        ["mip6.data"] = "Mobility message data kept as bytes; tshark splits it by message type",
        ["sctp.data_payload"] = "DATA chunk user data; tshark hands it to the payload protocol",
        ["dns.flags.reserved"] = "LLMNR's four reserved flag bits (RFC 4795 §2.1.1); tshark does not show them",
        ["http.message"] = "an HTTP message's bytes; the decode hook shows its start line and header fields as http.request.*, http.host, …",
        ["dns.sections"] = "the question and record sections as bytes; the decode hook shows them as dns.qry.*, dns.resp.*, …",
        ["dns.malformed"] = "why the DNS decoder stopped (a name past the end, a pointer loop); tshark reports it as expert info",
        ["dns.undecoded"] = "the bytes from where the DNS decoder stopped; tshark shows no field for them",
        ["tcp.options.mptcp.data"] = "the bytes of an MPTCP option that no layout of its subtype and length places (tshark shows nothing for them)",
    };

    [Fact]
    public void EveryFieldOfThePack_IsNamedAsTsharkNamesIt()
    {
        var tshark = new HashSet<string>(
            File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Oracle", "tshark-fields.tsv"))
                .Where(line => !line.StartsWith('#'))
                .Select(line => line.Split('\t')[0]),
            StringComparer.Ordinal);
        var wrong = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var checkedFields = 0;
        foreach (var protocol in Packs.Registry.Protocols)
        {
            foreach (var field in Walk(protocol.Fields.Concat(protocol.ComputedFields)))
            {
                if (field.DisplayName is not { } name || IsContainer(field))
                {
                    continue;
                }

                checkedFields++;
                if (tshark.Contains(name))
                {
                    continue;
                }

                if (NotTsharkFields.ContainsKey(name))
                {
                    listed.Add(name);
                    continue;
                }

                wrong.Add($"{protocol.Name}: {field.Name} is exported as '{name}', which tshark does not have");
            }
        }

        output.WriteLine($"{checkedFields} fields checked against {tshark.Count} tshark names; {listed.Count} listed as tshark-less");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Distinct()));
        Assert.Empty(NotTsharkFields.Keys.Except(listed));
        Assert.True(checkedFields > 400, $"only {checkedFields} fields checked");
    }

    /// <summary>
    /// Lists, structures, payloads, the bytes left after an option list and the body of an option kind without a
    /// layout (<c>*.option_data</c>) have no tshark field.
    /// </summary>
    private static bool IsContainer(FieldDescriptor field) =>
        field.Kind is FieldKind.List or FieldKind.Structure ||
        field.Name is "payload" || field.Name.EndsWith("_trailing", StringComparison.Ordinal) ||
        field.DisplayName?.EndsWith(".option_data", StringComparison.Ordinal) == true;

    private static IEnumerable<FieldDescriptor> Walk(IEnumerable<FieldDescriptor> fields)
    {
        foreach (var field in fields)
        {
            yield return field;
            foreach (var child in Walk(field.Children))
            {
                yield return child;
            }
        }
    }
}
