using System.Collections.Generic;
using System.Text;
using PcapKit.Dissection;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Protocols.Tests;

/// <summary>
/// HTTP/2 frames on one segment (RFC 9113 §4.1, §6), built by hand per the RFC since the corpus has no HTTP/2; the
/// header blocks they carry are decoded on streams (Http2OnStreamsTests, with RFC 7541's examples).
/// </summary>
public sealed class Http2Tests
{
    private const string Preface = "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a";

    [Fact]
    public void ThePrefaceAndEveryFrameType_AreReadAsTheRfcLaysThemOut()
    {
        var fields = Collect(Preface +
            "00000c 04 00 00000000 0001 00000100 0002 00000000" +       // SETTINGS: header table 256, no push
            "00000b 01 2d 00000001 02 80000003 10 828684 0000" +        // HEADERS: END_STREAM, END_HEADERS, PADDED (2), PRIORITY (E, on 3, weight 16)
            "000006 00 09 00000003 03 6869 000000" +                   // DATA: END_STREAM, PADDED (3)
            "000008 06 01 00000000 0102030405060708" +                  // PING ACK
            "000004 03 00 00000005 00000008" +                          // RST_STREAM CANCEL
            "000004 08 00 00000000 00010000" +                          // WINDOW_UPDATE 65536
            "00000a 07 00 00000000 00000005 00000000 6869" +            // GOAWAY last 5, NO_ERROR, debug "hi"
            "000002 fa 00 00000001 abcd");                             // an unknown type
        Assert.Equal(["PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n"], fields["http2.magic"]);   // control bytes as tshark escapes them
        Assert.Equal(["4", "1", "0", "6", "3", "8", "7", "250"], fields["http2.type"]);
        Assert.Equal(["1", "2"], fields["http2.settings.id"]);
        Assert.Equal(["256"], fields["http2.settings.header_table_size"]);
        Assert.Equal(["0"], fields["http2.settings.enable_push"]);
        Assert.Equal(["1", "1"], fields["http2.flags.end_stream"]);
        Assert.Equal(["2", "3"], fields["http2.pad_length"]);
        Assert.Equal(["1"], fields["http2.exclusive"]);
        Assert.Equal(["3"], fields["http2.stream_dependency"]);
        Assert.Equal(["16"], fields["http2.headers.weight"]);
        Assert.Equal(["828684"], fields["http2.headers"]);
        Assert.Equal(["6869"], fields["http2.data.data"]);
        Assert.Equal(["0000", "000000"], fields["http2.data.padding"]);
        Assert.Equal(["0102030405060708"], fields["http2.pong"]);
        Assert.Equal(["8"], fields["http2.rst_stream.error"]);
        Assert.Equal(["65536"], fields["http2.window_update.window_size_increment"]);
        Assert.Equal(["5"], fields["http2.goaway.last_stream_id"]);
        Assert.Equal(["6869"], fields["http2.goaway.addata"]);
        Assert.Equal(["abcd"], fields["http2.unknown"]);
        Assert.False(fields.ContainsKey("http2.incomplete"));
    }

    [Theory]
    [InlineData("000010 00 00 00000001 6869", "a frame that ends in a later segment")]
    [InlineData("0000", "fewer octets than a frame header")]
    [InlineData("000002 00 00 00000001 6869 0000", "a frame header cut by the end of the segment")]
    public void BytesThatAreNotAWholeFrame_AreKeptWithTheReason(string hex, string reason)
    {
        Assert.Equal([reason], Collect(hex)["http2.incomplete"]);
    }

    [Fact]
    public void APaddedFrameWhosePadLengthDoesNotFit_IsKeptAsBytes()
    {
        // §6.1: a pad length at least the payload's length is a PROTOCOL_ERROR.
        var fields = Collect("000002 00 08 00000001 0500");
        Assert.Equal(["0500"], fields["http2.unknown"]);
        Assert.False(fields.ContainsKey("http2.data.data"));
    }

    [Fact]
    public void TheHeuristic_TakesASegmentThatStartsWithThePreface_OnAnyPort()
    {
        var text = Hex.Parse(Preface + "000000 04 00 00000000");
        var bytes = TcpFrames.Around(text, "9c409c41");
        var stack = new LayerStack();
        Packs.Dissector.Dissect(bytes, 1, stack);
        Assert.Equal("ethernet:ipv4:tcp:http2", new Frame(bytes, stack, Packs.Registry).GetChain());
    }

    private static Dictionary<string, List<string>> Collect(string hex)
    {
        var visitor = new FieldsByName();
        Http2.Descriptor.Accept(Hex.Parse(hex), visitor);
        return visitor.Displayed;
    }
}
