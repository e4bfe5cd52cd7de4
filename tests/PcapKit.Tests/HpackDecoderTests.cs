using System;
using System.Collections.Generic;
using System.Linq;
using PcapKit.Net;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Tests;

/// <summary>HPACK (RFC 7541): every example of Appendix C, the Huffman code of Appendix B, and blocks that break the rules.</summary>
public sealed class HpackDecoderTests
{
    private static readonly (string, string)[] Request1 = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")];
    private static readonly (string, string)[] Request2 = [.. Request1, ("cache-control", "no-cache")];
    private static readonly (string, string)[] Request3 = [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")];
    private static readonly (string, string)[] Response1 = [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] Response2 = [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")];
    private static readonly (string, string)[] Response3 =
    [
        (":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
        ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"),
    ];

    [Theory]
    [InlineData("400a637573746f6d2d6b65790d637573746f6d2d686561646572", "custom-key", "custom-header", 55)]   // C.2.1
    [InlineData("040c2f73616d706c652f70617468", ":path", "/sample/path", 0)]                               // C.2.2
    [InlineData("100870617373776f726406736563726574", "password", "secret", 0)]                            // C.2.3
    [InlineData("82", ":method", "GET", 0)]                                                                // C.2.4
    public void C2_TheFourRepresentations(string hex, string name, string value, int tableSize)
    {
        var decoder = new HpackDecoder();
        var headers = new List<KeyValuePair<string, string>>();
        Assert.Null(decoder.Decode(Hex.Parse(hex), headers));
        Assert.Equal([new(name, value)], headers);
        Assert.Equal(tableSize, decoder.TableSize);
    }

    [Theory]
    [InlineData(false)]   // C.3
    [InlineData(true)]    // C.4
    public void C3C4_ThreeRequestsOnOneConnection(bool huffman)
    {
        string[] blocks = huffman
            ? ["828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf", "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"]
            : ["828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865", "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565"];
        var decoder = new HpackDecoder();
        Check(decoder, blocks[0], Request1, tableSize: 57, count: 1);
        Check(decoder, blocks[1], Request2, tableSize: 110, count: 2);
        Check(decoder, blocks[2], Request3, tableSize: 164, count: 3);
    }

    [Theory]
    [InlineData(false)]   // C.5
    [InlineData(true)]    // C.6
    public void C5C6_ThreeResponsesEvictingFromA256OctetTable(bool huffman)
    {
        string[] blocks = huffman
            ?
            [
                "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
                "4883640effc1c0bf",
                "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
            ]
            :
            [
                "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
                "4803333037c1c0bf",
                "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
            ];
        var decoder = new HpackDecoder(256);
        Check(decoder, blocks[0], Response1, tableSize: 222, count: 4);
        Check(decoder, blocks[1], Response2, tableSize: 222, count: 4);   // ":status: 302" evicted
        Check(decoder, blocks[2], Response3, tableSize: 215, count: 3);
    }

    [Fact]
    public void TheHuffmanCode_IsAppendixBs()
    {
        // A few codes of Appendix B, the shortest, the longest and EOS; and the code is complete (Kraft sum 1).
        Assert.Equal((0x0u, 5), HpackHuffman.CodeOf('0'));
        Assert.Equal((0x14u, 6), HpackHuffman.CodeOf(' '));
        Assert.Equal((0x1ff8u, 13), HpackHuffman.CodeOf(0));
        Assert.Equal((0x3ffffffcu, 30), HpackHuffman.CodeOf(10));
        Assert.Equal((0xffffeau, 24), HpackHuffman.CodeOf(9));
        Assert.Equal((0x3fffffffu, 30), HpackHuffman.CodeOf(HpackHuffman.EndOfString));
        var kraft = Enumerable.Range(0, 257).Sum(s => Math.Pow(2, -HpackHuffman.CodeOf(s).Length));
        Assert.Equal(1.0, kraft, 12);
    }

    [Theory]
    [InlineData("80", "index 0 (§6.1)")]
    [InlineData("be", "index 62 beyond the 0 entries of the dynamic table")]
    [InlineData("3fe11f", "a dynamic table size update to 4096 octets, above the 4000 allowed")]
    [InlineData("823f01", "a dynamic table size update after a header field")]
    [InlineData("ff", "an integer cut by the end of the block")]
    [InlineData("ffffffffff0f", "an integer too large (§5.1)")]
    [InlineData("4005616263", "a string literal of 5 octets runs past the end of the block")]
    [InlineData("0081ff0161", "Huffman padding longer than 7 bits (§5.2)")]             // 8 one-bits: longer than 7 bits of padding
    [InlineData("0081180161", "Huffman padding that is not the end-of-string code's first bits (§5.2)")]   // 'a' (00011), then 000
    [InlineData("0084ffffffff0161", "the end-of-string symbol inside a string (§5.2)")]
    public void ABlockThatBreaksTheRules_GivesTheReason_AndTheDecoderStaysFailed(string hex, string reason)
    {
        var decoder = new HpackDecoder(4000);
        var headers = new List<KeyValuePair<string, string>>();
        Assert.Equal(reason, decoder.Decode(Hex.Parse(hex), headers));
        Assert.Equal(reason, decoder.Error);
        Assert.StartsWith("an earlier header block failed", decoder.Decode(Hex.Parse("82"), headers), StringComparison.Ordinal);
    }

    [Fact]
    public void LoweringTheAllowedSize_ShrinksTheTable()
    {
        var decoder = new HpackDecoder();
        var headers = new List<KeyValuePair<string, string>>();
        Assert.Null(decoder.Decode(Hex.Parse("828684410f7777772e6578616d706c652e636f6d"), headers));
        Assert.Equal(57, decoder.TableSize);
        decoder.AllowedTableSize = 40;
        Assert.Equal(0, decoder.TableSize);
        Assert.Equal(40, decoder.MaxTableSize);
    }

    private static void Check(HpackDecoder decoder, string hex, (string Name, string Value)[] expected, int tableSize, int count)
    {
        var headers = new List<KeyValuePair<string, string>>();
        Assert.Null(decoder.Decode(Hex.Parse(hex), headers));
        Assert.Equal(expected.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)), headers);
        Assert.Equal(tableSize, decoder.TableSize);
        Assert.Equal(count, decoder.TableCount);
    }
}

/// <summary>HPACK on hostile input: seeded mutations of Appendix C's blocks never throw and never read past the block.</summary>
public sealed class HpackDecoderFuzzTests
{
    [Fact]
    public void SeededMutationsOfTheAppendixCBlocks_NeverThrow()
    {
        string[] blocks =
        [
            "828684418cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf", "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
            "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
            "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
        ];
        var random = new Random(20261126);
        var headers = new List<KeyValuePair<string, string>>();
        var failures = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var block = Hex.Parse(blocks[random.Next(blocks.Length)]);
            for (var edits = 1 + random.Next(3); edits > 0; edits--)
            {
                block[random.Next(block.Length)] = (byte)random.Next(256);
            }

            var decoder = new HpackDecoder(random.Next(2) == 0 ? 256 : 4096);
            headers.Clear();
            if (decoder.Decode(block.AsSpan(0, random.Next(block.Length + 1)), headers) is not null)
            {
                failures++;
            }

            Assert.InRange(decoder.TableSize, 0, decoder.MaxTableSize);
        }

        Assert.InRange(failures, 1, 99_999);   // both outcomes were reached
    }
}
