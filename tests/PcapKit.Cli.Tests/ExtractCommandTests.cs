using System;
using System.IO;
using System.Text.Json;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Cli.Tests;

/// <summary><c>pcapkit extract</c> end to end, running the built tool over the corpus, standard input and bad input.</summary>
public sealed class ExtractCommandTests : IDisposable
{
    private static readonly string Sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableTheory]
    [MemberData(nameof(FieldsCommandTests.Captures), MemberType = typeof(FieldsCommandTests))]
    public void EveryCorpusFile_ExtractsAsJson_WithAsManyFramesAsTheOracle(string capture)
    {
        Corpus.Require();
        var output = Path.Combine(_folder, capture + ".json");
        var (exit, _, error) = Cli.RunProcess(null, "extract", Corpus.File(capture), "-f", "json", "-o", output, "--quiet");
        if (Corpus.IsRejectedByTshark(capture))
        {
            Assert.Equal(1, exit);
            Assert.Contains(capture, error, StringComparison.Ordinal);
            Assert.Contains("byte offset", error, StringComparison.Ordinal);
            return;
        }

        var oracle = TsharkTable.For(capture);
        using var json = JsonDocument.Parse(File.ReadAllBytes(output));
        Assert.Equal(oracle.Count, json.RootElement.GetProperty("frames").GetArrayLength());
        Assert.Equal(oracle.Count, json.RootElement.GetProperty("summary").GetProperty("frames").GetInt64());

        // A file that ends in a damaged record still gives every frame before it, then exit code 1 naming the place.
        if (json.RootElement.GetProperty("summary").TryGetProperty("error", out var damage))
        {
            Assert.Equal(1, exit);
            Assert.Contains(capture, error, StringComparison.Ordinal);
            Assert.Contains("byte offset", damage.GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.True(exit == 0, error);
        }
    }

    [SkippableFact]
    public void BytesAfterAUnit_AreKeptAsTheLayersTrailer()
    {
        // ppp__many-protocols.pcap frame 27: a 60-byte frame whose IPv4 datagram ends 4 bytes early; tshark shows them
        // as eth.trailer ca724e0c.
        Corpus.Require();
        var output = Path.Combine(_folder, "trailer.json");
        var (exit, _, error) = Cli.RunProcess(null, "extract", Corpus.File("ppp__many-protocols.pcap"), "-f", "json", "-o", output, "--quiet");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(File.ReadAllBytes(output));
        var ethernet = json.RootElement.GetProperty("frames")[26].GetProperty("layers")[0];
        Assert.Equal("ethernet", ethernet.GetProperty("protocol").GetString());
        var trailer = ethernet.GetProperty("trailer");
        Assert.Equal((56, 4, "ca724e0c"), (trailer.GetProperty("offset").GetInt32(), trailer.GetProperty("length").GetInt32(), trailer.GetProperty("data").GetString()));
        Assert.False(json.RootElement.GetProperty("frames")[26].GetProperty("layers")[1].TryGetProperty("trailer", out _));
    }

    [Fact]
    public void StandardInput_IsReadWhenTheFileIsADash_AndStandardOutputWhenTheOutputIs()
    {
        var (exit, output, error) = Cli.RunProcess(Sample, "extract", "-", "-f", "json", "--quiet");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(101, json.RootElement.GetProperty("frames").GetArrayLength());
        Assert.Equal("-", json.RootElement.GetProperty("capture").GetProperty("file").GetString());
    }

    [Fact]
    public void Threads_GiveTheOneThreadDocument_AndStateLimitsAreOptions()
    {
        var one = Path.Combine(_folder, "one.json");
        var two = Path.Combine(_folder, "two.json");
        Assert.Equal(0, Cli.Run("extract", Sample, "-o", one, "--threads", "1", "-q").Exit);
        Assert.Equal(0, Cli.Run("extract", Sample, "-o", two, "--threads", "2", "-q").Exit);
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));

        var (exit, _, error) = Cli.Run("extract", Sample, "--no-file", "--reassemble", "ip,tcp", "--max-streams", "1", "--max-datagrams", "1", "--max-fragment-bytes", "65536", "--max-stream-bytes", "65536");
        Assert.True(exit == 0, error);
        Assert.Contains("TCP streams", error, StringComparison.Ordinal);

        // The summary's endpoints: an IPv6 address in brackets before its port (the sample's connections over ::1).
        var summary = Cli.Run("extract", Sample, "--no-file", "--reassemble", "tcp");
        Assert.Matches(@"tcp\.stream \d+: \[::1\]:\d+ → \[::1\]:8081: ", summary.Error);
        Assert.Matches(@"tcp\.stream \d+: 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+: ", summary.Error);
        foreach (var option in new[] { "--threads", "--max-streams", "--max-datagrams", "--max-fragment-bytes", "--max-stream-bytes" })
        {
            var bad = Cli.Run("extract", Sample, "--no-file", option, "0");
            Assert.Equal(2, bad.Exit);
            Assert.Contains(option + " must be at least 1", bad.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryFormat_IsWritten_AndTheSummaryGoesToStandardError()
    {
        foreach (var format in new[] { "json", "tree", "plist", "pcap" })
        {
            var output = Path.Combine(_folder, "sample." + format);
            var (exit, _, error) = Cli.Run("extract", Sample, "-f", format, "-o", output);
            Assert.True(exit == 0, error);
            Assert.True(new FileInfo(output).Length > 1000, format);
            Assert.Contains("101 frames (101 written, 0 malformed)", error, StringComparison.Ordinal);
        }

        // The pcap re-export of every frame is the input, byte for byte (same header, same records).
        Assert.Equal(File.ReadAllBytes(Sample), File.ReadAllBytes(Path.Combine(_folder, "sample.pcap")));
    }

    [Fact]
    public void Select_ReexportsOnlyTheFramesThatCarryTheProtocol()
    {
        var output = Path.Combine(_folder, "udp.pcap");
        var (exit, _, error) = Cli.Run("extract", Sample, "-f", "pcap", "--select", "udp", "-o", output);
        Assert.True(exit == 0, error);
        var (_, dump, _) = Cli.Run("dump", output);
        var lines = dump.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Contains("UDP", l, StringComparison.Ordinal));
    }

    [Fact]
    public void BadInput_ExitsWithOne_NamingTheFile_AndUsageErrorsWithTwo()
    {
        var notACapture = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(notACapture, "these are not packets");
        var (exit, _, error) = Cli.Run("extract", notACapture, "-o", Path.Combine(_folder, "x.json"));
        Assert.Equal(1, exit);
        Assert.Contains("notes.txt", error, StringComparison.Ordinal);

        (exit, _, error) = Cli.Run("extract", Sample, "-f", "yaml");
        Assert.Equal(2, exit);
        Assert.Contains("yaml", error, StringComparison.Ordinal);

        (exit, _, error) = Cli.Run("extract", Sample, "--protocol", "nope", "--no-file");
        Assert.Equal(2, exit);
        Assert.Contains("nope", error, StringComparison.Ordinal);
    }
}
