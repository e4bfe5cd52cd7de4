using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using PcapKit.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PcapKit.Cli.Tests;

/// <summary><c>pcapkit follow tcp N</c> prints exactly what <c>tshark -q -z follow,tcp,raw,N</c> printed for the corpus.</summary>
public sealed partial class FollowCommandTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EveryFollowedStream_IsPrintedExactlyAsTsharkPrintedIt()
    {
        Corpus.Require();
        var compared = 0;
        var differences = new List<string>();
        foreach (var capture in Corpus.Captures().Where(c => File.Exists(Corpus.File(c) + ".tcpstreams.txt")))
        {
            foreach (var block in File.ReadAllText(Corpus.File(capture) + ".tcpstreams.txt").Split("\n\n"))
            {
                var filter = StreamFilter().Match(block);
                if (!filter.Success)
                {
                    continue;
                }

                var (exit, text, error) = Cli.Run("follow", "tcp", filter.Groups[1].Value, Corpus.File(capture));
                Assert.True(exit == 0, $"{capture} stream {filter.Groups[1].Value}: exit {exit}: {error}");
                if (text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n') != block.Trim('\n'))
                {
                    differences.Add($"{capture}: stream {filter.Groups[1].Value}");
                }

                compared++;
            }
        }

        output.WriteLine($"{compared} streams followed, {differences.Count} different from tshark");
        Assert.Empty(differences);
        Assert.True(compared > 90, $"only {compared} streams compared");
    }

    [SkippableFact]
    public void FieldsExportsTcpStream_AsTsharkNumbersIt()
    {
        Corpus.Require();
        var compared = 0;
        foreach (var capture in Corpus.Captures().Where(c => File.Exists(Corpus.File(c) + ".tcpstreams.txt") && !Corpus.IsRejectedByTshark(c)))
        {
            var (exit, text, error) = Cli.Run("fields", Corpus.File(capture), "-e", "frame.number", "-e", "tcp.stream");
            Assert.True(exit is 0 or 1, $"{capture}: exit {exit}: {error}");
            var table = TsharkTable.For(capture);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var columns = line.TrimEnd('\r').Split('\t');
                var n = int.Parse(columns[0], System.Globalization.CultureInfo.InvariantCulture);
                // Every frame, those without TCP (both empty) and first IP fragments (numbered from their header) included.
                var theirs = table.Get(n, "tcp.stream");
                Assert.True(theirs == columns[1], $"{capture}: frame {n}: tcp.stream {theirs}, ours '{columns[1]}'");
                compared++;
            }
        }

        output.WriteLine($"{compared} frames with tshark's tcp.stream");
        Assert.True(compared > 6500, $"only {compared} frames compared");
    }

    [GeneratedRegex(@"Filter: tcp\.stream eq (\d+)")]
    private static partial Regex StreamFilter();
}
