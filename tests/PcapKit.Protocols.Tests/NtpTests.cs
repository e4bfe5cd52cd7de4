using System.Collections.Generic;
using PcapKit.Dissection;
using PcapKit.Net;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// NTP (RFC 5905 §7.3): a corpus message field by field as tshark shows it, the timestamp conversion at its edges (the
/// values tshark 4.0.17 printed for a capture built for this test), and control messages kept as bytes.
/// </summary>
public sealed class NtpTests
{
    // ppp__many_interfaces-1.pcapng frame 6's UDP payload: an NTPv4 client request.
    private const string ClientRequest = "23020aec00000d0b00000af611fd0cfdd97b623cbfe49dcdd97b6437ad7fd089d97b6437b6d0e9b0d97b647e296af531";

    [Fact]
    public void ACorpusRequest_GivesTheHeaderAsTsharkShowsIt()
    {
        var fields = Collect(ClientRequest);
        Assert.Equal(["0"], fields["ntp.flags.li"]);
        Assert.Equal(["4"], fields["ntp.flags.vn"]);
        Assert.Equal(["3"], fields["ntp.flags.mode"]);
        Assert.Equal(["2"], fields["ntp.stratum"]);
        Assert.Equal(["10"], fields["ntp.ppoll"]);
        Assert.Equal(["236"], fields["ntp.precision"]);
        Assert.Equal(["3339"], fields["ntp.rootdelay"]);
        Assert.Equal(["2806"], fields["ntp.rootdispersion"]);
        Assert.Equal(["11fd0cfd"], fields["ntp.refid"]);
        Assert.Equal(["Aug 16, 2015 19:25:48.749582159 UTC"], fields["ntp.reftime"]);
        Assert.Equal(["Aug 16, 2015 19:34:15.677731545 UTC"], fields["ntp.org"]);
        Assert.Equal(["Aug 16, 2015 19:34:15.714125256 UTC"], fields["ntp.rec"]);
        Assert.Equal(["Aug 16, 2015 19:35:26.161788296 UTC"], fields["ntp.xmt"]);
    }

    [Theory]
    [InlineData(0x00000000u, 0x00000000u, "NULL", null)]                                                    // RFC 5905: unknown
    [InlineData(0x00000000u, 0x00000001u, "NULL", null)]                                                    // seconds 0: no era applied
    [InlineData(0x83aa7e80u, 0x00000000u, "NULL", null)]                                                    // 1970-01-01 itself
    [InlineData(0x00000001u, 0x00000001u, "Feb  7, 2036 06:28:17.000000000 UTC", "2036-02-07T06:28:17.000000000Z")] // era 1
    [InlineData(0x7fffffffu, 0xffffffffu, "Feb 26, 2104 09:42:23.999999999 UTC", "2104-02-26T09:42:23.999999999Z")]
    [InlineData(0xdab7d41cu, 0x80000000u, "Apr 12, 2016 20:07:56.500000000 UTC", "2016-04-12T20:07:56.500000000Z")]
    [InlineData(0x83aa7e81u, 0x00000005u, "Jan  1, 1970 00:00:01.000000001 UTC", "1970-01-01T00:00:01.000000001Z")] // truncated, not rounded
    [InlineData(0xffffffffu, 0xffffffffu, "Feb  7, 2036 06:28:15.999999999 UTC", "2036-02-07T06:28:15.999999999Z")] // the end of era 0
    [InlineData(0x83aa7e7fu, 0x00000000u, "Dec 31, 1969 23:59:59.000000000 UTC", "1969-12-31T23:59:59.000000000Z")]
    public void Timestamps_ConvertAsWiresharkDoes(uint seconds, uint fraction, string tshark, string? iso)
    {
        var timestamp = new NtpTimestamp(((ulong)seconds << 32) | fraction);
        Assert.Equal(tshark, timestamp.ToTsharkString());
        Assert.Equal(iso is null, timestamp.IsNull);
        if (iso is not null)
        {
            Assert.Equal(iso, timestamp.ToString());
        }
    }

    [Fact]
    public void AControlMessage_StopsAfterTheMode_WithItsBytesKept()
    {
        // RFC 1305 Appendix B: mode 6, a READSTAT request (opcode 1), sequence 1, no data.
        var message = "16010001" + new string('0', 88);
        Assert.True(Ntp.View.TryParse(Hex.Parse(message), out _) is { Status: ParseStatus.Invalid, Field: "mode" });
        var fields = Collect(message);
        Assert.Equal(["6"], fields["ntp.flags.mode"]);
        Assert.False(fields.ContainsKey("ntp.stratum"));
    }

    private static Dictionary<string, List<string>> Collect(string hex)
    {
        var visitor = new FieldsByName();
        Ntp.Descriptor.Accept(Hex.Parse(hex), visitor);
        return visitor.Displayed;
    }
}
