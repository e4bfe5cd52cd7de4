using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using PcapKit.Capture;
using PcapKit.Extraction;
using PcapKit.Flows;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Integration.Tests;

/// <summary>PyPCAPKit's TCP trace: flows and labels against the tshark oracle, and files that hold exactly their frames.</summary>
public sealed class TcpTraceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-trace-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Flows_AreThoseComputedFromTsharksFields(bool bidirectional)
    {
        // Independently of the trace: PyPCAPKit's rules run over the tshark oracle's columns — a directional (or
        // ordered) key; a SYN (bidirectional: without ACK) restarts a flow; a FIN ends it (bidirectional: both FINs or
        // a RST); the label is the first segment's sender, ports and time as Python prints it.
        Corpus.Require();
        var checkedFlows = 0;
        foreach (var capture in Corpus.Captures().Where(c => !Corpus.IsRejectedByTshark(c)))
        {
            var table = TsharkTable.For(capture);
            var expected = Expected(table, bidirectional);
            if (expected is null)
            {
                continue; // TCP the columns cannot place (fragments, tunnels, cut headers): checked by the file test.
            }

            var result = Trace(capture, OutputFormat.Pcap, bidirectional);
            var ours = result.Flows.Select(f => f.Label + " " + string.Join(',', f.Frames)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Order(StringComparer.Ordinal), ours);
            checkedFlows += ours.Count;
        }

        output.WriteLine($"{checkedFlows} flows as computed from tshark's fields");
        Assert.True(checkedFlows > 500, $"only {checkedFlows} flows compared");
    }

    [SkippableFact]
    public void EveryFormat_HoldsEachFlowsFramesAndNothingElse()
    {
        Corpus.Require();
        var files = 0;
        foreach (var capture in Corpus.Captures().Where(c => !Corpus.IsRejectedByTshark(c)).Take(30))
        {
            var input = CaptureRecords.Read(Corpus.File(capture));
            foreach (var format in new[] { OutputFormat.Pcap, OutputFormat.Json, OutputFormat.Tree, OutputFormat.Plist })
            {
                var folder = Path.Combine(_folder, capture + "-" + format);
                var result = Trace(capture, format, bidirectional: false, folder);
                var all = result.Flows.SelectMany(f => f.Frames).ToList();
                Assert.Equal(all.Count, all.Distinct().Count());
                Assert.Equal(result.Segments, all.Count);
                Assert.Equal(result.Flows.Count, Directory.GetFiles(folder).Length);
                foreach (var flow in result.Flows)
                {
                    var path = Path.Combine(folder, flow.File);
                    var numbers = flow.Frames.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList();
                    switch (format)
                    {
                        case OutputFormat.Pcap:
                            Assert.Equal(flow.Frames.Select(n => input[(int)n - 1]), CaptureRecords.Read(path));
                            break;
                        case OutputFormat.Json:
                            using (var json = JsonDocument.Parse(File.ReadAllBytes(path)))
                            {
                                Assert.Equal(numbers.Select(n => "Frame " + n), json.RootElement.EnumerateObject().Select(p => p.Name));
                                Assert.Equal(numbers, json.RootElement.EnumerateObject().Select(p => p.Value.GetProperty("number").GetRawText()));
                            }

                            break;
                        case OutputFormat.Plist:
                            var dict = XDocument.Load(path).Root!.Element("dict")!;
                            Assert.Equal(numbers.Select(n => "Frame " + n), dict.Elements("key").Select(k => k.Value));
                            Assert.Equal(numbers.Count, dict.Elements("dict").Count());
                            break;
                        default:
                            Assert.Equal(numbers.Select(n => "Frame " + n), File.ReadLines(path).Where(l => l.StartsWith("Frame ", StringComparison.Ordinal)));
                            break;
                    }

                    files++;
                }
            }
        }

        output.WriteLine($"{files} trace files checked");
        Assert.True(files > 200, $"only {files} trace files checked");
    }

    [SkippableFact]
    public void TheExtractorRunsTheTrace_InTheSamePassAsItsOutput()
    {
        Corpus.Require();
        var json = Path.Combine(_folder, "out.json");
        var folder = Path.Combine(_folder, "trace");
        using var extractor = new Extractor(new ExtractionOptions
        {
            InputPath = Corpus.File("ppp__650HttpResponses.pcap"),
            OutputPath = json,
            Registry = Packs.Registry,
            Trace = new TcpTraceOptions { OutputDirectory = folder, Format = OutputFormat.Json, Bidirectional = true },
        });
        var result = extractor.Run();
        var trace = Assert.IsType<TcpTraceResult>(result.Trace);
        Assert.NotEmpty(trace.Flows);
        Assert.All(trace.Flows, f => Assert.True(File.Exists(Path.Combine(folder, f.File)), f.File));
        Assert.Empty(Directory.GetFiles(folder, "*.partial"));
        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.Equal(result.Summary.Frames, document.RootElement.GetProperty("frames").GetArrayLength());
    }

    /// <summary>PyPCAPKit's trace over the tshark columns; null when a TCP frame cannot be placed from them.</summary>
    private static List<string>? Expected(TsharkTable table, bool bidirectional)
    {
        var open = new Dictionary<string, (string Label, List<int> Frames, string First, bool FinForward, bool FinBackward)>(StringComparer.Ordinal);
        var done = new List<string>();
        for (var n = 1; n <= table.Count; n++)
        {
            var sport = table.Get(n, "tcp.srcport");
            if (sport.Length == 0)
            {
                continue;
            }

            var src = table.Get(n, "ip.src") + table.Get(n, "ipv6.src");
            var dst = table.Get(n, "ip.dst") + table.Get(n, "ipv6.dst");
            var dport = table.Get(n, "tcp.dstport");
            if (src.Contains(',', StringComparison.Ordinal) || sport.Contains(',', StringComparison.Ordinal) || table.Get(n, "tcp.flags").Length == 0 ||
                table.Get(n, "ip.flags.mf") == "1" || (table.Get(n, "ip.frag_offset") is { Length: > 0 } offset && offset != "0") ||
                table.Get(n, "ipv6.fraghdr.ident").Length > 0 || table.Get(n, "frame.time_epoch").Length == 0)
            {
                return null;
            }

            var flags = Convert.ToUInt32(table.Get(n, "tcp.flags"), 16);
            var from = src + "_" + sport;
            var to = dst + "_" + dport;
            var key = !bidirectional || string.CompareOrdinal(from, to) < 0 ? from + "-" + to : to + "-" + from;
            if (open.TryGetValue(key, out var flow) && (flags & 0x02) != 0 && (!bidirectional || (flags & 0x10) == 0))
            {
                done.Add(flow.Label + " " + string.Join(',', flow.Frames));
                open.Remove(key);
            }

            if (!open.TryGetValue(key, out flow))
            {
                var time = table.Get(n, "frame.time_epoch").TrimEnd('0');
                flow = ($"{from}-{to}-{(time.EndsWith('.') ? time + "0" : time)}", [], from, false, false);
            }

            flow.Frames.Add(n);
            var end = false;
            if (!bidirectional)
            {
                end = (flags & 0x01) != 0;
            }
            else if ((flags & 0x04) != 0)
            {
                end = true;
            }
            else if ((flags & 0x01) != 0)
            {
                flow.FinForward |= from == flow.First;
                flow.FinBackward |= from != flow.First;
                end = flow.FinForward && flow.FinBackward;
            }

            open[key] = flow;
            if (end)
            {
                done.Add(flow.Label + " " + string.Join(',', flow.Frames));
                open.Remove(key);
            }
        }

        done.AddRange(open.Values.Select(f => f.Label + " " + string.Join(',', f.Frames)));
        return done;
    }

    private TcpTraceResult Trace(string capture, OutputFormat format, bool bidirectional, string? folder = null)
    {
        folder ??= Path.Combine(_folder, capture + (bidirectional ? "-both" : "-one"));
        using var trace = new TcpTrace(new TcpTraceOptions { OutputDirectory = folder, Format = format, Bidirectional = bidirectional });
        using var extractor = new Extractor(new ExtractionOptions { InputPath = Corpus.File(capture), Registry = Packs.Registry, NoFile = true, Consumers = [trace] });
        try
        {
            extractor.Run();
        }
        catch (InvalidDataException)
        {
            // A capture that ends damaged: the trace holds every segment before it.
        }

        return trace.Finish();
    }
}
