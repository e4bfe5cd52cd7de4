using PcapKit.Dissection;
using PcapKit.Net;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// Golden packets: frames copied from corpus captures as hex (file and frame cited), dissected, and every field of
/// the Ethernet, IPv4, TCP and UDP layers compared with tshark's value for that frame.
/// </summary>
public sealed class GoldenPacketTests
{
    // zeek__tcp_option-sack.pcap frames 1–4: SYNs carrying SACK options with 1 to 4 blocks.
    private const string SackFrame1 = "ffffffffffff0000000000000800450000340001000040067cc17f0000017f000001001400500000000000000000800220005c550000050a00000001000000100000";
    private const string SackFrame2 = "ffffffffffff00000000000008004500003c0001000040067cb97f0000017f000001001400500000000000000000a00220002b4500000512000000010000001000000100000010000000";
    private const string SackFrame3 = "ffffffffffff0000000000000800450000440001000040067cb17f0000017f000001001400500000000000000000c00220000b240000051a0000000100000010000001000000100000010000001000000000";
    private const string SackFrame4 = "ffffffffffff00000000000008004500004c0001000040067ca97f0000017f000001001400500000000000000000e0022000da130000052200000001000000100000010000001000000100000010000001000000100000000000";

    // ppp__many-protocols.pcap frame 55: SYN with MSS, NOP, window scale, NOP, NOP, SACK-permitted.
    private const string MssFrame55 = "30469a23fbfa6cf049b2de6e08004500003464734000800690250a000001adc24e68d79a01bb807df4a50000000080022000fa710000020405b40103030201010402";

    // zeek__tcp_reassembly.pcap frame 2: SYN-ACK with MSS, NOP, window scale, NOP, NOP, timestamps.
    private const string TimestampFrame2 = "00000c07ac00003048211b0a08004500003c346e000040064f18800361af3fc1d5c200500a04f2994e13cab84a4aa012402e5e500000020405b4010303000101080a0004553b00000000";

    // ppp__ipv4-options.pcap frame 1: IPv4 with a 24-byte option area (timestamp option), carrying ICMP.
    private const string Ipv4OptionsFrame1 = "00000000000000000000000008004b00006c783700004001752d7f0000017f000001861600000002021000020000000200040005000600ef0000000029508c0a0001924dae45130e0c0008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";

    // ppp__ipv4-options.pcap frame 4: IPv4 with a 40-byte option area, carrying TCP.
    private const string Ipv4OptionsFrame4 = "080027191c78c412f5ff72e808004f000050000040004006ead80a00008a0a000006072710010203040a00008a0a00008a0000000000000000000000000000000000000000000000000000000a85000000001928c73a50140000b0590000";

    // ppp__Dns.pcap frame 1: a DNS response over UDP over IPv4.
    private const string DnsFrame1 = "6cf049b2de6e30469a23fbfa08004500018900004000401124da0a00008a0a0000010035e30d0175192a2d6d818000010011000000000377777710676f6f676c652d616e616c797469637303636f6d0000010001c00c000500010000deb00020147777772d676f6f676c652d616e616c7974696373016c06676f6f676c65c021147777772d676f6f676c652d616e616c7974696373014cc04d00010001000000750004d4c7dbedc05600010001000000750004d4c7dbe3c05600010001000000750004d4c7dbf6c05600010001000000750004d4c7dbf1c05600010001000000750004d4c7dbdec05600010001000000750004d4c7dbfbc05600010001000000750004d4c7dbd4c05600010001000000750004d4c7dbf7c05600010001000000750004d4c7dbe8c05600010001000000750004d4c7dbf2c05600010001000000750004d4c7dbd8c05600010001000000750004d4c7dbddc05600010001000000750004d4c7dbd9c05600010001000000750004d4c7dbe2c05600010001000000750004d4c7dbe7c05600010001000000750004d4c7dbec";

    [SkippableTheory]
    [InlineData("zeek__tcp_option-sack.pcap", 1, SackFrame1)]
    [InlineData("zeek__tcp_option-sack.pcap", 2, SackFrame2)]
    [InlineData("zeek__tcp_option-sack.pcap", 3, SackFrame3)]
    [InlineData("zeek__tcp_option-sack.pcap", 4, SackFrame4)]
    [InlineData("ppp__many-protocols.pcap", 55, MssFrame55)]
    [InlineData("zeek__tcp_reassembly.pcap", 2, TimestampFrame2)]
    [InlineData("ppp__ipv4-options.pcap", 1, Ipv4OptionsFrame1)]
    [InlineData("ppp__ipv4-options.pcap", 4, Ipv4OptionsFrame4)]
    [InlineData("ppp__Dns.pcap", 1, DnsFrame1)]
    public void GoldenFrame_EveryEthernetIpv4TcpUdpField_EqualsTshark(string capture, int frameNumber, string hex)
    {
        var table = TsharkTable.For(capture);
        var columns = OracleColumns.Owned(table, "eth", "ip", "tcp", "udp");
        var values = OracleColumns.Collect(Hex.Parse(hex), 1, columns);

        var compared = 0;
        foreach (var column in columns)
        {
            Assert.True(table.Get(frameNumber, column) == values[column], $"{capture} frame {frameNumber}: {column} is '{values[column]}', tshark says '{table.Get(frameNumber, column)}'");
            compared += table.Get(frameNumber, column).Length > 0 ? 1 : 0;
        }

        Assert.True(compared >= 10, $"only {compared} fields had values to compare");
    }

    [Fact]
    public void SackOption_BlocksAreReadInOrder_ThroughTheTypedApi()
    {
        var frame = Hex.Parse(SackFrame4);
        Assert.True(Ethernet.TryParse(frame, out var eth).IsOk);
        Assert.Equal(EtherType.Ipv4, eth.EtherType);
        Assert.True(Ipv4.TryParse(eth.Payload, out var ip).IsOk);
        Assert.Equal(IpProtocol.Tcp, ip.Protocol);
        Assert.Equal(Ipv4Address.Parse("127.0.0.1"), ip.Source);
        Assert.True(Tcp.TryParse(ip.Payload, out var tcp).IsOk);
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
        Assert.True(tcp.Options.TryGetSack(out var sack));
        var blocks = new System.Collections.Generic.List<(uint, uint)>();
        foreach (var block in sack.Blocks)
        {
            blocks.Add((block.LeftEdge, block.RightEdge));
        }

        Assert.Equal([(1u, 16u), (256u, 4096u), (65536u, 1048576u), (16777216u, 268435456u)], blocks);

        // As in Wireshark, each zero byte after the SACK option is one more End of Option List: nothing is left over.
        var kinds = new System.Collections.Generic.List<TcpOptionKind>();
        foreach (var option in tcp.Options)
        {
            kinds.Add(option.Kind);
        }

        Assert.Equal([TcpOptionKind.Sack, TcpOptionKind.Eol, TcpOptionKind.Eol], kinds);
        Assert.Equal(Dissection.TlvTrailingReason.None, tcp.Options.TrailingReason);
    }

    [Fact]
    public void MssAndWindowScale_AreReadThroughTheListShortcuts()
    {
        var frame = Hex.Parse(MssFrame55);
        Assert.True(Ethernet.TryParse(frame, out var eth).IsOk);
        Assert.True(Ipv4.TryParse(eth.Payload, out var ip).IsOk);
        Assert.True(Tcp.TryParse(ip.Payload, out var tcp).IsOk);
        Assert.True(tcp.Options.TryGetMss(out ushort mss));
        Assert.Equal(1460, mss);
        Assert.True(tcp.Options.TryGetWindowScale(out byte shift));
        Assert.Equal(2, shift);
        Assert.False(tcp.Options.TryGetTimestamps(out _));
        var kinds = new System.Collections.Generic.List<TcpOptionKind>();
        foreach (var option in tcp.Options)
        {
            kinds.Add(option.Kind);
        }

        Assert.Equal([TcpOptionKind.Mss, TcpOptionKind.Nop, TcpOptionKind.WindowScale, TcpOptionKind.Nop, TcpOptionKind.Nop, TcpOptionKind.SackPermitted], kinds);
    }

    [Fact]
    public void Ipv4CipsoOption_IsReadWithItsDomainOfInterpretationAndTags_AndThePaddingIsTrailing()
    {
        var frame = Hex.Parse(Ipv4OptionsFrame1);
        Assert.True(Ethernet.TryParse(frame, out var eth).IsOk);
        Assert.True(Ipv4.TryParse(eth.Payload, out var ip).IsOk);
        Assert.Equal(44, ip.HeaderSize);
        Assert.True(ip.Options.TryGetCipso(out var cipso));
        Assert.Equal(2u, cipso.Doi);
        Assert.Equal(16, cipso.Tags.Bytes.Length);

        // One enumerated tag (FIPS 188 tag type 2): level 2 and six categories, as tshark reads them.
        Assert.True(cipso.Tags.TryGetEnumerated(out var tag));
        Assert.Equal(2, tag.SensitivityLevel);
        var categories = new System.Collections.Generic.List<ushort>();
        foreach (var category in tag.Categories)
        {
            categories.Add(category.Category);
        }

        Assert.Equal([0, 2, 4, 5, 6, 239], categories);
        Assert.True(cipso.Tags.Trailing.IsEmpty);
        var kinds = new System.Collections.Generic.List<Ipv4OptionType>();
        foreach (var option in ip.Options)
        {
            kinds.Add(option.Kind);
        }

        Assert.Equal([Ipv4OptionType.Cipso, Ipv4OptionType.Eool], kinds);
        Assert.Equal(1, ip.Options.Trailing.Length);
        Assert.Equal(Dissection.TlvTrailingReason.AfterEndOfList, ip.Options.TrailingReason);
    }

    [Fact]
    public void Checksums_OfAGoldenFrame_VerifyAsGood()
    {
        var frame = Hex.Parse(TimestampFrame2);
        Assert.True(Ethernet.TryParse(frame, out var eth).IsOk);
        Assert.True(Ipv4.TryParse(eth.Payload, out var ip).IsOk);
        Assert.Equal(Buffers.ChecksumStatus.Good, ip.VerifyChecksum().Status);
        Assert.True(Tcp.TryParse(ip.Payload, out var tcp).IsOk);
        var pseudo = Buffers.IpPseudoHeader.ForIpv4(ip.Source, ip.Destination, 6);
        var result = tcp.VerifyChecksum(pseudo);
        Assert.Equal(Buffers.ChecksumStatus.Good, result.Status);
        Assert.Equal(tcp.Checksum, result.Computed);
    }

    [Fact]
    public void DissectingAFrame_GivesTheChainAndTypedLayers()
    {
        var bytes = Hex.Parse(DnsFrame1);
        var stack = new LayerStack();
        Packs.Dissector.Dissect(bytes, 1, stack);
        var frame = new Frame(bytes, stack, Packs.Registry);
        Assert.Equal("ethernet:ipv4:udp:dns", frame.GetChain());
        Assert.True(frame.TryGet(out Udp.View udp));
        Assert.Equal(53, udp.SourcePort);
        Assert.Equal(373, udp.Length);
        Assert.True(frame.TryGet(out Dns.View dns));
        Assert.True(dns.Response);
        Assert.Equal(1, dns.QuestionCount);
        Assert.Equal(17, dns.AnswerCount);
        Assert.Equal(0, frame.Raw.Length);
        Assert.True(frame.IsWellFormed);
        Assert.Equal(2, frame.IndexOf("udp"));
    }
}
