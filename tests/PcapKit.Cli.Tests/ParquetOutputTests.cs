using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Parquet.Schema;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Cli.Tests;

/// <summary>
/// <c>pcapkit fields -T parquet</c> and <c>pcapkit flows --parquet-index</c>: the Parquet files are read back with
/// Parquet.Net and compared cell by cell with <c>pcapkit fields</c>' text output and <c>flows.csv</c>.
/// </summary>
public sealed class ParquetOutputTests : IDisposable
{
    /// <summary>A field of every column type: integers printed in hex and decimal, a signed integer, flags, addresses, text, times.</summary>
    private static readonly string[] Fields =
    [
        "frame.number", "frame.time_epoch", "frame.time_relative", "frame.time_delta", "frame.len", "frame.cap_len",
        "frame.interface_id", "frame.protocols", "tcp.stream", "tcp.seq", "tcp.ack", "tcp.nxtseq", "eth.src", "vlan.id", "ip.src", "ip.id", "ip.ttl",
        "ip.flags.df", "ip.frag_offset", "ipv6.src", "ipv6.flow", "tcp.srcport", "tcp.flags", "tcp.options.mss_val",
        "udp.dstport", "icmp.type", "icmp.pref_level", "dns.qry.name", "dns.a", "dns.flags.response", "http.request.method", "http.host",
        "ntp.reftime", "tls.handshake.extensions_server_name",
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pcapkit-parquet-" + Guid.NewGuid().ToString("N"));

    public ParquetOutputTests() => Directory.CreateDirectory(_folder);

    public static TheoryData<string> Captures() => Corpus.CaptureRows();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TheSampleCapture_AgreesWithTextOutput_CellByCell()
    {
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        var rows = AssertParquetEqualsText(sample, "sample", rowGroupSize: 64);
        Assert.True(rows > 64, "the sample spans several row groups");
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void EveryCorpusFile_AgreesWithTextOutput_CellByCell(string capture)
    {
        Corpus.Require();
        AssertParquetEqualsText(Corpus.File(capture), capture, rowGroupSize: 1000);
    }

    [Fact]
    public void ColumnsAreTyped()
    {
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        var path = Path.Combine(_folder, "typed.parquet");
        var (exit, _, error) = Cli.Run(["fields", sample, "-T", "parquet", "-o", path, .. Fields.SelectMany(f => new[] { "-e", f })]);
        Assert.True(exit == 0, error);
        var table = ParquetTable.Read(path);
        Assert.Equal(typeof(long), Data("frame.number").ClrType);
        Assert.Equal(typeof(DateTime), Data("frame.time_epoch").ClrType);
        Assert.Equal(typeof(decimal), Data("frame.time_relative").ClrType);
        Assert.Equal(typeof(long), Data("tcp.stream").ClrType);
        Assert.Equal(typeof(long), Data("tcp.seq").ClrType);
        Assert.True(IsText(Data("frame.protocols")));
        Assert.Equal(typeof(long), Data("ip.id").ClrType);
        Assert.Equal(typeof(long), Data("tcp.srcport").ClrType);
        Assert.Equal(typeof(long), Data("icmp.pref_level").ClrType); // signed (ppp__IcmpPackets.pcap has -2147483648)
        Assert.Equal(typeof(bool), Data("ip.flags.df").ClrType);
        Assert.True(IsText(Data("ip.src")));
        Assert.True(IsText(Data("ntp.reftime")));
        Assert.IsType<ListField>(table.Field("ip.src"));
        Assert.IsType<DataField>(table.Field("frame.number"), exactMatch: false);

        static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

        DataField Data(string name) => table.Schema.DataFields[table.Schema.Fields.ToList().FindIndex(f => f.Name == name)];
    }

    [Fact]
    public void OccurrenceFirstOrLast_MakesPlainColumns_WithThatOccurrence()
    {
        // An IP-in-IP packet has two ip.src: the outer and the inner.
        var capture = Path.Combine(_folder, "ipip.pcap");
        File.WriteAllBytes(capture, Pcap(Hex.Parse(
            "4500003c000100004004" + "0000" + "0a000001" + "0a000002" +
            "45000028000200004011" + "0000" + "c0a80001" + "c0a80002" +
            "003500350014" + "0000" + "000000000000000000000000")));
        foreach (var (setting, expected) in new[] { ("occurrence=f", "10.0.0.1"), ("occurrence=l", "192.168.0.1") })
        {
            var path = Path.Combine(_folder, setting + ".parquet");
            var (exit, _, error) = Cli.Run("fields", capture, "-e", "ip.src", "-E", setting, "-T", "parquet", "-o", path);
            Assert.True(exit == 0, error);
            var table = ParquetTable.Read(path);
            Assert.IsType<DataField>(table.Field("ip.src"), exactMatch: false);
            Assert.Equal(expected, Assert.Single(Assert.Single(table.Columns["ip.src"])));
        }

        var all = Path.Combine(_folder, "all.parquet");
        Assert.Equal(0, Cli.Run("fields", capture, "-e", "ip.src", "-T", "parquet", "-o", all).Exit);
        Assert.Equal(["10.0.0.1", "192.168.0.1"], Assert.Single(ParquetTable.Read(all).Columns["ip.src"]));
    }

    [Fact]
    public void AFolderOfCaptures_BecomesADataset_WithTheCaptureNamed_AndDamageReported()
    {
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        var input = Path.Combine(_folder, "in");
        Directory.CreateDirectory(Path.Combine(input, "day2"));
        File.Copy(sample, Path.Combine(input, "a.pcap"));
        File.Copy(sample, Path.Combine(input, "day2", "b.pcap"));
        File.WriteAllText(Path.Combine(input, "notes.txt"), "not a capture");
        File.WriteAllBytes(Path.Combine(input, "empty.pcap"), []);
        var bytes = File.ReadAllBytes(sample);
        File.WriteAllBytes(Path.Combine(input, "cut.pcap"), bytes[..(bytes.Length - 10)]);
        var textRows = Cli.Run("fields", sample, "-e", "frame.number").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

        var output = Path.Combine(_folder, "dataset");
        var (exit, _, error) = Cli.Run("fields", input, "-e", "frame.number", "-e", "ip.src", "-T", "parquet", "-o", output, "--threads", "2");

        Assert.Equal(1, exit);
        Assert.Contains("cut.pcap: the file is cut short at byte offset", error, StringComparison.Ordinal);
        Assert.Contains("skipped notes.txt: not a pcap or pcapng file", error, StringComparison.Ordinal);
        Assert.Contains("skipped empty.pcap: an empty file", error, StringComparison.Ordinal);
        Assert.Equal(
            ["a.pcap.parquet", "cut.pcap.parquet", Path.Combine("day2", "b.pcap.parquet")],
            Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(output, p)).Order(StringComparer.Ordinal));
        var b = ParquetTable.Read(Path.Combine(output, "day2", "b.pcap.parquet"));
        Assert.Equal(textRows, b.Rows);
        Assert.All(b.Columns[Parquet.ParquetFieldWriter.CaptureColumn], c => Assert.Equal("day2/b.pcap", Assert.Single(c)));

        // The damaged capture's file holds every frame before the damage.
        var cut = ParquetTable.Read(Path.Combine(output, "cut.pcap.parquet"));
        Assert.Equal(textRows - 1, cut.Rows);
        Assert.Equal(Enumerable.Range(1, textRows - 1).Select(n => (object)(long)n), cut.Columns["frame.number"].Select(Assert.Single));
    }

    [Fact]
    public void AnEmptyCapture_GivesAFileWithTheSchemaAndNoRows()
    {
        var capture = Path.Combine(_folder, "none.pcap");
        File.WriteAllBytes(capture, Pcap());
        var path = Path.Combine(_folder, "none.parquet");
        Assert.Equal(0, Cli.Run("fields", capture, "-e", "ip.src", "-e", "frame.number", "-T", "parquet", "-o", path).Exit);
        var table = ParquetTable.Read(path);
        Assert.Equal(0, table.Rows);
        Assert.Equal(["ip.src", "frame.number"], table.Schema.Fields.Select(f => f.Name));
    }

    [Fact]
    public void UsageErrors_AreReported()
    {
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        Assert.Contains("name it with -o", Cli.Run("fields", sample, "-e", "ip.src", "-T", "parquet").Error, StringComparison.Ordinal);
        Assert.Contains("named twice", Cli.Run("fields", sample, "-e", "ip.src", "-e", "ip.src", "-T", "parquet", "-o", Path.Combine(_folder, "x.parquet")).Error, StringComparison.Ordinal);
        Assert.Contains("'ip.srcc' is not a field", Cli.Run("fields", sample, "-e", "ip.srcc", "-T", "parquet", "-o", Path.Combine(_folder, "x.parquet")).Error, StringComparison.Ordinal);
        Assert.Equal(2, Cli.Run("fields", _folder, "-e", "ip.src").Exit);
    }

    [SkippableFact]
    public void TheFlowIndex_AsParquet_EqualsFlowsCsv()
    {
        var capture = Corpus.File("ppp__many-protocols.pcap");
        var output = Path.Combine(_folder, "flows");
        var (exit, _, error) = Cli.Run("flows", capture, "-o", output, "-u", "-v", "-x", "--parquet-index", "-q");
        Assert.True(exit == 0, error);
        var csv = File.ReadAllLines(Path.Combine(output, "flows.csv"));
        var header = csv[0].Split(',');
        var table = ParquetTable.Read(Path.Combine(output, Parquet.ParquetFlowIndex.FileName));
        Assert.Equal(header, table.Schema.Fields.Select(f => f.Name));
        Assert.Equal(csv.Length - 1, table.Rows);
        Assert.True(table.Rows > 100);
        for (var row = 0; row < table.Rows; row++)
        {
            var cells = csv[row + 1].Split(',');
            for (var c = 0; c < header.Length; c++)
            {
                var value = Assert.Single(table.Columns[header[c]][row]);
                Assert.Equal(value is DateTime ? cells[c][..^3] + "000" : cells[c], Text(value));
            }
        }
    }

    [Fact]
    public void AnEarlierParquetIndex_GoesWhenASplitStarts_AndTheNewOneHasItsNameOnlyWhenWhole()
    {
        // A split into a folder holding an earlier split's flows.parquet: without --parquet-index the earlier file would
        // describe another split than the folder's flows.csv; with it, the new one is written under a temporary name.
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        var output = Path.Combine(_folder, "earlier");
        Directory.CreateDirectory(output);
        var parquet = Path.Combine(output, Parquet.ParquetFlowIndex.FileName);
        File.WriteAllText(parquet, "an earlier split's index");
        var (exit, _, error) = Cli.Run("flows", sample, "-o", output, "-q");
        Assert.True(exit == 0, error);
        Assert.False(File.Exists(parquet), "the earlier Parquet index is gone");

        File.WriteAllText(parquet, "an earlier split's index");
        (exit, _, error) = Cli.Run("flows", sample, "-o", output, "-q", "--parquet-index");
        Assert.True(exit == 0, error);
        Assert.Equal(File.ReadAllLines(Path.Combine(output, "flows.csv")).Length - 1, ParquetTable.Read(parquet).Rows);
        Assert.Empty(Directory.GetFiles(output, "*.partial", SearchOption.AllDirectories));

        // A capture that cannot be read leaves the folder as it was.
        Assert.NotEqual(0, Cli.Run("flows", Path.Combine(_folder, "missing.pcap"), "-o", output, "-q").Exit);
        Assert.True(File.Exists(parquet));
    }

    [SkippableFact]
    public void AParquetIndexThatCannotBeWritten_FailsTheRun_AndLeavesNoFlowsParquet()
    {
        // The temporary name links to /dev/full, where every write fails as on a full disk: no flows.parquet is left, so
        // none can look whole (written in place, the file was there, half written).
        Skip.IfNot(File.Exists("/dev/full"), "needs /dev/full");
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        var output = Path.Combine(_folder, "full");
        Directory.CreateDirectory(output);
        var parquet = Path.Combine(output, Parquet.ParquetFlowIndex.FileName);
        File.CreateSymbolicLink(parquet + ".partial", "/dev/full");
        var (exit, _, error) = Cli.Run("flows", sample, "-o", output, "-q", "--parquet-index");
        Assert.NotEqual(0, exit);
        Assert.Contains("flows.parquet", error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "flows.csv")), "the split itself is complete");
        Assert.False(File.Exists(parquet));
    }

    [Fact]
    public void ADamagedCapture_StillGetsItsParquetIndex_OfTheFlowsBeforeTheDamage()
    {
        // The split finishes the flows before the damage (their files, flows.csv) before the error goes on; the Parquet
        // index is made from the same flows.
        var sample = File.ReadAllBytes(Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap"));
        var damaged = Path.Combine(_folder, "damaged.pcap");
        File.WriteAllBytes(damaged, sample[..^10]);
        var output = Path.Combine(_folder, "damaged");
        var (exit, _, error) = Cli.Run("flows", damaged, "-o", output, "-u", "-v", "-x", "-q", "--parquet-index");
        Assert.NotEqual(0, exit);
        Assert.Contains("damaged.pcap", error, StringComparison.Ordinal);
        var flows = File.ReadAllLines(Path.Combine(output, "flows.csv")).Length - 1;
        Assert.True(flows > 0);
        Assert.Equal(flows, ParquetTable.Read(Path.Combine(output, Parquet.ParquetFlowIndex.FileName)).Rows);
    }

    /// <summary>Writes <paramref name="capture"/>'s fields as text and as Parquet and compares every cell; returns the rows.</summary>
    private int AssertParquetEqualsText(string capture, string name, int rowGroupSize)
    {
        var args = Fields.SelectMany(f => new[] { "-e", f }).ToArray();
        var text = Cli.Run(["fields", capture, .. args]);
        var path = Path.Combine(_folder, name + ".parquet");
        var parquet = Cli.Run(["fields", capture, "-T", "parquet", "-o", path, "--row-group-size", rowGroupSize.ToString(CultureInfo.InvariantCulture), .. args]);

        // A damaged capture fails both ways, after the same good frames.
        Assert.Equal(text.Exit, parquet.Exit);
        var lines = text.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (!File.Exists(path))
        {
            Assert.Empty(lines);
            return 0;
        }

        var table = ParquetTable.Read(path);
        Assert.Equal(lines.Length, table.Rows);
        Assert.Equal((lines.Length + rowGroupSize - 1) / rowGroupSize, table.RowGroups);
        for (var row = 0; row < lines.Length; row++)
        {
            var cells = lines[row].Split('\t');
            for (var c = 0; c < Fields.Length; c++)
            {
                var values = table.Columns[Fields[c]][row];
                var expected = cells[c];
                if (values.Count > 0 && values[0] is long or bool)
                {
                    // Numbers: tshark prints some in hex (ip.id 0x1234); the column holds the value.
                    Assert.Equal(expected.Split(',').Select(Number), values.Select(v => v is bool b ? (b ? 1L : 0L) : (long)v));
                }
                else
                {
                    if (Fields[c] == "frame.time_epoch" && values.Count == 0 && expected.Length > 0)
                    {
                        // A time a timestamp column cannot hold (after the year 9999) is null there.
                        Assert.True(decimal.Parse(expected, CultureInfo.InvariantCulture) > DateTimeOffset.MaxValue.ToUnixTimeSeconds(), expected);
                        continue;
                    }

                    if (values.Count > 0 && values[0] is DateTime)
                    {
                        // The timestamp column keeps microseconds (what Spark reads); frame.time_relative keeps every digit.
                        expected = expected[..^3] + "000";
                    }

                    Assert.True(expected == string.Join(',', values.Select(Text)), $"{name} frame {row + 1} {Fields[c]}: text '{expected}', Parquet '{string.Join(',', values.Select(Text))}'");
                }
            }
        }

        return lines.Length;
    }

    private static long Number(string text) =>
        text.StartsWith("0x", StringComparison.Ordinal) ? long.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : text is "True" ? 1 : text is "False" ? 0 : long.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>A Parquet value as the text output prints it: times as epoch seconds (to the microsecond the column keeps).</summary>
    private static string Text(object value) => value switch
    {
        DateTime time => ((time - DateTime.UnixEpoch).Ticks / 10_000_000).ToString(CultureInfo.InvariantCulture) + "." +
                         ((time - DateTime.UnixEpoch).Ticks % 10_000_000 * 100).ToString("D9", CultureInfo.InvariantCulture),
        decimal seconds => seconds.ToString("0.000000000", CultureInfo.InvariantCulture),
        long n => n.ToString(CultureInfo.InvariantCulture),
        _ => (string)value,
    };

    /// <summary>A pcap file of raw-IPv4 (link type 228) frames.</summary>
    private static byte[] Pcap(params byte[][] frames)
    {
        using var stream = new MemoryStream();
        using var writer = new PcapKit.Capture.PcapWriter(stream, 228, leaveOpen: true);
        foreach (var frame in frames)
        {
            writer.Write(PcapKit.Capture.CaptureTimestamp.FromNanoseconds(1_700_000_000, 0), frame, (uint)frame.Length);
        }

        writer.Flush();
        return stream.ToArray();
    }
}
