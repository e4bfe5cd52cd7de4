using System;
using System.Linq;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Cli.Tests;

/// <summary><c>pcapkit fields</c> against the tshark oracle, and its exit codes.</summary>
public sealed class FieldsCommandTests
{
    private static readonly string[] FrameColumns = ["frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "frame.interface_id"];

    public static TheoryData<string> Captures() => Corpus.CaptureRows();

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void FrameFields_OfEveryCorpusFile_EqualTshark(string capture)
    {
        Corpus.Require();
        var args = new[] { "fields", Corpus.File(capture) }.Concat(FrameColumns.SelectMany(c => new[] { "-e", c })).ToArray();
        var (exit, output, error) = Cli.Run(args);
        if (Corpus.IsRejectedByTshark(capture))
        {
            Assert.Equal(1, exit);
            Assert.Contains(capture, error, StringComparison.Ordinal);
            return;
        }

        Assert.True(exit == 0, error);
        var table = TsharkTable.For(capture);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(table.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var expected = string.Join('\t', FrameColumns.Select(c => table.Get(i + 1, c)));
            Assert.Equal(expected, lines[i]);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void EveryCorpusFile_GivesTheSameLines_OnOneThreadAndOnThree(string capture)
    {
        Corpus.Require();
        string[] args = ["fields", Corpus.File(capture), "-e", "frame.number", "-e", "frame.time_epoch", "-e", "frame.protocols", "-e", "ip.src", "-e", "ipv6.dst", "-e", "tcp.flags", "-e", "udp.dstport", "-e", "dns.qry.name", "-e", "http.request.uri", "-E", "header=y"];
        var one = Cli.Run([.. args, "--threads", "1"]);
        var three = Cli.Run([.. args, "--threads", "3"]);
        Assert.Equal(one.Exit, three.Exit);
        Assert.Equal(one.Error, three.Error);
        Assert.Equal(one.Output, three.Output);
    }

    [SkippableFact]
    public void AnUnknownField_IsAUsageErrorListingSimilarNames()
    {
        var (exit, _, error) = Cli.Run("fields", Corpus.File("ppp__Dns.pcap"), "-e", "ip.srcc");
        Assert.Equal(2, exit);
        Assert.Contains("'ip.srcc' is not a field. Did you mean: ip.src", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void HeaderAndSeparatorSettings_AreTsharks()
    {
        var (exit, output, _) = Cli.Run("fields", Corpus.File("zeek__tcp_option-sack.pcap"), "-e", "frame.number", "-e", "tcp.options.sack_le", "-E", "header=y", "-E", "separator=/s", "-E", "occurrence=l");
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("frame.number tcp.options.sack_le", lines[0]);
        Assert.Equal("4 16777216", lines[4]);
    }

    [SkippableFact]
    public void ATruncatedFile_PrintsEveryCompleteFrame_ThenExitsWithOneNamingTheFileAndOffset()
    {
        var bytes = System.IO.File.ReadAllBytes(Corpus.File("zeek__tcp_option-sack.pcap"));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cut-{Guid.NewGuid():N}.pcap");
        System.IO.File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 10).ToArray());
        try
        {
            var (exit, output, error) = Cli.Run("fields", path, "-e", "frame.number");
            Assert.Equal(1, exit);
            Assert.Equal("1\n2\n3\n", output.Replace("\r", string.Empty, StringComparison.Ordinal));
            Assert.Contains(path + ": the file is cut short at byte offset 294", error, StringComparison.Ordinal);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void AMissingFile_IsBadInput()
    {
        var (exit, _, error) = Cli.Run("fields", "/nonexistent/x.pcap", "-e", "frame.number");
        Assert.Equal(1, exit);
        Assert.Contains("x.pcap", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownOption_IsAUsageError()
    {
        var (exit, _, _) = Cli.Run("fields", "--bogus");
        Assert.Equal(2, exit);
    }

    [SkippableFact]
    public void StandardInput_IsReadWhenTheFileIsADash()
    {
        var capture = Corpus.File("pngtg__be_test102.pcapng");
        var (exit, output, error) = Cli.RunProcess(capture, "fields", "-", "-e", "frame.number", "-e", "frame.len");
        Assert.True(exit == 0, error);
        var table = TsharkTable.For("pngtg__be_test102.pcapng");
        Assert.Equal(table.Count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
