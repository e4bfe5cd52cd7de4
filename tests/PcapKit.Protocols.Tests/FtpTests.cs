using System.Collections.Generic;
using System.Text;
using PcapKit.Net;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>FTP control lines (RFC 959 §4, RFC 2428), built by hand per the RFCs since the corpus has no FTP.</summary>
public sealed class FtpTests
{
    [Theory]
    [InlineData("USER anonymous\r\n", "USER", "anonymous")]
    [InlineData("PASV\r\n", "PASV", null)]
    [InlineData("retr file with spaces.txt\r\n", "retr", "file with spaces.txt")]
    public void ACommand_GivesItsWordAndArgument(string line, string command, string? argument)
    {
        var fields = Collect(line);
        Assert.Equal(["1"], fields["ftp.request"]);
        Assert.Equal([command], fields["ftp.request.command"]);
        Assert.Equal(argument is null ? null : [argument], fields.GetValueOrDefault("ftp.request.arg"));
        Assert.False(fields.ContainsKey("ftp.response"));
    }

    [Fact]
    public void PortAndEprt_GiveTheDataConnectionsAddress()
    {
        // RFC 959 §4.1.2: 192.0.2.10, port 19 × 256 + 137; RFC 2428 §2's two examples.
        var port = Collect("PORT 192,0,2,10,19,137\r\n");
        Assert.Equal(["192.0.2.10"], port["ftp.active.cip"]);
        Assert.Equal(["5001"], port["ftp.active.port"]);
        var v4 = Collect("EPRT |1|132.235.1.2|6275|\r\n");
        Assert.Equal(["1", "132.235.1.2", "6275"], [.. v4["ftp.eprt.af"], .. v4["ftp.eprt.ip"], .. v4["ftp.eprt.port"]]);
        var v6 = Collect("EPRT |2|1080::8:800:200C:417A|5282|\r\n");
        Assert.Equal(["2", "1080::8:800:200c:417a", "5282"], [.. v6["ftp.eprt.af"], .. v6["ftp.eprt.ipv6"], .. v6["ftp.eprt.port"]]);
    }

    [Fact]
    public void PassiveReplies_GiveTheServersDataPort()
    {
        var pasv = Collect("227 Entering Passive Mode (192,0,2,7,4,1).\r\n");
        Assert.Equal(["227"], pasv["ftp.response.code"]);
        Assert.Equal(["Entering Passive Mode (192,0,2,7,4,1)."], pasv["ftp.response.arg"]);
        Assert.Equal(["192.0.2.7", "1025"], [.. pasv["ftp.passive.ip"], .. pasv["ftp.passive.port"]]);
        var epsv = Collect("229 Entering Extended Passive Mode (|||6446|)\r\n");
        Assert.Equal(["6446"], epsv["ftp.epsv.port"]);
    }

    [Fact]
    public void AMultiLineReply_GivesTheFirstLinesCode_AndTheOtherLines()
    {
        // RFC 959 §4.2's example of a multi-line reply.
        var fields = Collect("123-First line\r\nSecond line\r\n 234 A line beginning with numbers\r\n123 The last line\r\n");
        Assert.Equal(["123"], fields["ftp.response.code"]);
        Assert.Equal(["First line"], fields["ftp.response.arg"]);
        Assert.Equal(["Second line", " 234 A line beginning with numbers", "123 The last line"], fields["ftp.line"]);
    }

    [Theory]
    [InlineData("227 Entering Passive Mode (256,0,2,7,4,1)")]   // a number past 255
    [InlineData("227 Entering Passive Mode (192,0,2,7,4)")]     // five numbers
    [InlineData("229 Entering Extended Passive Mode (|||99999|)")]
    [InlineData("229 Entering Extended Passive Mode (|x|6446|)")]
    public void AnAddressThatDoesNotParse_GivesNoAddressFields(string line)
    {
        var fields = Collect(line + "\r\n");
        Assert.False(fields.ContainsKey("ftp.passive.port") || fields.ContainsKey("ftp.epsv.port"));
        Assert.True(FtpAddress.IsReply(Encoding.ASCII.GetBytes(line)));
    }

    private static Dictionary<string, List<string>> Collect(string text)
    {
        var visitor = new FieldsByName();
        Ftp.Descriptor.Accept(Encoding.ASCII.GetBytes(text), visitor);
        return visitor.Displayed;
    }
}
