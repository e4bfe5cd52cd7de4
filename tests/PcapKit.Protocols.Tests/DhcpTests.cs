using System.Collections.Generic;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// DHCP (RFC 2131, options RFC 2132): what the corpus frames lack. The corpus oracle holds 36 DHCP frames to tshark
/// field by field; these tests cover the option layouts no corpus frame carries, an unknown option, and bad lengths.
/// </summary>
public sealed class DhcpTests
{
    // A BOOTREPLY header (RFC 2131 §2, xid 0x12345678, yiaddr 192.0.2.10, chaddr 02:00:00:00:00:01) and the cookie.
    private static readonly string Reply =
        "02010600 12345678 00008000 00000000 c000020a 00000000 00000000 020000000001 00000000000000000000" +
        new string('0', 2 * (64 + 128)) +   // sname and file, empty
        "63825363";

    [Fact]
    public void AnAck_GivesEveryOptionItsRfcLayout()
    {
        // 53 ACK; 3 two routers; 6 one DNS server; 15 a domain name with a NUL; 26 MTU 1500; 42 an NTP server;
        // 57 576; 56 a message; 61 a client identifier that is not an Ethernet address; 200 unknown; end.
        var fields = Collect(Reply +
            "350105" + "0308c0000201c0000202" + "0604c0000235" + "0f086578616d706c6500" + "1a0205dc" + "2a04c000027b" +
            "39020240" + "38026f6b" + "3d0400616263" + "c803010203" + "ff");
        Assert.Equal(["2"], fields["dhcp.type"]);
        Assert.Equal(["1"], fields["dhcp.flags.bc"]);
        Assert.Equal(["192.0.2.10"], fields["dhcp.ip.your"]);
        Assert.Equal(["5"], fields["dhcp.option.dhcp"]);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], fields["dhcp.option.router"]);
        Assert.Equal(["192.0.2.53"], fields["dhcp.option.domain_name_server"]);
        Assert.Equal(["example"], fields["dhcp.option.domain_name"]);            // shown up to the NUL, as tshark's FT_STRINGZ
        Assert.Equal(["1500"], fields["dhcp.option.interface_mtu"]);
        Assert.Equal(["192.0.2.123"], fields["dhcp.option.ntp_server"]);
        Assert.Equal(["576"], fields["dhcp.option.dhcp_max_message_size"]);
        Assert.Equal(["ok"], fields["dhcp.option.message"]);
        Assert.Equal(["0x01", "0x00"], fields["dhcp.hw.type"]);                  // the header's, then the option's
        Assert.Equal(["616263"], fields["dhcp.client_id"]);                       // not 6 octets: bytes, not a MAC
        Assert.Equal(["53", "3", "6", "15", "26", "42", "57", "56", "61", "200", "255"], fields["dhcp.option.type"]);
        Assert.Equal(["010203"], fields["dhcp.option_data"]);                     // the unknown option's value, raw
        Assert.Equal([string.Empty], fields["dhcp.server"]);                      // an empty sname is an empty string
    }

    [Fact]
    public void AnOptionLongerThanTheMessage_IsKeptAsTrailingBytes()
    {
        // RFC 2132 §2: a length that runs past the end of the options leaves the rest undecoded, not read past.
        var fields = Collect(Reply + "350101" + "0c20616263");
        Assert.Equal(["1"], fields["dhcp.option.dhcp"]);
        Assert.Equal(["0c20616263"], fields["dhcp.option_trailing"]);
        Assert.False(fields.ContainsKey("dhcp.option.hostname"));
    }

    private static Dictionary<string, List<string>> Collect(string hex)
    {
        var visitor = new FieldsByName();
        Dhcp.Descriptor.Accept(Hex.Parse(hex), visitor);
        return visitor.Displayed;
    }
}
