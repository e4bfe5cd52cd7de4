using System;
using System.Collections.Generic;
using System.Linq;
using PcapKit.Reassembly;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Integration.Tests;

/// <summary>
/// HTTP/2 on reassembled streams (RFC 9113) with HPACK per direction (RFC 7541): the header blocks of RFC 7541 Appendix
/// C.3 (requests) and C.5 (responses, with the client's SETTINGS_HEADER_TABLE_SIZE of 256) sent as frames split across
/// segments, with CONTINUATION, padding, priority and PUSH_PROMISE; and the ways a connection stops being readable.
/// </summary>
public sealed class Http2OnStreamsTests
{
    private static readonly Net.FiveTuple ClientTuple = Net.FiveTuple.ForIpv4(new Net.Ipv4Address(0x0A000001), new Net.Ipv4Address(0x0A000002), 6, 40000, 8080);
    private static readonly Net.FiveTuple ServerTuple = new(4, ClientTuple.Destination, ClientTuple.Source, 6, 8080, 40000);

    private const string Request1 = "828684410f7777772e6578616d706c652e636f6d";
    private const string Request2 = "828684be58086e6f2d6361636865";
    private const string Request3 = "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565";
    private const string Response1 = "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d";
    private const string Response2 = "4803333037c1c0bf";
    private const string Response3 = "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31";

    [Fact]
    public void TheAppendixCExchanges_AreDecodedWithEachDirectionsTable()
    {
        var blocks = new List<Http2HeaderBlock>();
        var session = new Session(new Http2StreamParser(blocks.Add));
        var preface = Convert.ToHexString(Net.Http2Frame.ClientPreface);
        var clientHello = preface + Frame(4, 0, 0, "0001 00000100") + Frame(1, 0x05, 1, Request1);
        session.Client(clientHello[..70]);                                             // the preface and a frame split anywhere
        session.Client(clientHello[70..]);
        session.Server(Frame(4, 0, 0, "") + Frame(4, 0x01, 0, "") + Frame(1, 0x04, 1, Response1) + Frame(0, 0x01, 1, "68656c6c6f"));
        session.Client(Frame(1, 0x01, 3, Request2[..10]) + Frame(9, 0x04, 3, Request2[10..]));                       // HEADERS + CONTINUATION
        session.Client(Frame(1, 0x2D, 5, "03" + "80000003" + "10" + Request3 + "000000"));                          // padded, with priority
        session.Server(Frame(1, 0x04, 3, Response2) + Frame(5, 0x04, 3, "00000002" + "82040c2f73616d706c652f70617468"));
        session.Server(Frame(1, 0x05, 5, Response3));
        session.Close();

        Assert.Equal(7, blocks.Count);
        Assert.All(blocks, b => Assert.Null(b.Error));
        var requests = blocks.Where(b => b.Direction == 0).ToList();
        Assert.Equal([1u, 3u, 5u], requests.Select(b => b.StreamId));
        Assert.Equal(["www.example.com", "www.example.com", "www.example.com"], requests.Select(b => b.Header(":authority")));
        Assert.Equal("no-cache", requests[1].Header("cache-control"));
        Assert.Equal(("/index.html", "custom-value"), (requests[2].Header(":path"), requests[2].Header("custom-key")));
        Assert.True(requests[0].EndStream);
        var responses = blocks.Where(b => b.Direction == 1 && b.FrameType == 1).ToList();
        Assert.Equal(["302", "307", "200"], responses.Select(b => b.Header(":status")));
        Assert.Equal("foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1", responses[2].Header("set-cookie"));
        var push = Assert.Single(blocks, b => b.FrameType == 5);
        Assert.Equal((3u, 2u, "/sample/path", true), (push.StreamId, push.PromisedStreamId, push.Header(":path"), push.IsRequest));
    }

    [Fact]
    public void AConnectionWithoutThePreface_IsLeftAlone()
    {
        var blocks = new List<Http2HeaderBlock>();
        var session = new Session(new Http2StreamParser(blocks.Add));
        session.Client(Convert.ToHexString("GET / HTTP/1.1\r\n\r\n"u8));
        session.Server(Frame(1, 0x04, 1, Response1));
        session.Close();
        Assert.Empty(blocks);
    }

    [Theory]
    [InlineData("80", "index 0 (§6.1)")]                                                                    // HPACK error
    [InlineData(null, "a frame inside stream 1's header block")]                                           // DATA between HEADERS and CONTINUATION
    public void ABlockThatCannotBeRead_IsReported_AndTheDirectionStops(string? block, string error)
    {
        var blocks = new List<Http2HeaderBlock>();
        var session = new Session(new Http2StreamParser(blocks.Add));
        var first = block is null ? Frame(1, 0x00, 1, Request1[..6]) + Frame(0, 0x00, 1, "00") : Frame(1, 0x04, 1, block);
        session.Client(Convert.ToHexString(Net.Http2Frame.ClientPreface) + first + Frame(1, 0x04, 3, Request1));
        session.Close();
        var only = Assert.Single(blocks);
        Assert.Contains(error, only.Error, StringComparison.Ordinal);
        Assert.Equal(1u, only.StreamId);
    }

    private static string Frame(byte type, byte flags, uint stream, string payloadHex)
    {
        var payload = Hex.Parse(payloadHex);
        return Convert.ToHexString([(byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, type, flags,
            (byte)(stream >> 24), (byte)(stream >> 16), (byte)(stream >> 8), (byte)stream, .. payload]);
    }

    /// <summary>A TCP connection fed segment by segment to a reassembler.</summary>
    private sealed class Session
    {
        private readonly TcpReassembler _tcp;
        private long _frame;
        private uint _client = 1000;
        private uint _server = 5000;

        public Session(ITcpStreamHandler handler)
        {
            _tcp = new TcpReassembler(null, handler);
            Send(ClientTuple, ref _client, [], 0x02);
            Send(ServerTuple, ref _server, [], 0x12);
        }

        public void Client(string hex) => Send(ClientTuple, ref _client, Hex.Parse(hex), 0x18);

        public void Server(string hex) => Send(ServerTuple, ref _server, Hex.Parse(hex), 0x18);

        public void Close()
        {
            Send(ClientTuple, ref _client, [], 0x11);
            Send(ServerTuple, ref _server, [], 0x11);
            _tcp.Finish();
        }

        private void Send(Net.FiveTuple from, ref uint seq, byte[] bytes, ushort flags)
        {
            _tcp.AddSegment(from, flags, seq, 0, bytes, 0, ++_frame, _frame);
            seq += (uint)bytes.Length + ((flags & 0x03) != 0 ? 1u : 0u);
        }
    }
}

/// <summary>The stream parsers on hostile bytes: seeded random streams never throw.</summary>
public sealed class StreamParserFuzzTests
{
    [Fact]
    public void RandomStreamsAfterThePreface_AndRandomControlLines_NeverThrow()
    {
        var random = new Random(20261126);
        var blocks = 0;
        var failed = 0;
        var data = 0;
        for (var connection = 0; connection < 2_000; connection++)
        {
            var tcp = new TcpReassembler(null, new Http2StreamParser(b => { blocks++; failed += b.Error is null ? 0 : 1; }, new FtpDataTracker(_ => data++)));
            var port = (ushort)(random.Next(2) == 0 ? 21 : 8080);
            var client = Net.FiveTuple.ForIpv4(new Net.Ipv4Address(0x0A000001), new Net.Ipv4Address(0x0A000002), 6, 40000, port);
            var server = new Net.FiveTuple(4, client.Destination, client.Source, 6, port, 40000);
            uint c = 1, s = 1;
            long frame = 0;
            tcp.AddSegment(client, 0x02, c++, 0, [], 0, ++frame, frame);
            tcp.AddSegment(server, 0x12, s++, 0, [], 0, ++frame, frame);
            var first = true;
            for (var segment = 0; segment < 8; segment++)
            {
                var bytes = new byte[random.Next(1, 200)];
                random.NextBytes(bytes);
                if (port == 8080)
                {
                    // Frames with random types, flags, streams and payloads of plausible lengths, cut anywhere.
                    var frames = new List<byte>(first ? Net.Http2Frame.ClientPreface.ToArray() : []);
                    for (var f = random.Next(1, 6); f > 0; f--)
                    {
                        var payload = new byte[random.Next(0, 40)];
                        random.NextBytes(payload);
                        frames.AddRange([0, 0, (byte)payload.Length, (byte)random.Next(11), (byte)random.Next(256), 0, 0, 0, (byte)random.Next(4)]);
                        frames.AddRange(payload);
                    }

                    bytes = [.. frames.Take(random.Next(frames.Count / 2, frames.Count + 1))];
                }
                else if (port == 21 && random.Next(2) == 0)
                {
                    bytes = System.Text.Encoding.ASCII.GetBytes(random.Next(2) == 0 ? "227 (1,2,3,4," + random.Next(300) + ",9)\r\n" : "EPRT |" + random.Next(3) + "|::1|" + random.Next(70000) + "|\r\n");
                }

                first = false;
                var toClient = random.Next(2) == 0;
                tcp.AddSegment(toClient ? server : client, 0x18, toClient ? s : c, 0, bytes, 0, ++frame, frame);
                if (toClient)
                {
                    s += (uint)bytes.Length;
                }
                else
                {
                    c += (uint)bytes.Length;
                }
            }

            tcp.Finish();
        }

        // Fixed seed: the streams reach header blocks, most of which HPACK rejects (random octets) and some it decodes;
        // no data connection is associated, since no later connection goes to an announced endpoint.
        Assert.InRange(blocks, 100, int.MaxValue);
        Assert.InRange(failed, 1, blocks - 1);
        Assert.Equal(0, data);
    }
}
