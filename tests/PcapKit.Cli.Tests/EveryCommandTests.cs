using System;
using System.IO;
using PcapKit.TestSupport;
using Xunit;

namespace PcapKit.Cli.Tests;

/// <summary>Every command that reads a capture, over every corpus file: it finishes with exit code 0, or 1 naming the file.</summary>
public sealed class EveryCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pcapkit-every-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableTheory]
    [MemberData(nameof(FieldsCommandTests.Captures), MemberType = typeof(FieldsCommandTests))]
    public void EveryCommand_OnEveryCorpusFile_ExitsCleanly(string capture)
    {
        var path = Corpus.File(capture);
        string[][] commands =
        [
            ["info", path],
            ["info", path, "--json"],
            ["dump", path],
            ["stat", "phs", path],
            ["fields", path, "-e", "frame.protocols", "-e", "ip.src", "-e", "tcp.options.mss_val"],
            ["extract", path, "-f", "tree", "-o", Path.Combine(_folder, "x.txt"), "-q"],
            ["extract", path, "-f", "plist", "-o", Path.Combine(_folder, "x.plist"), "-q"],
            ["extract", path, "-f", "json", "--engine", "packetdotnet", "-o", Path.Combine(_folder, "x.json"), "-q"],
            ["flows", path, "-o", Path.Combine(_folder, "flows"), "-u", "-v", "-x", "-q"],
            ["extract", path, "--no-file", "-q", "--trace", Path.Combine(_folder, "trace")],
            ["extract", path, "--no-file", "-q", "--trace", Path.Combine(_folder, "trace-json"), "--trace-format", "json", "--trace-bidirectional"],
        ];
        foreach (var args in commands)
        {
            var (exit, _, error) = Cli.Run(args);
            Assert.True(exit is 0 or 1, $"{string.Join(' ', args)}: exit {exit}: {error}");
            if (exit == 1)
            {
                Assert.Contains(capture, error, StringComparison.Ordinal);
            }
        }

        // Every flow file and every trace file re-reads with 'pcapkit info'; no temporary name is left.
        foreach (var folder in new[] { Path.Combine(_folder, "flows"), Path.Combine(_folder, "trace") })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            Assert.Empty(Directory.GetFiles(folder, "*.partial", SearchOption.AllDirectories));
            foreach (var file in Directory.EnumerateFiles(folder, "*.pcap*", SearchOption.AllDirectories))
            {
                var (exit, text, error) = Cli.Run("info", file);
                Assert.True(exit == 0, $"info {file}: {error}");
                Assert.Contains("Number of packets:", text, StringComparison.Ordinal);
            }
        }
    }
}
