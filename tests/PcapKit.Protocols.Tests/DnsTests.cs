using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using PcapKit.Dissection;
using PcapKit.Output;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// DNS, mDNS, LLMNR and DNS over TCP: golden messages from the corpus and built by hand per RFC, compression loops,
/// and typed RDATA. The corpus oracle (FieldOracleTests, OracleAgreementTests) holds every DNS field of 1,900 frames to
/// tshark; these tests hold what the corpus lacks.
/// </summary>
public sealed class DnsTests
{
    // ppp__Dns.pcap frame 1's UDP payload: a response with one question and 17 answers (a CNAME chain, then A records).
    private const string GoogleAnalyticsResponse =
        "2a2d818000010011000000000377777710676f6f676c652d616e616c797469637303636f6d0000010001c00c000500010000deb00020147777772d676f6f676c652d616e616c7974696373016c06676f6f676c65c021147777772d676f6f676c652d616e616c7974696373014cc04d00010001000000750004d4c7dbedc05600010001000000750004d4c7dbe3";

    [Fact]
    public void ACorpusResponse_GivesItsQuestionTheCnameChainAndTheAddresses()
    {
        // The first three answers of the frame (its answer count cut to 3 to match the bytes kept here); tshark shows
        // the same names, CNAME, addresses and TTLs for them.
        var message = Hex.Parse(GoogleAnalyticsResponse);
        message[7] = 3;
        var fields = Collect(Dns.Descriptor, message);
        Assert.Equal(["0x2a2d"], fields["dns.id"]);
        Assert.Equal(["1"], fields["dns.flags.response"]);
        Assert.Equal(["www.google-analytics.com"], fields["dns.qry.name"]);
        Assert.Equal(["1"], fields["dns.qry.type"]);
        Assert.Equal(["www.google-analytics.com", "www-google-analytics.L.google.com", "www-google-analytics.L.google.com"], fields["dns.resp.name"]);
        Assert.Equal(["www-google-analytics.l.google.com"], fields["dns.cname"]);
        Assert.Equal(["212.199.219.237", "212.199.219.227"], fields["dns.a"]);
        Assert.Equal(["57008", "117", "117"], fields["dns.resp.ttl"]);
        Assert.False(fields.ContainsKey("dns.malformed"));
    }

    [Theory]
    [InlineData("c00c", "a name follows too many compression pointers (a loop)")]            // a pointer to itself
    [InlineData("c00e c00c", "a name follows too many compression pointers (a loop)")]       // two pointers to each other
    [InlineData("03777777 c00c", "a name is longer than 255 octets")]                        // a label, then back to its start
    [InlineData("3f616263", "a label runs past the end of the message")]
    [InlineData("c0ff", "a name runs past the end of the message")]
    [InlineData("80", "a label of an unknown type (0x2)")]
    public void ABrokenName_EndsDecodingWithTheReason_WithoutHanging(string name, string reason)
    {
        // RFC 1035 §4.1.4: a pointer may point anywhere in the message; one into the name itself never ends.
        var message = Hex.Parse("1234 0100 0001 0000 0000 0000 " + name + " 0001 0001");
        var fields = Collect(Dns.Descriptor, message);
        Assert.Equal([reason], fields["dns.malformed"]);
        Assert.True(fields.ContainsKey("dns.undecoded"));
        Assert.False(fields.ContainsKey("dns.qry.name"));
    }

    [Fact]
    public void TypedRdata_IsDecodedAsItsRfcLaysItOut()
    {
        // One response holding a record of each type with a layout of its own, for the question example.com (offset 12).
        var records = new StringBuilder();
        void Record(string type, string rdata) =>
            records.Append("c00c").Append(type).Append("0001 00000e10").Append((rdata.Replace(" ", string.Empty, StringComparison.Ordinal).Length / 2).ToString("x4", CultureInfo.InvariantCulture)).Append(rdata);
        Record("000f", "000a 046d61696c c00c");                                                  // MX 10 mail.example.com (RFC 1035 §3.3.9)
        Record("0006", "026e73 c00c 0a686f73746d6173746572 c00c 78a0b2c3 00000e10 00000384 00093a80 0000012c"); // SOA (§3.3.13)
        Record("0021", "0001 0005 1f90 03777777 c00c");                                          // SRV 1 5 8080 www (RFC 2782)
        Record("0010", "0568656c6c6f 05776f726c64");                                              // TXT "hello" "world" (§3.3.14)
        Record("0101", "00 05 6973737565 6c657473656e63727970742e6f7267");                          // CAA 0 issue "letsencrypt.org" (RFC 8659)
        Record("0041", "0001 00 0001 0006 026832 026833 0003 0002 01bb");                          // HTTPS 1 . alpn=h2,h3 port=443 (RFC 9460)
        Record("002f", "c00c 00 06 40 01 00 00 00 03");                                                 // NSEC example.com A MX RRSIG NSEC (RFC 4034 §4.3)
        var message = Hex.Parse("beef 8180 0001 0007 0000 0001 076578616d706c6503636f6d00 0001 0001 " + records +
            // OPT (RFC 6891): payload size 1232, DO set; ECS 192.0.2.0/24 (RFC 7871) and a client cookie (RFC 7873).
            "00 0029 04d0 00008000 0017 0008 0007 0001 18 00 c00002 000a 0008 0102030405060708");
        var fields = Collect(Dns.Descriptor, message);
        Assert.False(fields.ContainsKey("dns.malformed"), string.Join(",", fields.GetValueOrDefault("dns.malformed", [])));
        Assert.Equal(["10"], fields["dns.mx.preference"]);
        Assert.Equal(["mail.example.com"], fields["dns.mx.mail_exchange"]);
        Assert.Equal(["ns.example.com"], fields["dns.soa.mname"]);
        Assert.Equal(["hostmaster.example.com"], fields["dns.soa.rname"]);
        Assert.Equal(["2023797443"], fields["dns.soa.serial_number"]);
        Assert.Equal(["300"], fields["dns.soa.minimum_ttl"]);
        Assert.Equal(["8080"], fields["dns.srv.port"]);
        Assert.Equal(["www.example.com"], fields["dns.srv.target"]);
        Assert.Equal(["hello", "world"], fields["dns.txt"]);
        Assert.Equal(["issue"], fields["dns.caa.tag"]);
        Assert.Equal(["letsencrypt.org"], fields["dns.caa.value"]);
        Assert.Equal(["1"], fields["dns.svcb.svcpriority"]);
        Assert.Equal(["<Root>"], fields["dns.svcb.targetname"]);
        Assert.Equal(["h2", "h3"], fields["dns.svcb.svcparam.alpn"]);
        Assert.Equal(["443"], fields["dns.svcb.svcparam.port"]);
        Assert.Equal(["example.com"], fields["dns.nsec.next_domain_name"]);
        Assert.Equal(["15", "6", "33", "16", "257", "65", "47", "1", "15", "46", "47", "41"], fields["dns.resp.type"]);
        Assert.Equal(["1232"], fields["dns.rr.udp_payload_size"]);
        Assert.Equal(["1"], fields["dns.resp.z.do"]);
        Assert.Equal(["8", "10"], fields["dns.opt.code"]);
        Assert.Equal(["1"], fields["dns.opt.client.family"]);
        Assert.Equal(["24"], fields["dns.opt.client.netmask"]);
        Assert.Equal(["c00002"], fields["dns.opt.client.addr"]);
        Assert.Equal(["0102030405060708"], fields["dns.opt.cookie.client"]);
    }

    [Fact]
    public void RdataThatDoesNotHaveItsTypesLayout_IsKeptAsBytes_AndTheNextRecordIsRead()
    {
        // An A record with 3 bytes of RDATA, then a good A record.
        var message = Hex.Parse("0001 8180 0000 0002 0000 0000 00 0001 0001 00000001 0003 0a0000 00 0001 0001 00000001 0004 0a000001");
        var fields = Collect(Dns.Descriptor, message);
        Assert.Equal(["0a0000"], fields["dns.data"]);
        Assert.Equal(["10.0.0.1"], fields["dns.a"]);
        Assert.Equal(["<Root>", "<Root>"], fields["dns.resp.name"]);
    }

    [Fact]
    public void MdnsAndLlmnr_ShareTheDecoder_WithTheirOwnFlags()
    {
        // mDNS (RFC 6762 §5.4): a question whose class has the unicast-response bit.
        var mdns = Collect(Mdns.Descriptor, Hex.Parse("0000 0000 0001 0000 0000 0000 055f69707073045f746370056c6f63616c00 000c 8001"));
        Assert.Equal(["_ipps._tcp.local"], mdns["dns.qry.name"]);
        Assert.Equal(["0x0001"], mdns["dns.qry.class"]);
        Assert.Equal(["1"], mdns["dns.qry.qu"]);

        // LLMNR (RFC 4795 §2.1.1): C and T where DNS has AA and RD.
        var llmnr = Collect(Llmnr.Descriptor, Hex.Parse("a706 0500 0001 0000 0000 0000 0477706164 00 0001 0001"));
        Assert.Equal(["1"], llmnr["dns.flags.conflict"]);
        Assert.Equal(["1"], llmnr["dns.flags.tentative"]);
        Assert.Equal(["wpad"], llmnr["dns.qry.name"]);
        Assert.False(llmnr.ContainsKey("dns.flags.recdesired"));
    }

    [Fact]
    public void DnsOverTcp_BoundsTheMessageByItsLengthPrefix()
    {
        // RFC 7766 §8: the length, the message, then the next message's first bytes.
        var segment = Hex.Parse("0021 1a2b01000001000000000000 03777777 076578616d706c65 03636f6d 00 0001 0001 0021 1a2c");
        var stack = new LayerStack();
        var bytes = TcpFrames.Around(segment, "c0010035");
        Packs.Dissector.Dissect(bytes, 1, stack);
        var dissected = new Frame(bytes, stack, Packs.Registry);
        Assert.Equal("ethernet:ipv4:tcp:dns_tcp:dns", dissected.GetChain());
        var chain = new StringBuilder();
        FieldExtractor.AppendTsharkChain(chain, dissected);
        Assert.Equal("eth:ethertype:ip:tcp:dns", chain.ToString());
        var dns = dissected.IndexOf("dns");
        Assert.Equal(33, dissected.LayerBytes(dns).Length);
        Assert.Equal(["www.example.com"], Collect(Dns.Descriptor, dissected.LayerBytes(dns).ToArray())["dns.qry.name"]);
    }

    [Fact]
    public void DnsOverTcp_SeveralMessagesInOneSegment_AreEachDissected_AndACutOneIsKeptAsTheTrailer()
    {
        // RFC 7766 §6.2.1.1: two whole queries back to back, then the first 3 octets of a third (tshark 4.0.17 shows the
        // chain eth:ethertype:ip:tcp:dns, dns.id 0x1a2b,0x1a2c and dns.length 33,33 for this segment).
        var segment = Hex.Parse("0021 1a2b01000001000000000000 03777777 076578616d706c65 03636f6d 00 0001 0001" +
                                "0021 1a2c01000001000000000000 03667470 076578616d706c65 03636f6d 00 001c 0001 00211a");
        var bytes = TcpFrames.Around(segment, "c0010035");
        var stack = new LayerStack();
        Packs.Dissector.Dissect(bytes, 1, stack);
        var dissected = new Frame(bytes, stack, Packs.Registry);
        Assert.Equal("ethernet:ipv4:tcp:dns_tcp:dns:dns_tcp:dns", dissected.GetChain());
        Assert.True(dissected.IsFollowingUnit(5));
        var chain = new StringBuilder();
        FieldExtractor.AppendTsharkChain(chain, dissected);
        Assert.Equal("eth:ethertype:ip:tcp:dns", chain.ToString());
        var collector = new FieldValueCollector(["dns.id", "dns.qry.name", "dns.length"]);
        collector.Collect(dissected);
        Assert.Equal(("0x1a2b,0x1a2c", "www.example.com,ftp.example.com", "33,33"), (collector.GetValue(0), collector.GetValue(1), collector.GetValue(2)));
        var tcp = dissected.IndexOf("tcp");
        Assert.Equal("00211a", Convert.ToHexString(dissected.GetTrailer(tcp, out var offset)).ToLowerInvariant());
        Assert.Equal(bytes.Length - 3, offset);
        Assert.True(dissected.Raw.IsEmpty);
    }

    /// <summary>Every field the protocol reports for <paramref name="message"/>, by display name, formatted as tshark's -T fields.</summary>
    private static Dictionary<string, List<string>> Collect(ProtocolDescriptor protocol, byte[] message)
    {
        var visitor = new FieldsByName();
        protocol.Accept(message, visitor);
        return visitor.Displayed;
    }
}
