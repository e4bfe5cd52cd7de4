using System;
using System.IO;
using System.Linq;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Cli.Tests;

/// <summary>
/// <c>--threads</c> on every command that dissects a capture: what each command prints or writes on three threads
/// is what it does on one — for every corpus capture, damaged ones included — including the commands whose state
/// (reassembly, flows, the trace, statistics, times relative to the previous frame) takes the frames in order.
/// </summary>
public sealed class ThreadsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-threads-").FullName;

    public static TheoryData<string> Captures() => Corpus.CaptureRows();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableTheory]
    [MemberData(nameof(Captures))]
    public void EveryCommand_OnEveryCorpusCapture_DoesTheSame_OnOneThreadAndOnThree(string capture)
    {
        Corpus.Require();
        var path = Corpus.File(capture);
        string[][] printing =
        [
            ["dump", path, "-#"],
            ["stat", "phs", path],
            ["fields", path, "-e", "frame.number", "-e", "frame.time_delta", "-e", "tcp.stream", "-e", "tcp.seq", "-e", "tcp.nxtseq", "-e", "ip.src", "-e", "tcp.len"],
            ["follow", "tcp", "0", path],
        ];
        foreach (var args in printing)
        {
            var one = Cli.Run([.. args, "--threads", "1"]);
            var three = Cli.Run([.. args, "--threads", "3"]);
            var command = string.Join(' ', args.Take(2));
            Assert.True(one.Exit == three.Exit, $"{command}: exit {one.Exit} vs {three.Exit}");
            Assert.True(one.Output == three.Output, $"{command}: the outputs differ");
            Assert.True(one.Error == three.Error, $"{command}: the errors differ");
        }

        string[][] writing =
        [
            ["flows", path, "-u", "-v", "-x", "-q", "-o"],
            ["extract", path, "-q", "--reassemble", "ip,tcp", "-f", "tree", "--trace", "{0}/trace", "--trace-format", "json", "-o"],
            // On three threads the trace is sharded here (pcap files, or documents without IP reassembly).
            ["extract", path, "-q", "--reassemble", "tcp", "-f", "json", "--trace", "{0}/trace", "--trace-format", "pcap", "--trace-bidirectional", "-o"],
            ["fields", path, "-e", "frame.number", "-e", "ip.src", "-e", "tcp.srcport", "-T", "parquet", "-o"],
        ];
        foreach (var args in writing)
        {
            var outputs = new[] { 1, 3 }.Select(threads =>
            {
                var folder = Path.Combine(_folder, $"{args[0]}-{threads}");
                Directory.CreateDirectory(folder);
                var target = Path.Combine(folder, "out");
                var run = Cli.Run([.. args.Select(a => a.Replace("{0}", folder, StringComparison.Ordinal)), target, "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                return (run.Exit, Error: run.Error.Replace(folder, "FOLDER", StringComparison.Ordinal), Files: Snapshot(folder));
            }).ToArray();
            Assert.True(outputs[0].Exit == outputs[1].Exit, $"{args[0]}: exit {outputs[0].Exit} vs {outputs[1].Exit}");
            Assert.Equal(outputs[0].Error, outputs[1].Error);
            Assert.Equal(outputs[0].Files.Select(f => f.Name), outputs[1].Files.Select(f => f.Name));
            for (var i = 0; i < outputs[0].Files.Length; i++)
            {
                Assert.True(outputs[0].Files[i].Bytes.AsSpan().SequenceEqual(outputs[1].Files[i].Bytes), $"{args[0]}: {outputs[0].Files[i].Name} differs");
            }
        }
    }

    [SkippableFact]
    public void ExtractFollowAndFlows_OnStateShards_GiveTheOneThreadRunsOutput()
    {
        // Two shards on two threads (the default there keeps the state on the reading thread), and three on three.
        Corpus.Require();
        var path = Corpus.File("zeek__tcp_reassembly.pcap");
        var extract = new[] { "extract", path, "--reassemble", "ip,tcp", "-f", "tree", "-o", "-" };
        var one = Cli.Run([.. extract, "--threads", "1"]);
        Assert.Equal(0, one.Exit);
        Assert.Contains("tcp.stream", one.Error, StringComparison.Ordinal);
        foreach (var (threads, shards) in new[] { ("2", "2"), ("3", "3") })
        {
            var many = Cli.Run([.. extract, "--threads", threads, "--shards", shards]);
            Assert.Equal((one.Exit, one.Output, one.Error), (many.Exit, many.Output, many.Error));
            var follow = new[] { "follow", "tcp", "0", path };
            Assert.Equal(Cli.Run([.. follow, "--threads", "1"]), Cli.Run([.. follow, "--threads", threads, "--shards", shards]));
        }

        // Flow splitting too: each shard splits the flows of its address pairs, the splitter merges the index.
        var protocols = Corpus.File("ppp__many-protocols.pcap");
        var split = new System.Collections.Generic.List<(string Name, byte[] Bytes)[]>();
        foreach (var (threads, shards) in new[] { ("1", "0"), ("2", "2"), ("3", "3") })
        {
            var folder = Path.Combine(_folder, $"flows-{threads}-{shards}");
            var run = Cli.Run(["flows", protocols, "-u", "-v", "-x", "-q", "-o", folder, "--threads", threads, "--shards", shards]);
            Assert.Equal(0, run.Exit);
            split.Add(Snapshot(folder));
        }

        Assert.True(split[0].Length > 100, $"only {split[0].Length} files");
        foreach (var other in split.Skip(1))
        {
            Assert.Equal(split[0].Select(f => f.Name), other.Select(f => f.Name));
            for (var i = 0; i < split[0].Length; i++)
            {
                Assert.True(split[0][i].Bytes.AsSpan().SequenceEqual(other[i].Bytes), $"flows: {split[0][i].Name} differs");
            }
        }

        var (exit, _, error) = Cli.Run([.. extract, "--shards", "-1"]);
        Assert.Equal(2, exit);
        Assert.Contains("--shards must be 0 or more", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Threads_BelowOne_IsAUsageError_OnEveryCommand()
    {
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        foreach (var args in new[] { new[] { "dump", sample }, ["stat", "phs", sample], ["follow", "tcp", "0", sample], ["flows", sample, "-o", _folder] })
        {
            var (exit, _, error) = Cli.Run([.. args, "--threads", "0"]);
            Assert.Equal(2, exit);
            Assert.Contains("--threads must be at least 1", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DumpStatFieldsAndFollow_ReadStandardInput_AsTheyReadTheFile()
    {
        // '-' is standard input for every command that reads a capture (dump and stat read it since they run on the extractor).
        var sample = Path.Combine(Corpus.RepositoryRoot, "samples", "captures", "loopback.pcap");
        foreach (var args in new[] { new[] { "dump", "{0}", "-#" }, ["stat", "phs", "{0}"], ["fields", "{0}", "-e", "tcp.seq", "-e", "tcp.stream"], ["follow", "tcp", "0", "{0}"] })
        {
            var fromFile = Cli.Run([.. args.Select(a => a == "{0}" ? sample : a)]);
            var fromStdin = Cli.RunProcess(sample, [.. args.Select(a => a == "{0}" ? "-" : a), "--threads", "2"]);
            Assert.True(fromStdin.Exit == 0, fromStdin.Error);
            Assert.Equal(fromFile.Output, fromStdin.Output);
            Assert.NotEmpty(fromFile.Output);
        }
    }

    /// <summary>Every file under a folder, by relative name, with its bytes (a Parquet file's bytes are its rows and schema: the writer is deterministic).</summary>
    private static (string Name, byte[] Bytes)[] Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Name: Path.GetRelativePath(folder, f), Bytes: File.ReadAllBytes(f)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();
}
