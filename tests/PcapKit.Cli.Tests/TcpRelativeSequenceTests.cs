using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Cli.Tests;

/// <summary>
/// <c>tcp.seq</c>, <c>tcp.ack</c> and <c>tcp.nxtseq</c>, tshark's relative sequence numbers, against tshark's own
/// (<c>Oracle/tcp-relative.tsv</c>, made by <c>Oracle/make-tcp-relative.sh</c> with the corpus oracle's tshark and
/// preferences) for every TCP frame of every corpus capture; and nothing where tshark sees no TCP.
/// </summary>
public sealed class TcpRelativeSequenceTests(ITestOutputHelper output)
{
    private static readonly string[] Fields = ["tcp.seq", "tcp.ack", "tcp.nxtseq"];

    /// <summary>Where we differ from tshark, and why (tshark's choices, not our mistakes).</summary>
    private static readonly Dictionary<(string Capture, long Frame, string Field), string> KnownDifferences = new()
    {
        [("tcpdump__tcp_header_heapoverflow.pcap", 1, "tcp.seq")] = "the capture ends 12 bytes into the TCP header: tshark shows the ports only, we show the numbers that were captured (as tcp.seq_raw)",
        [("tcpdump__tcp_header_heapoverflow.pcap", 1, "tcp.ack")] = "as tcp.seq",
    };

    private static readonly Lazy<Dictionary<string, Dictionary<long, string[]>>> Oracle = new(Load);

    public static TheoryData<string> Captures() => Corpus.CaptureRows();

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void EveryTcpFrame_HasTsharksRelativeSequenceNumbers(string capture)
    {
        Corpus.Require();
        var (exit, text, error) = Cli.Run("fields", Corpus.File(capture), "-e", "frame.number", "-e", Fields[0], "-e", Fields[1], "-e", Fields[2]);
        if (Corpus.IsRejectedByTshark(capture))
        {
            Assert.Equal(1, exit);
            return;
        }

        Assert.True(exit is 0 or 1, error);
        var expected = Oracle.Value.GetValueOrDefault(capture) ?? [];
        var compared = 0;
        var known = 0;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var columns = line.Split('\t');
            var frame = long.Parse(columns[0], System.Globalization.CultureInfo.InvariantCulture);
            var theirs = expected.GetValueOrDefault(frame) ?? ["", "", ""];
            for (var f = 0; f < Fields.Length; f++)
            {
                compared++;
                if (theirs[f] == columns[f + 1])
                {
                    continue;
                }

                Assert.True(KnownDifferences.ContainsKey((capture, frame, Fields[f])), $"{capture}: frame {frame}: {Fields[f]} tshark '{theirs[f]}', ours '{columns[f + 1]}'");
                known++;
            }
        }

        output.WriteLine($"{capture}: {compared} values compared ({expected.Count} TCP frames), {known} known differences");
    }

    [SkippableFact]
    public void TheOracle_CoversThousandsOfSegments_FromConnectionsSeenFromTheirSynAndMidway()
    {
        Corpus.Require();
        var rows = Oracle.Value.SelectMany(c => c.Value.Values).ToList();
        Assert.True(rows.Count > 6000, $"{rows.Count} rows");
        Assert.Contains(rows, r => r[0] == "0" && r[2] == "1");   // a SYN: relative 0, next 1
        Assert.Contains(rows, r => r[0] == "1" && r[1] == "1" && r[2] != "1");   // a connection seen midway starts at 1
    }

    private static Dictionary<string, Dictionary<long, string[]>> Load()
    {
        var path = Path.Combine(Corpus.RepositoryRoot, "tests", "PcapKit.Cli.Tests", "Oracle", "tcp-relative.tsv");
        var table = new Dictionary<string, Dictionary<long, string[]>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var c = line.Split('\t');
            if (!table.TryGetValue(c[0], out var frames))
            {
                table[c[0]] = frames = [];
            }

            frames[long.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture)] = [c[3], c[4], c[5]];
        }

        return table;
    }
}
