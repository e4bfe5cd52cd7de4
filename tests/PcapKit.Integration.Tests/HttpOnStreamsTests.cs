using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PcapKit.Extraction;
using PcapKit.Reassembly;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>HTTP/1.x messages parsed from reassembled TCP streams, against tshark's (with its TCP reassembly).</summary>
public sealed class HttpOnStreamsTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EveryHttpMessage_AgreesWithTshark()
    {
        Corpus.Require();
        int same = 0;
        var failures = new List<string>();
        foreach (var capture in Corpus.Captures().Where(c => File.Exists(Corpus.File(c) + ".http.tsv")))
        {
            var messages = new List<HttpMessage>();
            using (var extractor = new Extractor(new ExtractionOptions
            {
                InputPath = Corpus.File(capture),
                Registry = Packs.Registry,
                NoFile = true,
                ReassembleIp = true,
                ReassembleTcp = true,
                TcpStreamHandler = new HttpStreamParser(messages.Add),
            }))
            {
                try
                {
                    extractor.Run();
                }
                catch (InvalidDataException)
                {
                    // Damaged at the end: the messages before it count.
                }
            }

            // tshark lists a message once its body is whole (a body up to the connection's end: once the sender closed), and
            // with what it has when the capture cut the header section.
            var ours = messages.Where(m => m.Complete || m.Framing == "cut").Select(Line).ToList();
            var table = TsharkTable.ForFile(Corpus.File(capture) + ".http.tsv");
            var theirs = Enumerable.Range(1, table.Count)
                .Where(n => table.Get(n, "http.request.method").Length > 0 || table.Get(n, "http.response.version").Length > 0) // not continuation rows
                .Select(n => string.Join('|', table.Columns.Select(c => table.Get(n, c)))).ToList();
            foreach (var line in theirs)
            {
                if (ours.Remove(line))
                {
                    same++;
                }
                else
                {
                    failures.Add($"{capture}: tshark's {line} not ours");
                }
            }

            failures.AddRange(ours.Select(l => $"{capture}: ours {l} not tshark's"));
        }

        foreach (var f in failures.Take(30))
        {
            output.WriteLine(f);
        }

        output.WriteLine($"{same} HTTP messages agree with tshark, {failures.Count} differences");

        // Where tshark's desegmentation gives up and ours does not: in ppp__many-protocols.pcap the 302 of stream 90
        // ends with a segment that arrives after the server's FIN (frames 2598, 2599), and the 200 of stream 105 comes
        // after segments tshark takes as continuations of an earlier body; tshark lists neither, we complete both.
        // Any other difference fails.
        string[] known =
        [
            "ppp__many-protocols.pcap: ours 2599|90|||||HTTP/1.1|302|Found|",
            "ppp__many-protocols.pcap: ours 3009|105|||||HTTP/1.1|200|OK|",
        ];
        Assert.DoesNotContain(failures, f => !known.Any(k => f.StartsWith(k, StringComparison.Ordinal)));
        Assert.True(same > 700, $"only {same} messages compared");
    }

    /// <summary>A message in the oracle's columns: frame, stream, request line and host, or status line, length and type.</summary>
    private static string Line(HttpMessage m) => string.Join('|',
        m.Frame.ToString(CultureInfo.InvariantCulture), m.Stream.ToString(CultureInfo.InvariantCulture),
        m.Method ?? string.Empty, m.Uri ?? string.Empty, m.IsRequest ? m.Version : string.Empty, m.IsRequest ? m.Header("Host") ?? string.Empty : string.Empty,
        m.IsRequest ? string.Empty : m.Version, m.IsRequest ? string.Empty : m.StatusCode.ToString(CultureInfo.InvariantCulture), m.Phrase ?? string.Empty,
        m.Header("Content-Length") ?? string.Empty, m.Header("Content-Type") ?? string.Empty);
}

/// <summary>HTTP framing on streams made in the test: pipelining, chunked bodies split anywhere, HEAD, bodies up to the close.</summary>
public sealed class HttpFramingTests
{
    private static readonly Net.FiveTuple Client = Net.FiveTuple.ForIpv4(new Net.Ipv4Address(0x0A000001), new Net.Ipv4Address(0x0A000002), 6, 40000, 80);
    private static readonly Net.FiveTuple Server = new(4, Client.Destination, Client.Source, 6, 80, 40000);

    [Fact]
    public void PipelinedRequests_ChunkedAndHeadResponses_AndABodyUpToTheClose()
    {
        var messages = new List<HttpMessage>();
        var tcp = new TcpReassembler(null, new HttpStreamParser(messages.Add));
        var frame = 0L;
        uint c = 1000, s = 5000;
        void Send(Net.FiveTuple from, ref uint seq, string text, ushort flags = 0x18)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(text);
            tcp.AddSegment(from, flags, seq, 0, bytes, 0, ++frame, frame);
            seq += (uint)bytes.Length + ((flags & 0x03) != 0 ? 1u : 0u);
        }

        Send(Client, ref c, "", 0x02);
        Send(Server, ref s, "", 0x12);
        Send(Client, ref c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.0\r\n\r\n");
        Send(Server, ref s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
        Send(Server, ref s, "lo\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
        Send(Server, ref s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");                // HEAD: no body despite the length
        Send(Server, ref s, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
        Send(Server, ref s, "", 0x11);                                                          // FIN
        tcp.Finish();

        Assert.Equal(6, messages.Count);
        Assert.Equal(["/a", "/b", "/c"], messages.Where(m => m.IsRequest).Select(m => m.Uri));
        var responses = messages.Where(m => !m.IsRequest).ToList();
        Assert.Equal(("chunked", 11L, true), (responses[0].Framing, responses[0].BodyLength, responses[0].Complete));
        Assert.Equal(("none", 0L, true), (responses[1].Framing, responses[1].BodyLength, responses[1].Complete));
        Assert.Equal(("close", 13L, true), (responses[2].Framing, responses[2].BodyLength, responses[2].Complete));
        Assert.Equal(8, responses[2].Frame); // the FIN's frame ends a body delimited by the close
        Assert.Equal("text/plain", responses[2].Header("content-type"));
    }
}
