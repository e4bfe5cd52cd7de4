using System.Collections.Generic;
using System.Text;
using PcapKit.Dissection;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>HTTP/1.x on one segment (RFC 9112 §2–§5) and SSDP; the corpus oracle holds 2,900 HTTP frames to tshark.</summary>
public sealed class HttpTests
{
    [Fact]
    public void ARequest_GivesItsStartLineAndTheHeaderFieldsTsharkNames()
    {
        var fields = Collect(Http.Descriptor, "GET /search?q=pcap HTTP/1.1\r\nHost: example.com\r\nuser-agent: curl/8.5\r\nX-Other: 1\r\nAccept:  */*\r\n\r\nbody");
        Assert.Equal(["GET"], fields["http.request.method"]);
        Assert.Equal(["/search?q=pcap"], fields["http.request.uri"]);
        Assert.Equal(["HTTP/1.1"], fields["http.request.version"]);
        Assert.Equal(["example.com"], fields["http.host"]);
        Assert.Equal(["curl/8.5"], fields["http.user_agent"]);   // field names compare case-insensitively (RFC 9110 §5.1)
        Assert.Equal(["*/*"], fields["http.accept"]);
        Assert.False(fields.ContainsKey("http.response.code"));
    }

    [Fact]
    public void AResponse_GivesVersionCodeAndPhrase()
    {
        var fields = Collect(Http.Descriptor, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\r\n");
        Assert.Equal(["HTTP/1.1"], fields["http.response.version"]);
        Assert.Equal(["404"], fields["http.response.code"]);
        Assert.Equal(["Not Found"], fields["http.response.phrase"]);
        Assert.Equal(["0"], fields["http.content_length_header"]);
        Assert.Equal(["text/plain; charset=\"utf-8\""], fields["http.content_type"]);   // quotes as they are, as tshark -T fields prints them
    }

    [Fact]
    public void EveryHeaderLine_IsKeptInOrder_AsTsharksRequestLines()
    {
        // RFC 9110 §5.3: a field name may repeat; the lines keep them all, in order, with their CRLF (tshark's http.request.line).
        var fields = Collect(Http.Descriptor, "GET / HTTP/1.1\r\nHost: a\r\nAccept: x\r\nX-Tag: 1\r\nX-Tag: 2\r\n\r\nbody");
        Assert.Equal(["Host: a\\r\\n", "Accept: x\\r\\n", "X-Tag: 1\\r\\n", "X-Tag: 2\\r\\n"], fields["http.request.line"]);
        Assert.False(fields.ContainsKey("http.response.line"));
        var response = Collect(Http.Descriptor, "HTTP/1.1 204 No Content\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n");
        Assert.Equal(["Set-Cookie: a=1\\r\\n", "Set-Cookie: b=2\\r\\n"], response["http.response.line"]);
    }

    [Theory]
    [InlineData("\r\n\r\n0123456789")]            // body bytes
    [InlineData("HTTP/1.1 20")]                  // not a status line
    [InlineData("GETS / HTTP/1.1\r\n")]          // not a method
    [InlineData("")]
    public void AContinuation_HasNoFields(string text)
    {
        Assert.Empty(Collect(Http.Descriptor, text));
    }

    [Fact]
    public void AStartLineCutByTheSegment_IsShownAsFarAsItGoes()
    {
        var fields = Collect(Http.Descriptor, "GET /a/very/long/path");
        Assert.Equal(["GET"], fields["http.request.method"]);
        Assert.Equal(["/a/very/long/path"], fields["http.request.uri"]);
        Assert.False(fields.ContainsKey("http.request.version"));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true, "ethernet:ipv4:tcp:http")]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", true, "ethernet:ipv4:tcp:http")]
    [InlineData("GET / HTTP/1.1\r\n\r\n", false, "ethernet:ipv4:tcp")]   // heuristics off
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n", true, "ethernet:ipv4:tcp")]     // not HTTP: stays payload
    public void OnAnUnregisteredPort_TheHeuristicTakesASegmentThatStartsAMessage(string payload, bool heuristics, string chain)
    {
        // Ports 40000 and 40001: in no table, so only the heuristics in tcp.port can claim the payload.
        var text = Encoding.ASCII.GetBytes(payload);
        var bytes = TcpFrames.Around(text, "9c409c41");
        var dissector = new Dissector(Packs.Registry, new DissectorOptions { Heuristics = heuristics });
        var stack = new LayerStack();
        dissector.Dissect(bytes, 1, stack);
        Assert.Equal(chain, new Frame(bytes, stack, Packs.Registry).GetChain());
        Assert.Contains(Packs.Registry.GetHeuristics("tcp.port"), p => p.Name == "http");
    }

    [Fact]
    public void Ssdp_IsHttpOverUdp_WithHttpsFields()
    {
        var fields = Collect(Ssdp.Descriptor, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n\r\n");
        Assert.Equal(["M-SEARCH"], fields["http.request.method"]);
        Assert.Equal(["*"], fields["http.request.uri"]);
        Assert.Equal(["239.255.255.250:1900"], fields["http.host"]);
    }

    private static Dictionary<string, List<string>> Collect(ProtocolDescriptor protocol, string text)
    {
        var visitor = new FieldsByName();
        protocol.Accept(Encoding.ASCII.GetBytes(text), visitor);
        visitor.Displayed.Remove("http.message");
        return visitor.Displayed;
    }
}
